package pyindex

import (
	"sort"
	"strings"
)

// Root is a requirement the user asked for.
type Root struct {
	Req Requirement
	// From is pip's "comes from" text: "-r requirements.txt (line 3)", or
	// empty for a command-line argument.
	From string
}

// Installed is a distribution already in site-packages.
type Installed struct {
	Name     string
	Version  Version
	Requires []Requirement
}

// Options steer a resolution.
type Options struct {
	Env Env
	// Py is the CPython wheel tag (314).
	Py int
	// Upgrade lets roots move past an installed version (pip -U; the
	// "only-if-needed" strategy leaves dependencies alone).
	Upgrade bool
	// Installed is what site-packages holds, by normalised name.
	Installed map[string]Installed
	// Constraints limit versions without asking for installation (-c).
	Constraints []Root
	// NoDeps installs the roots alone (pip --no-deps).
	NoDeps bool
}

// Node is one resolved project, in discovery order.
type Node struct {
	Key string
	// Req is the requirement it was first collected by, as pip prints it.
	Req Requirement
	// Parent is the node whose dependency it is (nil for a root); From is
	// a root's comes-from text.
	Parent *Node
	From   string
	// Release is what will be installed, nil when the installed version
	// is kept (Kept).
	Release *Release
	Kept    *Installed
	// Replaces is an installed version this release will replace.
	Replaces *Installed
	Extras   []string
	// Deps are the keys this node depends on (markers applied).
	Deps []string
}

// Version is the version the node ends up at.
func (n *Node) Version() string {
	if n.Release != nil {
		return n.Release.Version.String()
	}
	return n.Kept.Version.String()
}

// FromPath is pip's chain of requirements leading to n:
// "python-dateutil>=2.8.2->pandas==2.3.3->-r requirements.txt (line 1)".
func (n *Node) FromPath() string {
	s := n.Req.String()
	switch {
	case n.Parent != nil:
		s += "->" + n.Parent.FromPath()
	case n.From != "":
		s += "->" + n.From
	}
	return s
}

// Comes is the "(from ...)" pip prints after a requirement, or "".
func (n *Node) Comes() string {
	switch {
	case n.Parent != nil:
		return n.Parent.FromPath()
	case n.From != "":
		return n.From
	}
	return ""
}

// Result is a successful resolution: nodes in the order pip collects them.
type Result struct {
	Nodes []*Node
	// Ignored lists root requirements whose markers do not match.
	Ignored []Root
	// BadExtras are "project version extra" triples pip warns about.
	BadExtras [][3]string
}

// Cause is one requirement in a conflict: Parent is "flask 3.1.2" or ""
// for the user's own request.
type Cause struct {
	Req        Requirement
	Parent     *Node
	ParentName string
	ParentVer  string
}

// NotFoundError is pip's "Could not find a version that satisfies the
// requirement".
type NotFoundError struct {
	Req Requirement
	// Versions are the versions pip could have used (from versions: ...).
	Versions []string
	// WrongPython lists "1.26.4 Requires-Python >=3.9,<3.13" entries.
	WrongPython []string
	// Partial is what was collected before the failure.
	Partial []*Node
}

func (e *NotFoundError) Error() string {
	return "no matching distribution found for " + e.Req.String()
}

// ConflictError is pip's ResolutionImpossible.
type ConflictError struct {
	Key     string
	Causes  []Cause
	Partial []*Node
}

func (e *ConflictError) Error() string { return "conflicting dependencies for " + e.Key }

// Triggers is the "Cannot install X and Y" list, as pip builds it.
func (e *ConflictError) Triggers() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range e.Causes {
		t := c.Req.String()
		if c.Parent != nil {
			// pip names a dependency's parent by where the parent came
			// from when that is a requirements file, else name==version.
			root := c.Parent
			switch {
			case root.Parent == nil && root.From != "":
				t = root.From
			case root.Parent != nil:
				t = root.Parent.Req.Name
			default:
				t = c.ParentName + "==" + c.ParentVer
			}
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

type constraint struct {
	req    Requirement
	parent *Node
}

type state struct {
	nodes   []*Node
	byKey   map[string]*Node
	cons    map[string][]constraint
	extras  map[string]map[string]bool
	pending []pend
}

type pend struct {
	req    Requirement
	parent *Node
	from   string
}

func (s *state) clone() *state {
	c := &state{
		nodes:   append([]*Node(nil), s.nodes...),
		byKey:   make(map[string]*Node, len(s.byKey)),
		cons:    make(map[string][]constraint, len(s.cons)),
		extras:  make(map[string]map[string]bool, len(s.extras)),
		pending: append([]pend(nil), s.pending...),
	}
	for k, v := range s.byKey {
		c.byKey[k] = v
	}
	for k, v := range s.cons {
		c.cons[k] = v[:len(v):len(v)]
	}
	for k, v := range s.extras {
		m := make(map[string]bool, len(v))
		for e := range v {
			m[e] = true
		}
		c.extras[k] = m
	}
	return c
}

type resolver struct {
	ix    *Index
	opt   Options
	steps int
	first error
	res   *Result
}

// maxSteps bounds backtracking: the index is small, so a search this long
// means the requirements cannot be met.
const maxSteps = 20000

// Resolve picks a version of every project the roots need: the newest
// release matching every constraint (installed versions are kept when they
// satisfy, unless upgrading a root), backtracking on conflicts as pip does.
func (ix *Index) Resolve(roots []Root, opt Options) (*Result, error) {
	if opt.Env == nil {
		opt.Env = NewEnv("3.14")
	}
	r := &resolver{ix: ix, opt: opt, res: &Result{}}
	st := &state{byKey: map[string]*Node{}, cons: map[string][]constraint{}, extras: map[string]map[string]bool{}}
	for _, c := range opt.Constraints {
		if c.Req.Marker.Eval(opt.Env) {
			st.cons[c.Req.Key()] = append(st.cons[c.Req.Key()], constraint{req: c.Req})
		}
	}
	for _, root := range roots {
		if !root.Req.Marker.Eval(opt.Env) {
			r.res.Ignored = append(r.res.Ignored, root)
			continue
		}
		st.pending = append(st.pending, pend{req: root.Req, from: root.From})
	}
	final := r.solve(st)
	if final == nil {
		if r.first == nil {
			r.first = &ConflictError{}
		}
		return nil, r.first
	}
	// Dependencies are recorded once the search is over: nodes are shared
	// between the branches it tried.
	for i, n := range final.nodes {
		cp := *n
		cp.Deps = nil
		for _, dep := range r.requires(n) {
			if r.applies(dep, final.extras[n.Key]) {
				cp.Deps = append(cp.Deps, dep.Key())
			}
		}
		final.nodes[i] = &cp
	}
	r.res.Nodes = final.nodes
	return r.res, nil
}

func (r *resolver) fail(err error) *state {
	if r.first == nil {
		r.first = err
	}
	return nil
}

func (r *resolver) solve(st *state) *state {
	for len(st.pending) > 0 {
		r.steps++
		if r.steps > maxSteps {
			return nil
		}
		p := st.pending[0]
		st.pending = st.pending[1:]
		key := p.req.Key()
		st.cons[key] = append(st.cons[key], constraint{p.req, p.parent})
		if n := st.byKey[key]; n != nil {
			if !p.req.Specifier.Contains(MustVersion(n.Version())) {
				return r.fail(&ConflictError{Key: key, Causes: r.causes(st.cons[key]), Partial: st.nodes})
			}
			r.addExtras(st, n, p.req.Extras)
			continue
		}
		proj := r.ix.Project(key)
		cands, notFound := r.candidates(proj, p, st.cons[key])
		if notFound != nil {
			notFound.Partial = st.nodes
			return r.fail(notFound)
		}
		if len(cands) == 0 {
			return r.fail(&ConflictError{Key: key, Causes: r.causes(st.cons[key]), Partial: st.nodes})
		}
		for _, c := range cands {
			next := st.clone()
			n := &Node{Key: key, Req: p.req, Parent: p.parent, From: p.from}
			if c.kept != nil {
				n.Kept = c.kept
			} else {
				n.Release = c.rel
				if inst, ok := r.opt.Installed[key]; ok {
					n.Replaces = &inst
				}
			}
			next.byKey[key] = n
			next.nodes = append(next.nodes, n)
			r.addExtras(next, n, p.req.Extras)
			if len(cands) == 1 {
				st = next
				break
			}
			if out := r.solve(next); out != nil {
				return out
			}
			if r.steps > maxSteps {
				return nil
			}
		}
		if len(cands) > 1 {
			return nil
		}
	}
	return st
}

// addExtras queues n's dependencies for the extras not yet seen (the
// base dependencies the first time).
func (r *resolver) addExtras(st *state, n *Node, extras []string) {
	seen := st.extras[n.Key]
	first := seen == nil
	if first {
		seen = map[string]bool{}
		st.extras[n.Key] = seen
	}
	var fresh []string
	for _, e := range extras {
		if !seen[e] {
			seen[e] = true
			fresh = append(fresh, e)
		}
	}
	if !first && len(fresh) == 0 || r.opt.NoDeps {
		return
	}
	reqs := r.requires(n)
	for _, e := range fresh {
		if !providesExtra(reqs, e) {
			r.res.BadExtras = append(r.res.BadExtras, [3]string{r.displayName(n), n.Version(), e})
		}
	}
	for _, dep := range reqs {
		use := false
		if dep.Marker == nil {
			use = first
		} else {
			if first && dep.Marker.Eval(r.opt.Env) {
				use = true
			}
			for _, e := range fresh {
				env := withExtra(r.opt.Env, e)
				if dep.Marker.Eval(env) && !dep.Marker.Eval(r.opt.Env) {
					use = true
				}
			}
		}
		if use {
			st.pending = append(st.pending, pend{req: dep, parent: n})
		}
	}
}

// applies reports whether dep is needed given the extras asked for.
func (r *resolver) applies(dep Requirement, extras map[string]bool) bool {
	if dep.Marker.Eval(r.opt.Env) {
		return true
	}
	for e := range extras {
		if dep.Marker.Eval(withExtra(r.opt.Env, e)) {
			return true
		}
	}
	return false
}

func (r *resolver) displayName(n *Node) string {
	if p := r.ix.Project(n.Key); p != nil {
		return p.Name
	}
	return n.Req.Name
}

func providesExtra(reqs []Requirement, extra string) bool {
	for _, d := range reqs {
		if d.Marker != nil && strings.Contains(d.Marker.String(), "extra") && d.Marker.Eval(withExtra(NewEnv("3.14"), extra)) {
			return true
		}
	}
	return false
}

func withExtra(e Env, extra string) Env {
	out := make(Env, len(e))
	for k, v := range e {
		out[k] = v
	}
	out["extra"] = extra
	return out
}

func (r *resolver) requires(n *Node) []Requirement {
	if n.Release != nil {
		return n.Release.Requires
	}
	return n.Kept.Requires
}

type cand struct {
	rel  *Release
	kept *Installed
}

// candidates lists the releases p's constraints allow, preferred first. A
// requirement no release can ever meet on this Python is a NotFoundError.
func (r *resolver) candidates(proj *Project, p pend, cons []constraint) ([]cand, *NotFoundError) {
	key := p.req.Key()
	inst, haveInst := r.opt.Installed[key]
	var usable []*Release
	var wrongPy []string
	if proj != nil {
		for _, rel := range proj.Releases {
			if !rel.RequiresPython.Contains(MustVersion(r.opt.Env["python_full_version"])) {
				wrongPy = append(wrongPy, rel.Version.String()+" Requires-Python "+rel.RequiresPython.String())
				continue
			}
			if !rel.HasWheel(r.opt.Py) && rel.SdistSize == 0 {
				continue
			}
			usable = append(usable, rel)
		}
	}
	matches := false
	for _, rel := range usable {
		if p.req.Specifier.Contains(rel.Version) {
			matches = true
			break
		}
	}
	keepOK := haveInst && p.req.Specifier.Contains(inst.Version)
	if !matches && !keepOK {
		nf := &NotFoundError{Req: p.req}
		for i := len(usable) - 1; i >= 0; i-- {
			nf.Versions = append(nf.Versions, usable[i].Version.String())
		}
		for i := len(wrongPy) - 1; i >= 0; i-- {
			nf.WrongPython = append(nf.WrongPython, wrongPy[i])
		}
		return nil, nf
	}
	ok := func(v Version) bool {
		for _, c := range cons {
			if !c.req.Specifier.Contains(v) {
				return false
			}
		}
		return true
	}
	var out []cand
	upgrading := r.opt.Upgrade && p.parent == nil
	if haveInst && ok(inst.Version) && !upgrading {
		out = append(out, cand{kept: &inst})
	}
	for _, rel := range usable {
		if !ok(rel.Version) {
			continue
		}
		if haveInst && rel.Version.Compare(inst.Version) == 0 {
			if upgrading || len(out) == 0 {
				out = append(out, cand{kept: &inst})
			}
			continue
		}
		out = append(out, cand{rel: rel})
	}
	return out, nil
}

func (r *resolver) causes(cons []constraint) []Cause {
	var out []Cause
	for _, c := range cons {
		cause := Cause{Req: c.req, Parent: c.parent}
		if c.parent != nil {
			cause.ParentName = r.displayName(c.parent)
			cause.ParentVer = c.parent.Version()
		}
		out = append(out, cause)
	}
	return out
}

// InstallOrder is pip's installation order: dependencies before the
// projects needing them (pip's topological weights: leaves first, each
// round of leaves weighing less), ties broken by name, descending.
func InstallOrder(nodes []*Node) []*Node {
	graph := map[string][]string{}
	for _, n := range nodes {
		graph[n.Key] = append([]string(nil), n.Deps...)
	}
	weights := map[string]int{}
	for len(graph) > 0 {
		var leaves []string
		for k, deps := range graph {
			live := 0
			for _, d := range deps {
				if _, ok := graph[d]; ok && d != k {
					live++
				}
			}
			if live == 0 {
				leaves = append(leaves, k)
			}
		}
		if len(leaves) == 0 {
			// A cycle: what is left weighs least.
			for k := range graph {
				weights[k] = 0
			}
			break
		}
		// len(graph) counts pip's root node too.
		w := len(graph)
		for _, k := range leaves {
			weights[k] = w
			delete(graph, k)
		}
	}
	out := append([]*Node(nil), nodes...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if weights[a.Key] != weights[b.Key] {
			return weights[a.Key] > weights[b.Key]
		}
		return a.Key > b.Key
	})
	return out
}

// FormatVersions is pip's "(from versions: ...)" list.
func (e *NotFoundError) FormatVersions() string {
	if len(e.Versions) == 0 {
		return "none"
	}
	return strings.Join(e.Versions, ", ")
}
