package python

import (
	"bufio"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/tools"
)

// Image is what the container's Python installation provides, read from
// its filesystem: the version and the third-party packages pip put in
// site-packages.
type Image struct {
	// Version is the image's Python, e.g. "3.14.0" (PYTHON_VERSION) or
	// "3.14" when only the library directory says so.
	Version string
	// Exe is the container path the program was started as, resolved on
	// PATH (sys.executable inside the program).
	Exe string
	// Site lists site-packages directories in the order Python searches them.
	Site []string
	// Packages maps import names (top_level.txt) to "dist version".
	Packages map[string]string
}

var libDirRE = regexp.MustCompile(`^python(3\.\d+)$`)

// ReadImage inspects the container the way its python would start up.
func ReadImage(p *tools.Proc) *Image {
	img := &Image{Packages: map[string]string{}}
	fsys := p.FS.As(sandbox.Root)
	pathEnv, ok := p.LookupEnv("PATH")
	if !ok {
		pathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	name := "python3"
	if len(p.Args) > 0 {
		name = p.Args[0]
	}
	img.Exe = name
	if found, err := tools.LookPath(p.FS, p.Dir, pathEnv, name); err == nil {
		img.Exe = found
	}
	short := ""
	if v := p.Getenv("PYTHON_VERSION"); regexp.MustCompile(`^3\.\d+`).MatchString(v) {
		img.Version = v
		short = regexp.MustCompile(`^3\.\d+`).FindString(v)
	}
	if short == "" {
		// python3.12, or python3 -> python3.12 in the image.
		for _, n := range []string{path.Base(name), path.Base(tools.ResolveLinks(fsys, img.Exe))} {
			if m := regexp.MustCompile(`^python(3\.\d+)$`).FindStringSubmatch(n); m != nil {
				short = m[1]
				break
			}
		}
	}
	if short == "" {
		short = newestLib(fsys)
	}
	if img.Version == "" {
		img.Version = short
	}
	if short == "" {
		return img
	}
	home := p.Getenv("HOME")
	var site []string
	venv := path.Dir(path.Dir(img.Exe))
	system := true
	if cfg, err := readSmall(fsys, venv+"/pyvenv.cfg"); err == nil {
		// A virtual environment sees its own site-packages, and the
		// system's only when it asked to.
		site = append(site, venv+"/lib/python"+short+"/site-packages")
		system = regexp.MustCompile(`(?m)^include-system-site-packages\s*=\s*true`).MatchString(cfg)
	}
	if system {
		if home != "" {
			site = append(site, home+"/.local/lib/python"+short+"/site-packages")
		}
		site = append(site,
			"/usr/local/lib/python"+short+"/site-packages",
			"/usr/local/lib/python"+short+"/dist-packages",
			"/usr/lib/python3/dist-packages",
			"/usr/lib/python"+short+"/site-packages",
			"/usr/lib/python"+short+"/dist-packages")
	}
	for _, d := range site {
		fi, err := fsys.Stat(d)
		if err != nil || !fi.IsDir() {
			continue
		}
		img.Site = append(img.Site, d)
		img.readSite(fsys, d)
	}
	return img
}

// newestLib finds the highest python3.N directory under /usr/local/lib or
// /usr/lib.
func newestLib(fsys sandbox.FS) string {
	best, bestN := "", -1
	for _, d := range []string{"/usr/local/lib", "/usr/lib"} {
		ents, err := fsys.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if m := libDirRE.FindStringSubmatch(e.Name()); m != nil {
				n, _ := strconv.Atoi(strings.TrimPrefix(m[1], "3."))
				if n > bestN {
					best, bestN = m[1], n
				}
			}
		}
	}
	return best
}

// readSite records the import names every dist-info in d provides.
func (img *Image) readSite(fsys sandbox.FS, d string) {
	ents, err := fsys.ReadDir(d)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		var dist string
		switch {
		case strings.HasSuffix(n, ".dist-info"):
			dist = strings.TrimSuffix(n, ".dist-info")
		case strings.HasSuffix(n, ".egg-info"):
			dist = strings.TrimSuffix(n, ".egg-info")
		default:
			continue
		}
		pkg, ver, _ := strings.Cut(dist, "-")
		ver, _, _ = strings.Cut(ver, "-")
		what := pkg + " " + ver
		for _, name := range topLevel(fsys, d+"/"+n) {
			if _, seen := img.Packages[name]; !seen {
				img.Packages[name] = what
			}
		}
	}
}

// topLevel reads top_level.txt, or failing that the first path components
// of RECORD (wheels need not ship top_level.txt).
func topLevel(fsys sandbox.FS, info string) []string {
	if s, err := readSmall(fsys, info+"/top_level.txt"); err == nil {
		return strings.Fields(s)
	}
	s, err := readSmall(fsys, info+"/RECORD")
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		file, _, _ := strings.Cut(sc.Text(), ",")
		first, rest, _ := strings.Cut(file, "/")
		switch {
		case first == "" || first == ".." || strings.HasSuffix(first, ".dist-info") || strings.HasSuffix(first, ".data") || first == "__pycache__":
		case rest != "":
			seen[first] = true
		case strings.HasSuffix(first, ".py"):
			seen[strings.TrimSuffix(first, ".py")] = true
		case strings.Contains(first, ".so"):
			seen[first[:strings.Index(first, ".")]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func readSmall(fsys sandbox.FS, name string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	return string(b), err
}

// removedStdlib lists standard modules later Pythons dropped, so an image
// with a newer Python than the host's refuses them as it would.
var removedStdlib = []struct {
	minor int
	names []string
}{
	{12, []string{"distutils", "imp", "asynchat", "asyncore", "smtpd"}},
	{13, []string{"aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "mailcap", "msilib",
		"nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3"}},
}

// removed returns the standard modules the image's Python no longer has.
func (img *Image) removed() []string {
	minor := 0
	if v := strings.TrimPrefix(img.Version, "3."); v != img.Version {
		minor, _ = strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	}
	var out []string
	for _, r := range removedStdlib {
		if minor >= r.minor {
			out = append(out, r.names...)
		}
	}
	return out
}
