package pkgs

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/layerlab/learn/sandbox/pkgs/pyindex"
	"github.com/layerlab/learn/sandbox/tools"
)

// sitesOf is where pip looks for installed distributions: the user site
// first (as on sys.path), then site-packages.
func sitesOf(p *tools.Proc, env *pyEnv) []string {
	if env.Venv {
		return []string{env.Site}
	}
	home := p.Getenv("HOME")
	if home == "" {
		home = p.Identity().Home
	}
	user, _ := env.userSite(home)
	return []string{user, env.Site}
}

func sortedDists(p *tools.Proc, env *pyEnv) []*dist {
	all := installedDists(p.FS, sitesOf(p, env)...)
	out := make([]*dist, 0, len(all))
	for _, d := range all {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		return pyindex.Normalize(out[i].Name) < pyindex.Normalize(out[j].Name)
	})
	return out
}

// pipList prints pip list's columns (or --format=freeze/json).
func pipList(p *tools.Proc, o *pipOptions, env *pyEnv) int {
	ds := sortedDists(p, env)
	switch o.format {
	case "freeze":
		for _, d := range ds {
			fmt.Fprintf(p.Stdout, "%s==%s\n", d.Name, d.Version)
		}
		return 0
	case "json":
		parts := make([]string, len(ds))
		for i, d := range ds {
			parts[i] = fmt.Sprintf(`{"name": %q, "version": %q}`, d.Name, d.Version.String())
		}
		fmt.Fprintf(p.Stdout, "[%s]\n", strings.Join(parts, ", "))
		return 0
	}
	w1, w2 := len("Package"), len("Version")
	for _, d := range ds {
		w1 = max(w1, len(d.Name))
		w2 = max(w2, len(d.Version.String()))
	}
	row := func(a, b string) {
		fmt.Fprintf(p.Stdout, "%-*s %s\n", w1, a, b)
	}
	row("Package", "Version")
	row(strings.Repeat("-", w1), strings.Repeat("-", w2))
	for _, d := range ds {
		row(d.Name, d.Version.String())
	}
	return 0
}

// pipFreeze prints requirements-format lines, leaving out pip itself (and,
// before Python 3.12, setuptools, wheel and distribute) unless --all.
func pipFreeze(p *tools.Proc, o *pipOptions, env *pyEnv) int {
	skip := map[string]bool{"pip": true}
	if env.Tag < 312 {
		skip["setuptools"], skip["wheel"], skip["distribute"] = true, true, true
	}
	for _, d := range sortedDists(p, env) {
		if !o.all && skip[pyindex.Normalize(d.Name)] {
			continue
		}
		fmt.Fprintf(p.Stdout, "%s==%s\n", d.Name, d.Version)
	}
	return 0
}

// pipShow prints pip show's fields for each named distribution.
func pipShow(p *tools.Proc, o *pipOptions, env *pyEnv) int {
	if len(o.args) == 0 {
		fmt.Fprintln(p.Stderr, "ERROR: Please provide a package name or names.")
		return 1
	}
	all := installedDists(p.FS, sitesOf(p, env)...)
	var missing []string
	shown := 0
	for _, name := range o.args {
		d := all[pyindex.Normalize(name)]
		if d == nil {
			missing = append(missing, name)
			continue
		}
		if shown > 0 {
			fmt.Fprintln(p.Stdout, "---")
		}
		shown++
		showDist(p.Stdout, d, all)
	}
	if len(missing) > 0 {
		fmt.Fprintf(p.Stderr, "WARNING: Package(s) not found: %s\n", strings.Join(missing, ", "))
	}
	if shown == 0 {
		return 1
	}
	return 0
}

func showDist(w io.Writer, d *dist, all map[string]*dist) {
	env := pyindex.NewEnv("3.14")
	var requires []string
	seen := map[string]bool{}
	for _, r := range d.Requires {
		if r.Marker != nil && strings.Contains(r.Marker.String(), "extra") {
			continue
		}
		if !r.Marker.Eval(env) || seen[r.Key()] {
			continue
		}
		seen[r.Key()] = true
		requires = append(requires, r.Name)
	}
	sort.Strings(requires)
	var requiredBy []string
	me := pyindex.Normalize(d.Name)
	for _, other := range all {
		for _, r := range other.Requires {
			if r.Key() == me && (r.Marker == nil || !strings.Contains(r.Marker.String(), "extra")) {
				requiredBy = append(requiredBy, other.Name)
				break
			}
		}
	}
	sort.Strings(requiredBy)
	author, email := first(d.Meta["Author"]), first(d.Meta["Author-email"])
	fmt.Fprintf(w, "Name: %s\nVersion: %s\nSummary: %s\nHome-page: %s\nAuthor: %s\nAuthor-email: %s\nLicense: %s\nLocation: %s\nRequires: %s\nRequired-by: %s\n",
		d.Name, d.Version, first(d.Meta["Summary"]), first(d.Meta["Home-page"]), author, email,
		first(d.Meta["License"]), d.Site, strings.Join(requires, ", "), strings.Join(requiredBy, ", "))
}

// pipUninstall removes distributions; without -y it asks, and a closed
// stdin (a Docker build) answers no.
func pipUninstall(p *tools.Proc, o *pipOptions, env *pyEnv) int {
	names := append([]string(nil), o.args...)
	for _, f := range o.reqFiles {
		lines, err := pyindex.ParseRequirementsFile(f, func(n string) (string, error) { return readFile(p.FS, p.Abs(n)) })
		if err != nil {
			fmt.Fprintf(p.Stderr, "ERROR: %v\n", err)
			return 1
		}
		for _, l := range lines {
			names = append(names, l.Req.Name)
		}
	}
	if len(names) == 0 {
		fmt.Fprintln(p.Stderr, `ERROR: You must give at least one requirement to uninstall (see "pip help uninstall")`)
		return 1
	}
	all := installedDists(p.FS, sitesOf(p, env)...)
	for _, name := range names {
		req, err := pyindex.ParseRequirement(name)
		if err != nil {
			fmt.Fprintf(p.Stderr, "ERROR: Invalid requirement: '%s'\n", name)
			return 1
		}
		d := all[req.Key()]
		if d == nil {
			fmt.Fprintf(p.Stderr, "WARNING: Skipping %s as it is not installed.\n", name)
			continue
		}
		fmt.Fprintf(p.Stdout, "Found existing installation: %s %s\n", d.Name, d.Version)
		fmt.Fprintf(p.Stdout, "Uninstalling %s-%s:\n", d.Name, d.Version)
		if !o.yes {
			fmt.Fprintf(p.Stdout, "  Would remove:\n    %s\n    %s/%s\nProceed (Y/n)? ", d.DistDir, d.Site, strings.Join(firstTop(p, d), "/*\n    "+d.Site+"/"))
			if !readYes(p, true) {
				fmt.Fprintln(p.Stdout)
				fmt.Fprintln(p.Stderr, "ERROR: Exception:\nEOFError: EOF when reading a line")
				return 2
			}
		}
		if !writable(p.FS, d.Site) {
			fmt.Fprintf(p.Stderr, "ERROR: Exception:\nPermissionError: [Errno 13] Permission denied: '%s'\n", d.DistDir)
			return 2
		}
		if err := removeDist(p.FS, d); err != nil {
			fmt.Fprintf(p.Stderr, "ERROR: Exception:\nOSError: %s\n", osErrorText(err))
			return 2
		}
		fmt.Fprintf(p.Stdout, "  Successfully uninstalled %s-%s\n", d.Name, d.Version)
	}
	if p.Identity().IsRoot() && !env.Venv && o.rootAction != "ignore" {
		fmt.Fprintln(p.Stderr, "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering the system unusable. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.")
	}
	return 0
}

func firstTop(p *tools.Proc, d *dist) []string {
	top, _ := readFile(p.FS, d.DistDir+"/top_level.txt")
	f := strings.Fields(top)
	if len(f) == 0 {
		return []string{pyindex.Normalize(d.Name)}
	}
	return f
}

// readYes reads one answer line from stdin: y/yes (or empty when def is
// true) is yes; end of input is no.
func readYes(p *tools.Proc, def bool) bool {
	if p.Stdin == nil {
		return false
	}
	var line []byte
	buf := make([]byte, 1)
	for {
		n, err := p.Stdin.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			line = append(line, buf[0])
			continue
		}
		if err != nil {
			if len(line) == 0 {
				return false
			}
			break
		}
	}
	ans := strings.ToLower(strings.TrimSpace(string(line)))
	return ans == "y" || ans == "yes" || ans == "" && def
}
