package pkgs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/layerlab/learn/sandbox/pkgs/pyindex"
	"github.com/layerlab/learn/sandbox/tools"
)

// installRun is one `pip install`: where it installs, what it prints.
type installRun struct {
	p     *tools.Proc
	o     *pipOptions
	env   *pyEnv
	site  string
	bin   string
	user  bool
	cache *pipCache
	out   io.Writer // INFO lines (nothing with -q)
}

func pipInstall(ctx context.Context, p *tools.Proc, o *pipOptions, env *pyEnv) int {
	r := &installRun{p: p, o: o, env: env, site: env.Site, bin: env.Bin, out: p.Stdout}
	if o.quiet > 0 {
		r.out = io.Discard
	}
	roots, constraints, code := r.requirements()
	if code >= 0 {
		return code
	}
	if len(roots) == 0 {
		fmt.Fprintln(p.Stderr, `ERROR: You must give at least one requirement to install (see "pip help install")`)
		return 1
	}
	if env.Managed != "" && !env.Venv && !o.breakSystem && o.target == "" {
		printManaged(p, env.Managed)
		return 1
	}
	if code := r.chooseSite(); code >= 0 {
		return code
	}
	r.cache = openCache(p, o)
	sites := []string{r.site}
	if r.user {
		sites = append(sites, env.Site)
	}
	var dists map[string]*dist
	installed := map[string]pyindex.Installed{}
	if o.target == "" {
		dists = installedDists(p.FS, sites...)
		for k, d := range dists {
			installed[k] = d.Installed
		}
	}
	res, err := pyindex.Default().Resolve(roots, pyindex.Options{
		Env: pyindex.NewEnv(env.Full), Py: env.Tag, Upgrade: o.upgrade,
		Installed: installed, Constraints: constraints, NoDeps: o.noDeps,
	})
	for _, ig := range ignoredOf(res) {
		fmt.Fprintf(r.out, "Ignoring %s: markers '%s' don't match your environment\n", ig.Req.Name, ig.Req.Marker)
	}
	if err != nil {
		return r.resolutionError(err, dists)
	}
	for _, b := range res.BadExtras {
		fmt.Fprintf(p.Stderr, "WARNING: %s %s does not provide the extra '%s'\n", b[0], b[1], b[2])
	}
	if code := r.collect(res.Nodes, dists); code >= 0 {
		return code
	}
	r.download(res.Nodes)
	if code := r.build(res.Nodes); code >= 0 {
		return code
	}
	if code := r.install(res.Nodes, dists); code >= 0 {
		return code
	}
	r.finish()
	return 0
}

func ignoredOf(res *pyindex.Result) []pyindex.Root {
	if res == nil {
		return nil
	}
	return res.Ignored
}

// requirements reads the command line and the -r/-c files. code is -1
// when all is well, else the exit status after printing pip's error.
func (r *installRun) requirements() (roots, constraints []pyindex.Root, code int) {
	p := r.p
	read := func(name string) (string, error) {
		s, err := readFile(p.FS, p.Abs(name))
		if err != nil {
			return "", fmt.Errorf("[Errno 2] %s: '%s'", errText(err), name)
		}
		return s, nil
	}
	fileErr := func(err error) int {
		var fe *pyindex.ReqFileError
		if errors.As(err, &fe) && fe.Line > 0 {
			head, rest, _ := strings.Cut(fe.Msg, "\n")
			fmt.Fprintf(p.Stderr, "ERROR: %s (from line %d of %s)\n", head, fe.Line, fe.File)
			if rest != "" {
				fmt.Fprintln(p.Stderr, rest)
			}
			return 1
		}
		if errors.As(err, &fe) {
			fmt.Fprintf(p.Stderr, "ERROR: %s\n", fe.Msg)
			return 1
		}
		fmt.Fprintf(p.Stderr, "ERROR: %v\n", err)
		return 1
	}
	for _, a := range r.o.args {
		if looksLocal(a) {
			fmt.Fprintf(p.Stderr, "ERROR: Cannot install %s: the embedded sandbox installs from its offline index only (no local projects, wheels or URLs); use --engine docker\n", a)
			return nil, nil, 1
		}
		req, err := pyindex.ParseRequirement(a)
		if err != nil || req.URL != "" {
			fmt.Fprintf(p.Stderr, "ERROR: Invalid requirement: '%s'\n", a)
			if strings.Contains(a, "=") && !strings.Contains(a, "==") && !strings.ContainsAny(a, "<>!~") {
				fmt.Fprintln(p.Stderr, "Hint: = is not a valid operator. Did you mean == ?")
			}
			return nil, nil, 1
		}
		roots = append(roots, pyindex.Root{Req: req})
	}
	for _, f := range r.o.reqFiles {
		lines, err := pyindex.ParseRequirementsFile(f, read)
		if err != nil {
			return nil, nil, fileErr(err)
		}
		for _, l := range lines {
			root := pyindex.Root{Req: l.Req, From: l.From}
			if l.Constraint {
				constraints = append(constraints, root)
			} else {
				roots = append(roots, root)
			}
		}
	}
	for _, f := range r.o.constraints {
		lines, err := pyindex.ParseRequirementsFile(f, read)
		if err != nil {
			return nil, nil, fileErr(err)
		}
		for _, l := range lines {
			constraints = append(constraints, pyindex.Root{Req: l.Req, From: "-c " + f})
		}
	}
	return roots, constraints, -1
}

func looksLocal(a string) bool {
	return a == "." || strings.HasPrefix(a, "./") || strings.HasPrefix(a, "../") || strings.HasPrefix(a, "/") ||
		strings.Contains(a, "://") || strings.HasSuffix(a, ".whl") || strings.HasSuffix(a, ".tar.gz")
}

func printManaged(p *tools.Proc, marker string) {
	msg := "To install Python packages system-wide, try apt install\npython3-xyz, where xyz is the package you are trying to\ninstall."
	if _, rest, ok := strings.Cut(marker, "Error="); ok {
		msg = strings.TrimSpace(rest)
	}
	fmt.Fprintln(p.Stderr, "error: externally-managed-environment")
	fmt.Fprintln(p.Stderr)
	fmt.Fprintln(p.Stderr, "× This environment is externally managed")
	for i, line := range strings.Split(msg, "\n") {
		prefix := "    "
		if i == 0 {
			prefix = "╰─> "
		}
		fmt.Fprintln(p.Stderr, prefix+strings.TrimSpace(line))
	}
	fmt.Fprintln(p.Stderr)
	fmt.Fprintln(p.Stderr, "note: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.")
	fmt.Fprintln(p.Stderr, "hint: See PEP 668 for the detailed specification.")
}

// chooseSite picks site-packages, the user site (--user, or when the
// system one is not writable), or --target.
func (r *installRun) chooseSite() int {
	p, o := r.p, r.o
	home := p.Getenv("HOME")
	if home == "" {
		home = p.Identity().Home
	}
	switch {
	case o.target != "":
		r.site, r.bin = o.target, path.Join(o.target, "bin")
		return -1
	case o.user && r.env.Venv:
		fmt.Fprintln(p.Stderr, "ERROR: Can not perform a '--user' install. User site-packages are not visible in this virtualenv.")
		return 1
	case o.user:
	case !writable(p.FS, r.env.Site) && !r.env.Venv:
		fmt.Fprintln(r.out, "Defaulting to user installation because normal site-packages is not writeable")
	default:
		return -1
	}
	r.user = true
	r.site, r.bin = r.env.userSite(home)
	return -1
}

// resolutionError prints pip's messages for a failed resolution.
func (r *installRun) resolutionError(err error, dists map[string]*dist) int {
	p := r.p
	var nf *pyindex.NotFoundError
	var ce *pyindex.ConflictError
	switch {
	case errors.As(err, &nf):
		r.printCollected(nf.Partial, dists)
		if len(nf.WrongPython) > 0 {
			fmt.Fprintf(p.Stderr, "ERROR: Ignored the following versions that require a different python version: %s\n", strings.Join(nf.WrongPython, "; "))
		}
		fmt.Fprintf(p.Stderr, "ERROR: Could not find a version that satisfies the requirement %s (from versions: %s)\n", nf.Req.String(), nf.FormatVersions())
		fmt.Fprintf(p.Stderr, "ERROR: No matching distribution found for %s\n", nf.Req.String())
	case errors.As(err, &ce):
		r.printCollected(ce.Partial, dists)
		if ce.Key != "" {
			fmt.Fprintf(r.out, "INFO: pip is looking at multiple versions of %s to determine which version is compatible with other requirements. This could take a while.\n", ce.Key)
		}
		fmt.Fprintf(p.Stderr, "ERROR: Cannot install %s because these package versions have conflicting dependencies.\n", textJoin(ce.Triggers()))
		fmt.Fprintln(r.out)
		fmt.Fprintln(r.out, "The conflict is caused by:")
		for _, c := range ce.Causes {
			if c.Parent != nil {
				fmt.Fprintf(r.out, "    %s %s depends on %s\n", c.ParentName, c.ParentVer, c.Req.String())
			} else {
				fmt.Fprintf(r.out, "    The user requested %s\n", c.Req.String())
			}
		}
		fmt.Fprintln(r.out)
		fmt.Fprintln(r.out, "To fix this you could try to:")
		fmt.Fprintln(r.out, "1. loosen the range of package versions specified")
		fmt.Fprintln(r.out, "2. remove package versions to allow pip to attempt to solve the dependency conflict")
		fmt.Fprintln(r.out)
		fmt.Fprintln(p.Stderr, "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts")
	default:
		fmt.Fprintf(p.Stderr, "ERROR: %v\n", err)
	}
	return 1
}

// textJoin is pip's "a, b and c".
func textJoin(items []string) string {
	switch len(items) {
	case 0:
		return "the requested packages"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func (r *installRun) printCollected(nodes []*pyindex.Node, dists map[string]*dist) {
	for _, n := range nodes {
		r.collectLine(n, dists)
	}
}

// collect prints the Collecting / Requirement already satisfied lines
// and fetches metadata (into the cache).
func (r *installRun) collect(nodes []*pyindex.Node, dists map[string]*dist) int {
	for _, n := range nodes {
		if !r.collectLine(n, dists) {
			return 1
		}
	}
	return -1
}

// collectLine prints how n was collected; false means its metadata could
// not be prepared (an sdist that cannot be built here).
func (r *installRun) collectLine(n *pyindex.Node, dists map[string]*dist) bool {
	comes := ""
	if c := n.Comes(); c != "" {
		comes = " (from " + c + ")"
	}
	if n.Kept != nil {
		site := r.site
		if d := dists[n.Key]; d != nil {
			site = d.Site
		}
		fmt.Fprintf(r.out, "Requirement already satisfied: %s in %s%s (%s)\n", n.Req.String(), site, comes, n.Kept.Version)
		return true
	}
	fmt.Fprintf(r.out, "Collecting %s%s\n", n.Req.String(), comes)
	rel := n.Release
	if !rel.HasWheel(r.env.Tag) {
		// No wheel for this Python: pip fetches the sdist to read its
		// metadata, which means preparing a build.
		r.fetch(rel.SdistFile(), rel.SdistSize, "  ")
		return r.prepareSdist(rel)
	}
	meta := rel.WheelFile(r.env.Tag) + ".metadata"
	if r.cache.has(meta) {
		fmt.Fprintf(r.out, "  Using cached %s (%s)\n", meta, pipSize(rel.MetaSize))
		return true
	}
	fmt.Fprintf(r.out, "  Downloading %s (%s)\n", meta, pipSize(rel.MetaSize))
	r.cache.store(meta, rel.MetaSize)
	return true
}

// fetch prints a download (or cache hit) of file and caches it.
func (r *installRun) fetch(file string, size int64, indent string) {
	if r.cache.has(file) {
		fmt.Fprintf(r.out, "%sUsing cached %s (%s)\n", indent, file, pipSize(size))
		return
	}
	fmt.Fprintf(r.out, "%sDownloading %s (%s)\n", indent, file, pipSize(size))
	if size > 512*1024 {
		fmt.Fprintf(r.out, "%s   %s %s\n", indent, strings.Repeat("━", 40), progressTail(size))
	}
	r.cache.store(file, size)
}

// progressTail is the end of pip's progress bar with a made-up but
// stable download speed.
func progressTail(size int64) string {
	mb := float64(size) / 1e6
	speed := 25 + float64(size%37)
	return fmt.Sprintf("%.1f/%.1f MB %.1f MB/s eta 0:00:00", mb, mb, speed)
}

func (r *installRun) download(nodes []*pyindex.Node) {
	for _, n := range nodes {
		if n.Release == nil || !n.Release.HasWheel(r.env.Tag) {
			continue
		}
		r.fetch(n.Release.WheelFile(r.env.Tag), n.Release.WheelSize, "")
	}
}

func (r *installRun) finish() {
	p := r.p
	if p.Identity().IsRoot() && !r.env.Venv && r.o.rootAction != "ignore" {
		fmt.Fprintln(p.Stderr, "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering the system unusable. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.")
	}
	if r.o.noVersionChk || r.o.quiet > 0 {
		return
	}
	cur, err := pyindex.ParseVersion(installedPipVersion(p, r.env))
	newest := pyindex.Default().Project("pip").Releases[0].Version
	if err == nil && cur.Compare(newest) < 0 {
		fmt.Fprintln(p.Stderr)
		fmt.Fprintf(p.Stderr, "[notice] A new release of pip is available: %s -> %s\n", cur, newest)
		fmt.Fprintln(p.Stderr, "[notice] To update, run: pip install --upgrade pip")
	}
	r.cache.selfcheck()
}

// install writes every new release into the site, replacing older ones.
func (r *installRun) install(nodes []*pyindex.Node, dists map[string]*dist) int {
	p := r.p
	var todo []*pyindex.Node
	for _, n := range pyindex.InstallOrder(nodes) {
		if n.Release != nil {
			todo = append(todo, n)
		}
	}
	if len(todo) == 0 {
		return -1
	}
	names := make([]string, len(todo))
	for i, n := range todo {
		names[i] = n.Release.Project.Name
	}
	fmt.Fprintf(r.out, "Installing collected packages: %s\n", strings.Join(names, ", "))
	if r.user && !writable(p.FS, r.site) {
		blocked := r.site
		for !exists(p.FS, path.Dir(blocked)) && blocked != "/" {
			blocked = path.Dir(blocked)
		}
		fmt.Fprintf(p.Stderr, "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '%s'\nCheck the permissions.\n\n", blocked)
		return 1
	}
	var done []string
	for _, n := range todo {
		if old := dists[n.Key]; old != nil && n.Replaces != nil && (old.Site == r.site || !r.user) {
			fmt.Fprintf(r.out, "  Attempting uninstall: %s\n", n.Key)
			fmt.Fprintf(r.out, "    Found existing installation: %s %s\n", old.Name, old.Version)
			fmt.Fprintf(r.out, "    Uninstalling %s-%s:\n", old.Name, old.Version)
			if err := removeDist(p.FS, old); err != nil {
				fmt.Fprintf(p.Stderr, "ERROR: Could not install packages due to an OSError: %v\n", err)
				return 1
			}
			fmt.Fprintf(r.out, "      Successfully uninstalled %s-%s\n", old.Name, old.Version)
		}
		w := wheelWriter{fsys: p.FS, site: r.site, bin: r.bin, exe: r.env.Exe, py: r.env.Tag, requested: n.Parent == nil}
		if err := w.write(n.Release); err != nil {
			fmt.Fprintf(p.Stderr, "ERROR: Could not install packages due to an OSError: %s\n", osErrorText(err))
			return 1
		}
		if scripts := n.Release.Project.Scripts; len(scripts) > 0 && !r.o.noWarnScript && !onPath(p, r.bin) {
			r.warnScripts(scripts)
		}
		done = append(done, n.Release.Project.Name+"-"+n.Release.Version.String())
	}
	sort.Strings(done)
	fmt.Fprintf(r.out, "Successfully installed %s\n", strings.Join(done, " "))
	return -1
}

func (r *installRun) warnScripts(scripts []pyindex.Script) {
	names := make([]string, len(scripts))
	for i, s := range scripts {
		names[i] = s.Name
	}
	sort.Strings(names)
	if len(names) == 1 {
		fmt.Fprintf(r.p.Stderr, "  WARNING: The script %s is installed in '%s' which is not on PATH.\n", names[0], r.bin)
	} else {
		fmt.Fprintf(r.p.Stderr, "  WARNING: The scripts %s are installed in '%s' which is not on PATH.\n", textJoin(names), r.bin)
	}
	fmt.Fprintln(r.p.Stderr, "  Consider adding this directory to PATH or, if you prefer to suppress this warning, use --no-warn-script-location.")
}

func onPath(p *tools.Proc, dir string) bool {
	for _, d := range strings.Split(p.Getenv("PATH"), ":") {
		if path.Clean(d) == path.Clean(dir) {
			return true
		}
	}
	return false
}

// osErrorText is how Python prints an OSError: "[Errno 13] Permission denied: '/x'".
func osErrorText(err error) string {
	var pe interface{ Unwrap() error }
	name := ""
	if errors.As(err, &pe) {
		if s := strings.Fields(err.Error()); len(s) > 1 {
			name = s[1]
		}
	}
	code := 13
	text := errText(err)
	if text == "No such file or directory" {
		code = 2
	}
	return fmt.Sprintf("[Errno %d] %s: '%s'", code, text, strings.TrimSuffix(name, ":"))
}
