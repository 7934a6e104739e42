package pyindex

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Project is one PyPI project and its releases, newest first.
type Project struct {
	Key      string // normalised name
	Name     string // the project's own spelling (METADATA Name)
	Summary  string
	Author   string
	License  string
	Home     string
	Imports  []string // top-level modules; "six.py" is a single-file module
	Libs     string   // vendored shared libraries directory ("numpy.libs")
	Scripts  []Script
	Releases []*Release
}

// Script is a console script an installed wheel puts on PATH.
type Script struct{ Name, Entry string }

// Release is one version of a project and its wheel.
type Release struct {
	Project        *Project
	Version        Version
	RequiresPython SpecifierSet
	// Tag is the wheel's tag triple, "{py}" standing for the CPython tag.
	Tag string
	// PyMin and PyMax bound the CPython versions (as 39, 314) that have a
	// wheel when Tag depends on the interpreter; zero otherwise.
	PyMin, PyMax int
	WheelSize    int64
	MetaSize     int64
	Installed    int64
	SdistSize    int64
	Requires     []Requirement
}

// Index is a set of projects by normalised name.
type Index struct {
	projects map[string]*Project
}

//go:embed pypi.txt
var pypiText string

var (
	defaultOnce  sync.Once
	defaultIndex *Index
)

// Default returns the embedded index (parsed once).
func Default() *Index {
	defaultOnce.Do(func() {
		ix, err := Parse(pypiText)
		if err != nil {
			panic("pyindex: embedded index: " + err.Error())
		}
		defaultIndex = ix
	})
	return defaultIndex
}

// Project returns the project named name (any spelling), or nil.
func (ix *Index) Project(name string) *Project { return ix.projects[Normalize(name)] }

// Projects returns every project, sorted by key.
func (ix *Index) Projects() []*Project {
	out := make([]*Project, 0, len(ix.projects))
	for _, p := range ix.projects {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Parse reads the index format described at the top of pypi.txt.
func Parse(text string) (*Index, error) {
	ix := &Index{projects: map[string]*Project{}}
	var cur *Project
	var rel *Release
	byVersion := map[string]*Release{}
	for n, line := range strings.Split(text, "\n") {
		lineNo := n + 1
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s", lineNo, fmt.Sprintf(format, args...))
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.HasPrefix(trimmed, "[") {
			if !strings.HasSuffix(trimmed, "]") || len(trimmed) < 3 {
				return nil, fail("bad project header %q", trimmed)
			}
			key := Normalize(trimmed[1 : len(trimmed)-1])
			if ix.projects[key] != nil {
				return nil, fail("duplicate project %s", key)
			}
			cur = &Project{Key: key, Name: key}
			ix.projects[key] = cur
			rel = nil
			byVersion = map[string]*Release{}
			continue
		}
		if cur == nil {
			return nil, fail("%q outside a project", trimmed)
		}
		if line[0] == ' ' || line[0] == '\t' {
			if rel == nil {
				return nil, fail("requirement before any version")
			}
			if v, ok := strings.CutPrefix(trimmed, "same "); ok {
				src := byVersion[strings.TrimSpace(v)]
				if src == nil {
					return nil, fail("same %s: no such version above", v)
				}
				rel.Requires = append(rel.Requires, src.Requires...)
				continue
			}
			r, err := ParseRequirement(trimmed)
			if err != nil {
				return nil, fail("%v", err)
			}
			rel.Requires = append(rel.Requires, r)
			continue
		}
		word, rest, _ := strings.Cut(trimmed, " ")
		rest = strings.TrimSpace(rest)
		switch word {
		case "name":
			cur.Name = rest
		case "summary":
			cur.Summary = rest
		case "author":
			cur.Author = rest
		case "license":
			cur.License = rest
		case "home":
			cur.Home = rest
		case "import":
			cur.Imports = strings.Fields(rest)
		case "libs":
			cur.Libs = rest
		case "script":
			name, entry, ok := strings.Cut(rest, "=")
			if !ok || name == "" || entry == "" {
				return nil, fail("bad script %q", rest)
			}
			cur.Scripts = append(cur.Scripts, Script{name, entry})
		case "version":
			r, err := parseRelease(rest)
			if err != nil {
				return nil, fail("%v", err)
			}
			if byVersion[r.Version.String()] != nil {
				return nil, fail("duplicate version %s", r.Version)
			}
			r.Project = cur
			byVersion[r.Version.String()] = r
			cur.Releases = append(cur.Releases, r)
			rel = r
		default:
			return nil, fail("unknown field %q", word)
		}
	}
	for _, p := range ix.projects {
		sort.SliceStable(p.Releases, func(i, j int) bool {
			return p.Releases[i].Version.Compare(p.Releases[j].Version) > 0
		})
	}
	return ix, nil
}

func parseRelease(s string) (*Release, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return nil, fmt.Errorf("version line without a version")
	}
	v, err := ParseVersion(fields[0])
	if err != nil {
		return nil, err
	}
	r := &Release{Version: v, Tag: "py3-none-any"}
	for _, f := range fields[1:] {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("bad field %q", f)
		}
		switch k {
		case "py":
			// "py=>=3.9": the value itself starts with an operator.
			set, err := ParseSpecifierSet(val)
			if err != nil {
				return nil, err
			}
			r.RequiresPython = set
		case "wheel":
			r.Tag = val
		case "pys":
			lo, hi, ok := strings.Cut(val, "-")
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if !ok || err1 != nil || err2 != nil || a > b {
				return nil, fmt.Errorf("bad pys %q", val)
			}
			r.PyMin, r.PyMax = a, b
		case "size", "meta", "installed", "sdist":
			n, err := ParseSize(val)
			if err != nil {
				return nil, err
			}
			switch k {
			case "size":
				r.WheelSize = n
			case "meta":
				r.MetaSize = n
			case "installed":
				r.Installed = n
			default:
				r.SdistSize = n
			}
		default:
			return nil, fmt.Errorf("unknown field %q", k)
		}
	}
	if strings.Contains(r.Tag, "{py}") && r.PyMin == 0 {
		return nil, fmt.Errorf("version %s: wheel tag with {py} needs pys=", v)
	}
	return r, nil
}

// ParseSize reads "12.3M", "91k", "512" (decimal units).
func ParseSize(s string) (int64, error) {
	mult := 1.0
	num := s
	switch {
	case strings.HasSuffix(s, "k"):
		mult, num = 1e3, s[:len(s)-1]
	case strings.HasSuffix(s, "M"):
		mult, num = 1e6, s[:len(s)-1]
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(f * mult), nil
}

// PyTag is the CPython wheel tag number for "3.14" → 314.
func PyTag(pyVersion string) int {
	maj, min, _ := strings.Cut(pyVersion, ".")
	min, _, _ = strings.Cut(min, ".")
	a, _ := strconv.Atoi(maj)
	b, _ := strconv.Atoi(min)
	return a*100 + b
}

// HasWheel reports whether the release has a wheel CPython py (314) can
// install.
func (r *Release) HasWheel(py int) bool {
	switch {
	case strings.Contains(r.Tag, "{py}"):
		return py >= r.PyMin && py <= r.PyMax
	case strings.HasPrefix(r.Tag, "cp") && strings.Contains(r.Tag, "-abi3-"):
		min, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(r.Tag, "-", 2)[0], "cp"))
		return py >= min
	}
	return true
}

// DistName is the project name as wheel and dist-info names spell it:
// lower case with underscores ("python_dateutil").
func (p *Project) DistName() string { return strings.ReplaceAll(p.Key, "-", "_") }

// WheelFile is the wheel's file name for CPython py.
func (r *Release) WheelFile(py int) string {
	tag := strings.ReplaceAll(r.Tag, "{py}", strconv.Itoa(py))
	return fmt.Sprintf("%s-%s-%s.whl", r.Project.DistName(), r.Version, tag)
}

// SdistFile is the source distribution's file name.
func (r *Release) SdistFile() string {
	return fmt.Sprintf("%s-%s.tar.gz", r.Project.DistName(), r.Version)
}

// Binary reports whether the wheel holds compiled extensions.
func (r *Release) Binary() bool { return !strings.HasSuffix(r.Tag, "-none-any") }

// TopLevel is what top_level.txt lists: the import names.
func (p *Project) TopLevel() []string {
	out := make([]string, len(p.Imports))
	for i, m := range p.Imports {
		out[i] = strings.TrimSuffix(m, ".py")
	}
	return out
}

// Release returns the release with exactly version v, or nil.
func (p *Project) Release(v string) *Release {
	want, err := ParseVersion(v)
	if err != nil {
		return nil
	}
	for _, r := range p.Releases {
		if r.Version.Compare(want) == 0 {
			return r
		}
	}
	return nil
}
