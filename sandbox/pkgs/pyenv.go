package pkgs

import (
	"path"
	"sort"
	"strings"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/pkgs/pyindex"
	"github.com/layerlab/learn/sandbox/tools"
)

// pyEnv is the Python installation pip acts on.
type pyEnv struct {
	Version string // "3.14"
	Full    string // "3.14.0", for markers
	Tag     int    // 314
	// Site is where packages go (site-packages or a venv's).
	Site string
	// Bin is where console scripts go.
	Bin string
	// Exe is the interpreter path written into console scripts.
	Exe string
	// Managed is the EXTERNALLY-MANAGED marker of a distribution's Python
	// (PEP 668), empty when pip may install freely.
	Managed string
	Venv    bool
}

// findPython locates the image's Python the way the real pip would be
// bound to it: $VIRTUAL_ENV, then python.org builds under /usr/local
// (the official images), then a distribution's /usr/lib/python3.X.
func findPython(p *tools.Proc) (*pyEnv, bool) {
	fsys := p.FS
	want := ""
	if name := p.Name(); strings.HasPrefix(name, "pip3.") {
		want = strings.TrimPrefix(name, "pip")
	}
	if venv := p.Getenv("VIRTUAL_ENV"); venv != "" {
		if v := newestPython(fsys, path.Join(venv, "lib"), "site-packages", want); v != "" {
			e := newEnv(p, v)
			e.Site = path.Join(venv, "lib", "python"+v, "site-packages")
			e.Bin = path.Join(venv, "bin")
			e.Exe = path.Join(venv, "bin", "python")
			e.Venv = true
			return e, true
		}
	}
	if v := newestPython(fsys, "/usr/local/lib", "site-packages", want); v != "" {
		e := newEnv(p, v)
		e.Site = "/usr/local/lib/python" + v + "/site-packages"
		e.Bin = "/usr/local/bin"
		e.Exe = "/usr/local/bin/python" + v
		if !exists(fsys, e.Exe) {
			e.Exe = "/usr/local/bin/python3"
		}
		return e, true
	}
	// Debian, Ubuntu and Alpine's own python3.
	if v := newestPython(fsys, "/usr/lib", "", want); v != "" {
		e := newEnv(p, v)
		e.Exe = "/usr/bin/python" + v
		if isDir(fsys, "/usr/lib/python3/dist-packages") {
			e.Site = "/usr/local/lib/python" + v + "/dist-packages"
			e.Bin = "/usr/local/bin"
		} else {
			e.Site = "/usr/lib/python" + v + "/site-packages"
			e.Bin = "/usr/bin"
		}
		if m, err := readFile(fsys, "/usr/lib/python"+v+"/EXTERNALLY-MANAGED"); err == nil {
			e.Managed = m
		}
		return e, true
	}
	return nil, false
}

func newEnv(p *tools.Proc, v string) *pyEnv {
	full := v + ".0"
	if pv := p.Getenv("PYTHON_VERSION"); strings.HasPrefix(pv, v+".") {
		full = pv
	}
	return &pyEnv{Version: v, Full: full, Tag: pyindex.PyTag(v)}
}

// newestPython finds lib/python3.X[/sub] directories and returns the
// newest X (or want, when given and present).
func newestPython(fsys sandbox.ReadFS, lib, sub, want string) string {
	var found []string
	for _, d := range glob(fsys, lib, "python3.*") {
		v := strings.TrimPrefix(path.Base(d), "python")
		if sub != "" && !isDir(fsys, path.Join(d, sub)) {
			continue
		}
		if sub == "" && !isDir(fsys, d) {
			continue
		}
		found = append(found, v)
	}
	if len(found) == 0 {
		return ""
	}
	for _, v := range found {
		if v == want {
			return v
		}
	}
	sort.Slice(found, func(i, j int) bool { return pyindex.PyTag(found[i]) < pyindex.PyTag(found[j]) })
	return found[len(found)-1]
}

// userSite is pip's --user scheme for home.
func (e *pyEnv) userSite(home string) (site, bin string) {
	return path.Join(home, ".local/lib/python"+e.Version+"/site-packages"), path.Join(home, ".local/bin")
}

// dist is an installed distribution found in a site directory.
type dist struct {
	pyindex.Installed
	Site    string
	DistDir string // the .dist-info directory
	Meta    map[string][]string
}

// installedDists reads every *.dist-info/METADATA under the given sites
// (earlier sites win, as on sys.path).
func installedDists(fsys sandbox.ReadFS, sites ...string) map[string]*dist {
	out := map[string]*dist{}
	for _, site := range sites {
		for _, d := range glob(fsys, site, "*.dist-info") {
			text, err := readFile(fsys, path.Join(d, "METADATA"))
			if err != nil {
				continue
			}
			meta := parseMetadata(text)
			name, ver := first(meta["Name"]), first(meta["Version"])
			v, err := pyindex.ParseVersion(ver)
			if name == "" || err != nil {
				continue
			}
			key := pyindex.Normalize(name)
			if out[key] != nil {
				continue
			}
			ds := &dist{Site: site, DistDir: d, Meta: meta}
			ds.Name, ds.Version = name, v
			for _, r := range meta["Requires-Dist"] {
				if req, err := pyindex.ParseRequirement(r); err == nil {
					ds.Requires = append(ds.Requires, req)
				}
			}
			out[key] = ds
		}
	}
	return out
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// parseMetadata reads the RFC 822 header block of a METADATA file.
func parseMetadata(text string) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if ok {
			out[k] = append(out[k], strings.TrimSpace(v))
		}
	}
	return out
}
