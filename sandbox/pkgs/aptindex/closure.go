package aptindex

import (
	"sort"
)

// Plan is what apt-get install decides: the packages to install in the
// order dpkg unpacks them (dependencies first), the ones the user did not
// name, and the suggestions and skipped recommendations apt lists.
type Plan struct {
	Install     []*Package
	Extra       []string // sorted
	Suggested   []string // sorted
	Recommended []string // recommendations left out (--no-install-recommends)
	Already     []*Package
}

// Installed reports whether the target system already has a package
// (or something providing it).
type Installed func(name string) bool

// Closure plans installing names: their Depends (first installable
// alternative) and, unless noRecommends, Recommends, recursively, leaving
// out what is installed. Unknown names are returned as missing.
func (ix *Index) Closure(names []string, installed Installed, noRecommends bool) (*Plan, []string) {
	plan := &Plan{}
	var missing []string
	chosen := map[string]*Package{}
	requested := map[string]bool{}
	var order []*Package
	suggested := map[string]bool{}
	recommended := map[string]bool{}
	visiting := map[string]bool{}
	var visit func(p *Package)
	pick := func(alts []string) *Package {
		for _, a := range alts {
			if installed(a) {
				return nil
			}
			if p := chosen[a]; p != nil {
				return nil
			}
		}
		for _, a := range alts {
			if p := ix.Get(a); p != nil {
				if installed(p.Name) || chosen[p.Name] != nil {
					return nil
				}
				return p
			}
		}
		return nil
	}
	visit = func(p *Package) {
		if chosen[p.Name] != nil || visiting[p.Name] {
			return
		}
		visiting[p.Name] = true
		for _, alts := range p.Depends {
			if d := pick(alts); d != nil {
				visit(d)
			}
		}
		chosen[p.Name] = p
		order = append(order, p)
		for _, alts := range p.Suggests {
			suggested[alts[0]] = true
		}
		for _, alts := range p.Recommends {
			if noRecommends {
				if d := pick(alts); d != nil {
					recommended[d.Name] = true
				}
				continue
			}
			if d := pick(alts); d != nil {
				visit(d)
			}
		}
	}
	for _, n := range names {
		p := ix.Get(n)
		if p == nil {
			missing = append(missing, n)
			continue
		}
		requested[p.Name] = true
		if installed(p.Name) {
			plan.Already = append(plan.Already, p)
			continue
		}
		visit(p)
	}
	plan.Install = order
	for _, p := range order {
		if !requested[p.Name] {
			plan.Extra = append(plan.Extra, p.Name)
		}
		delete(suggested, p.Name)
		delete(recommended, p.Name)
	}
	for s := range suggested {
		if !installed(s) {
			plan.Suggested = append(plan.Suggested, s)
		}
	}
	for r := range recommended {
		plan.Recommended = append(plan.Recommended, r)
	}
	sort.Strings(plan.Extra)
	sort.Strings(plan.Suggested)
	sort.Strings(plan.Recommended)
	return plan, missing
}
