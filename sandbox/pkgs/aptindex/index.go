package aptindex

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Package is one binary package stanza.
type Package struct {
	Name          string
	Version       string
	Arch          string // amd64 or all
	MultiArch     string
	Section       string
	InstalledSize int64 // KiB, as dpkg counts
	Size          int64 // .deb bytes
	Depends       [][]string
	Recommends    [][]string
	Suggests      [][]string
	Provides      []string
	// Raw dependency fields, for the dpkg status file.
	RawDepends, RawRecommends, RawSuggests string
	Files                                  []string
	Bulk                                   string
	Description                            string
}

// Index is a parsed Packages file.
type Index struct {
	pkgs     map[string]*Package
	provides map[string]string
}

//go:embed bookworm.txt
var bookwormText string

var (
	once     sync.Once
	bookworm *Index
)

// Bookworm returns the embedded Debian 12 index.
func Bookworm() *Index {
	once.Do(func() {
		ix, err := Parse(bookwormText)
		if err != nil {
			panic("aptindex: embedded index: " + err.Error())
		}
		bookworm = ix
	})
	return bookworm
}

// Get returns the package called name (or providing it), or nil.
func (ix *Index) Get(name string) *Package {
	if p := ix.pkgs[name]; p != nil {
		return p
	}
	if real, ok := ix.provides[name]; ok {
		return ix.pkgs[real]
	}
	return nil
}

// Names returns every package name, sorted.
func (ix *Index) Names() []string {
	out := make([]string, 0, len(ix.pkgs))
	for n := range ix.pkgs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Parse reads deb822 stanzas separated by blank lines; "#" lines are
// comments.
func Parse(text string) (*Index, error) {
	ix := &Index{pkgs: map[string]*Package{}, provides: map[string]string{}}
	var cur map[string]string
	start := 0
	flush := func() error {
		if cur == nil {
			return nil
		}
		p, err := fromFields(cur)
		if err != nil {
			return fmt.Errorf("stanza at line %d: %w", start, err)
		}
		if ix.pkgs[p.Name] != nil {
			return fmt.Errorf("stanza at line %d: duplicate package %s", start, p.Name)
		}
		ix.pkgs[p.Name] = p
		for _, v := range p.Provides {
			ix.provides[v] = p.Name
		}
		cur = nil
		return nil
	}
	last := ""
	for i, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.TrimSpace(line) == "" {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		if cur == nil {
			cur = map[string]string{}
			start = i + 1
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last == "" {
				return nil, fmt.Errorf("line %d: continuation without a field", i+1)
			}
			cur[last] += "\n" + line
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || k == "" {
			return nil, fmt.Errorf("line %d: not a field: %q", i+1, line)
		}
		last = k
		cur[k] = strings.TrimSpace(v)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return ix, nil
}

func fromFields(f map[string]string) (*Package, error) {
	p := &Package{
		Name: f["Package"], Version: f["Version"], Arch: f["Architecture"],
		MultiArch: f["Multi-Arch"], Section: f["Section"], Description: f["Description"],
		RawDepends: f["Depends"], RawRecommends: f["Recommends"], RawSuggests: f["Suggests"],
		Bulk: f["X-Bulk"],
	}
	if p.Name == "" || p.Version == "" || strings.ContainsAny(p.Name, " /\t") {
		return nil, fmt.Errorf("missing or bad Package or Version")
	}
	if p.Arch == "" {
		p.Arch = "amd64"
	}
	var err error
	if p.InstalledSize, err = num(f["Installed-Size"]); err != nil {
		return nil, err
	}
	if p.Size, err = num(f["Size"]); err != nil {
		return nil, err
	}
	p.Depends = ParseDeps(f["Depends"])
	p.Recommends = ParseDeps(f["Recommends"])
	p.Suggests = ParseDeps(f["Suggests"])
	for _, alt := range ParseDeps(f["Provides"]) {
		p.Provides = append(p.Provides, alt...)
	}
	p.Files = strings.Fields(f["X-Files"])
	return p, nil
}

func num(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1<<40 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return n, nil
}

// ParseDeps reads a dependency field into groups of alternatives, names
// only: "a (>= 1) | b, c:any" → [[a b] [c]]. Versions are not compared:
// the index holds one version of each package.
func ParseDeps(s string) [][]string {
	var out [][]string
	for group := range strings.SplitSeq(s, ",") {
		var alts []string
		for alt := range strings.SplitSeq(group, "|") {
			name := strings.TrimSpace(alt)
			if i := strings.IndexAny(name, " (["); i >= 0 {
				name = name[:i]
			}
			name, _, _ = strings.Cut(name, ":")
			if name != "" {
				alts = append(alts, name)
			}
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out
}
