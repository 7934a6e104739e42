package pyindex

import (
	"fmt"
	"sort"
	"strings"
)

// Specifier is one version clause of a requirement (">=1.26.0").
type Specifier struct {
	Op      string // ==, !=, <=, >=, <, >, ~=, ===
	Version string // as written, possibly ending in ".*"
	v       Version
	prefix  bool // "==2.2.*"
}

// SpecifierSet is a comma-separated list of clauses that must all hold.
type SpecifierSet []Specifier

var ops = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// ParseSpecifierSet parses "<3,>=1.21.1" (spaces allowed).
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	var set SpecifierSet
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		op := ""
		for _, o := range ops {
			if strings.HasPrefix(part, o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, fmt.Errorf("invalid specifier %q", part)
		}
		ver := strings.TrimSpace(part[len(op):])
		sp := Specifier{Op: op, Version: ver}
		body := ver
		if strings.HasSuffix(ver, ".*") {
			if op != "==" && op != "!=" {
				return nil, fmt.Errorf("invalid specifier %q", part)
			}
			sp.prefix = true
			body = strings.TrimSuffix(ver, ".*")
		}
		if op != "===" {
			v, err := ParseVersion(body)
			if err != nil {
				return nil, fmt.Errorf("invalid specifier %q", part)
			}
			if op == "~=" && len(v.release) < 2 {
				return nil, fmt.Errorf("invalid specifier %q", part)
			}
			sp.v = v
		}
		set = append(set, sp)
	}
	return set, nil
}

// String writes the set the way pip (packaging) prints it: clauses sorted
// as strings and joined by commas ("<3,>=1.21.1").
func (s SpecifierSet) String() string {
	parts := make([]string, len(s))
	for i, sp := range s {
		parts[i] = sp.Op + sp.Version
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Contains reports whether v satisfies every clause. Pre-releases match
// only when some clause names a pre-release, as pip's default is.
func (s SpecifierSet) Contains(v Version) bool {
	if v.IsPre() && !s.allowsPre() {
		return false
	}
	for _, sp := range s {
		if !sp.Contains(v) {
			return false
		}
	}
	return true
}

func (s SpecifierSet) allowsPre() bool {
	for _, sp := range s {
		if sp.v.IsPre() && sp.Op != "!=" {
			return true
		}
	}
	return false
}

// Pinned returns the version of an exact "==X" clause, if any.
func (s SpecifierSet) Pinned() (string, bool) {
	for _, sp := range s {
		if (sp.Op == "==" || sp.Op == "===") && !sp.prefix {
			return sp.Version, true
		}
	}
	return "", false
}

// Contains reports whether v satisfies this one clause.
func (sp Specifier) Contains(v Version) bool {
	switch sp.Op {
	case "===":
		return v.raw == sp.Version
	case "==":
		if sp.prefix {
			return hasReleasePrefix(v, sp.v)
		}
		return v.Compare(sp.v) == 0
	case "!=":
		if sp.prefix {
			return !hasReleasePrefix(v, sp.v)
		}
		return v.Compare(sp.v) != 0
	case "<=":
		return v.Compare(sp.v) <= 0
	case ">=":
		return v.Compare(sp.v) >= 0
	case "<":
		return v.Compare(sp.v) < 0
	case ">":
		return v.Compare(sp.v) > 0
	case "~=":
		// ~=2.2 means >=2.2, ==2.*; ~=1.4.5 means >=1.4.5, ==1.4.*.
		if v.Compare(sp.v) < 0 {
			return false
		}
		base := Version{release: sp.v.release[:len(sp.v.release)-1], post: -1, dev: -1}
		return hasReleasePrefix(v, base)
	}
	return false
}

// hasReleasePrefix is "==p.*": v's release starts with p's (zero-padded).
func hasReleasePrefix(v, p Version) bool {
	for i, n := range p.release {
		if at(v.release, i) != n {
			return false
		}
	}
	return true
}
