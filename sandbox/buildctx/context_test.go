package buildctx

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

// write creates files under dir: a name ending in "/" is a directory,
// content "->x" a symlink to x.
func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasSuffix(name, "/"):
			err = os.MkdirAll(p, 0o755)
		case strings.HasPrefix(content, "->"):
			err = os.Symlink(content[2:], p)
		default:
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func open(t testing.TB, dir, dockerfile string) *Context {
	t.Helper()
	c, err := Open(dir, dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// visible lists every path a walk of the context sees, sorted.
func visible(t testing.TB, c *Context) []string {
	t.Helper()
	var out []string
	var walk func(dir string)
	walk = func(dir string) {
		ents, err := c.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			p := strings.TrimPrefix(path.Join(dir, e.Name()), "/")
			out = append(out, p)
			if e.IsDir() {
				walk("/" + p)
			}
		}
	}
	walk("/")
	slices.Sort(out)
	return out
}

func TestIgnore(t *testing.T) {
	files := map[string]string{
		"Dockerfile":           "FROM scratch\n",
		"app.py":               "print(1)\n",
		"data.csv":             "a\n",
		"sub/data.csv":         "a\n",
		"sub/keep.csv":         "k\n",
		"venv/bin/python":      "#!",
		".git/HEAD":            "ref",
		"docs/a/b/notes.md":    "n",
		"docs/readme.md":       "r",
		"build/out/app":        "bin",
		"build/out/app.map":    "map",
		"secrets/key.pem":      "k",
		"secrets/public/a.pem": "p",
		"logs/":                "",
	}
	all := func() []string {
		dir := t.TempDir()
		write(t, dir, files)
		return visible(t, open(t, dir, ""))
	}()
	tests := []struct {
		name   string
		ignore string
		gone   []string // paths that must not be visible
		kept   []string // paths that must stay
	}{
		{"none", "", nil, all},
		{"comment and blank", "# app.py\n\n   \n", nil, []string{"app.py"}},
		{"csv anywhere needs **", "*.csv", []string{"data.csv"}, []string{"sub/data.csv", "sub/keep.csv"}},
		{"double star", "**/*.csv", []string{"data.csv", "sub/data.csv", "sub/keep.csv"}, []string{"sub", "app.py"}},
		{"exception", "**/*.csv\n!sub/keep.csv", []string{"data.csv", "sub/data.csv"}, []string{"sub/keep.csv"}},
		{"last match wins", "!sub/keep.csv\n**/*.csv", []string{"sub/keep.csv"}, nil},
		{"dir with slash", "venv/\n.git", []string{"venv", "venv/bin/python", ".git", ".git/HEAD"}, []string{"app.py"}},
		{"leading slash", "/docs", []string{"docs", "docs/readme.md", "docs/a/b/notes.md"}, []string{"app.py"}},
		{"nested star", "docs/*/*/*.md", []string{"docs/a/b/notes.md"}, []string{"docs/readme.md", "docs/a", "docs/a/b"}},
		{"trailing spaces trimmed", "app.py   \n", []string{"app.py"}, nil},
		{"parent match", "build", []string{"build", "build/out", "build/out/app"}, nil},
		{"re-include inside excluded dir", "secrets\n!secrets/public", []string{"secrets/key.pem"},
			[]string{"secrets", "secrets/public", "secrets/public/a.pem"}},
		{"wildcard exception", "build\n!build/**/*.map", []string{"build/out/app"},
			[]string{"build", "build/out", "build/out/app.map"}},
		{"everything but", "*\n!app.py\n!Dockerfile", []string{"data.csv", "sub", "venv", "docs", "logs"},
			[]string{"app.py", "Dockerfile"}},
		{"empty dir", "logs", []string{"logs"}, nil},
		{"dockerfile itself", "Dockerfile\n.dockerignore", []string{"Dockerfile", ".dockerignore"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, files)
			if tt.ignore != "" {
				write(t, dir, map[string]string{".dockerignore": tt.ignore})
			}
			c := open(t, dir, "")
			seen := visible(t, c)
			for _, p := range tt.gone {
				if slices.Contains(seen, p) {
					t.Errorf("%s visible in ReadDir", p)
				}
				if _, err := c.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Lstat(%s) = %v, want not exist", p, err)
				}
				if _, err := c.Open(p); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Open(%s) = %v, want not exist", p, err)
				}
			}
			for _, p := range tt.kept {
				if !slices.Contains(seen, p) {
					t.Errorf("%s missing from ReadDir (saw %v)", p, seen)
				}
				if _, err := c.Lstat(p); err != nil {
					t.Errorf("Lstat(%s): %v", p, err)
				}
			}
			// Dockerfile is read even when ignored.
			if _, _, err := c.Dockerfile(); err != nil {
				t.Errorf("Dockerfile: %v", err)
			}
		})
	}
}

func TestExcluded(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"Dockerfile": "", "secrets/key": "", "secrets/public/a": "", "x.csv": "",
		".dockerignore": "# c\n/secrets\n!secrets/public\n*.csv\n",
	})
	c := open(t, dir, "")
	if got := strings.Join(c.Patterns(), " "); got != "secrets !secrets/public *.csv" {
		t.Errorf("patterns = %q", got)
	}
	for rel, want := range map[string]bool{
		"": false, "/": false, "Dockerfile": false, "secrets": true, "secrets/key": true,
		"secrets/public": false, "/secrets/public/a": false, "x.csv": true, "../x.csv": true,
	} {
		if got := c.Excluded(rel); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", rel, got, want)
		}
	}
	if c.IgnoreFile() != ".dockerignore" {
		t.Errorf("IgnoreFile = %q", c.IgnoreFile())
	}
}

func TestDockerfileIgnorePrecedence(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"Dockerfile":                        "FROM a\n",
		".dockerignore":                     "a.txt\n",
		"build/app.Dockerfile":              "FROM b\n",
		"build/app.Dockerfile.dockerignore": "b.txt\n",
		"Dockerfile.dockerignore":           "c.txt\n",
		"a.txt":                             "", "b.txt": "", "c.txt": "",
	})
	for _, tt := range []struct{ dockerfile, name, ignore, gone string }{
		{"", "Dockerfile", "Dockerfile.dockerignore", "c.txt"},
		{"build/app.Dockerfile", "build/app.Dockerfile", "build/app.Dockerfile.dockerignore", "b.txt"},
		{filepath.Join(dir, "build/app.Dockerfile"), "build/app.Dockerfile", "build/app.Dockerfile.dockerignore", "b.txt"},
	} {
		c := open(t, dir, tt.dockerfile)
		data, name, err := c.Dockerfile()
		if err != nil || name != tt.name || len(data) == 0 {
			t.Errorf("%q: Dockerfile() = %q, %q, %v", tt.dockerfile, data, name, err)
		}
		if c.IgnoreFile() != tt.ignore {
			t.Errorf("%q: IgnoreFile = %q, want %q", tt.dockerfile, c.IgnoreFile(), tt.ignore)
		}
		for _, f := range []string{"a.txt", "b.txt", "c.txt"} {
			_, err := c.Lstat(f)
			if gone := errors.Is(err, fs.ErrNotExist); gone != (f == tt.gone) {
				t.Errorf("%q: %s gone=%v", tt.dockerfile, f, gone)
			}
		}
	}

	// Without a specific file the root .dockerignore applies.
	os.Remove(filepath.Join(dir, "Dockerfile.dockerignore"))
	c := open(t, dir, "")
	if c.IgnoreFile() != ".dockerignore" || !c.Excluded("a.txt") {
		t.Errorf("root .dockerignore not used: %q", c.IgnoreFile())
	}
}

func TestDockerfileNames(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"dockerfile": "FROM lower\n"})
	c := open(t, dir, "")
	if data, name, err := c.Dockerfile(); err != nil || name != "dockerfile" || string(data) != "FROM lower\n" {
		t.Errorf("lowercase fallback: %q %q %v", data, name, err)
	}

	empty := t.TempDir()
	c = open(t, empty, "")
	if _, _, err := c.Dockerfile(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing Dockerfile: %v", err)
	}

	// A Dockerfile outside the context is the user's explicit choice.
	outside := filepath.Join(t.TempDir(), "Dockerfile.dev")
	write(t, filepath.Dir(outside), map[string]string{"Dockerfile.dev": "FROM out\n", "Dockerfile.dev.dockerignore": "x\n"})
	c = open(t, empty, outside)
	if data, name, err := c.Dockerfile(); err != nil || name != outside || string(data) != "FROM out\n" {
		t.Errorf("outside Dockerfile: %q %q %v", data, name, err)
	}
	if c.IgnoreFile() != outside+".dockerignore" {
		t.Errorf("outside ignore file: %q", c.IgnoreFile())
	}

	// A Dockerfile that is a link out of the context is refused.
	write(t, dir, map[string]string{"evil/Dockerfile": "->" + outside})
	c = open(t, dir, "evil/Dockerfile")
	if _, _, err := c.Dockerfile(); err == nil {
		t.Errorf("Dockerfile link out of the context was read")
	}

	if _, err := Open(filepath.Join(dir, "nope"), ""); err == nil {
		t.Errorf("Open of a missing directory succeeded")
	}
	if _, err := Open(filepath.Join(dir, "dockerfile"), ""); err == nil {
		t.Errorf("Open of a file succeeded")
	}
}

func TestBadIgnorePattern(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{".dockerignore": "[\n"})
	if _, err := Open(dir, ""); err == nil || !strings.Contains(err.Error(), ".dockerignore") {
		t.Errorf("bad pattern: %v", err)
	}
}

// TestEscapes: nothing outside the context is ever read, whatever the name
// or link.
func TestEscapes(t *testing.T) {
	top := t.TempDir()
	secret := "TOP-SECRET-CONTENT"
	write(t, top, map[string]string{"secret.txt": secret, "outdir/x": secret})
	dir := filepath.Join(top, "ctx")
	write(t, dir, map[string]string{
		"Dockerfile": "FROM scratch\n",
		"abs":        "->" + filepath.Join(top, "secret.txt"),
		"absdir":     "->" + filepath.Join(top, "outdir"),
		"rel":        "->../secret.txt",
		"reldir":     "->../outdir",
		"deep/rel":   "->../../secret.txt",
		"deep/ok":    "->../Dockerfile",
		"loop1":      "->loop2",
		"loop2":      "->loop1",
		"self":       "->self",
		"chain":      "->deep/ok",
		"sneaky":     "->deep/../../secret.txt",
		"dotdot/x":   "y",
		"absinside":  "->/Dockerfile",
		"dangling":   "->nothere",
	})
	c := open(t, dir, "")

	check := func(name string, err error, data string) {
		t.Helper()
		if strings.Contains(data, secret) || (err != nil && strings.Contains(err.Error(), secret)) {
			t.Fatalf("%s: read outside the context", name)
		}
	}
	read := func(name string) (string, error) {
		f, err := c.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		return string(b), err
	}

	for _, name := range []string{"abs", "absdir/x", "rel", "reldir/x", "deep/rel", "sneaky", "absinside", "../secret.txt", "../../secret.txt", "/../secret.txt", "ctx/../secret.txt"} {
		data, err := read(name)
		check(name, err, data)
		if err == nil {
			t.Errorf("Open(%s) succeeded with %q", name, data)
		}
		if _, err := c.Stat(name); err == nil {
			t.Errorf("Stat(%s) succeeded", name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%s) = %v, want a not-exist kind of error", name, err)
		}
	}
	var esc *EscapeError
	if _, err := c.Stat("rel"); !errors.As(err, &esc) || !strings.Contains(err.Error(), "outside the build context") {
		t.Errorf("Stat(rel) = %v, want an EscapeError", err)
	}
	if _, err := c.ReadDir("absdir"); err == nil {
		t.Errorf("ReadDir through an absolute link out succeeded")
	}
	if _, err := c.ReadDir("reldir"); err == nil {
		t.Errorf("ReadDir through a relative link out succeeded")
	}

	// The links themselves are part of the context.
	for _, name := range []string{"abs", "rel", "reldir", "deep/rel"} {
		fi, err := c.Lstat(name)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("Lstat(%s) = %v, %v", name, fi, err)
		}
		if _, err := c.Readlink(name); err != nil {
			t.Errorf("Readlink(%s): %v", name, err)
		}
	}

	for _, name := range []string{"loop1", "self", "loop1/x"} {
		_, err := c.Stat(name)
		if !errors.Is(err, syscall.ELOOP) {
			t.Errorf("Stat(%s) = %v, want ELOOP", name, err)
		}
	}
	if _, err := c.Stat("dangling"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dangling: %v", err)
	}

	// Links that stay inside work.
	for _, name := range []string{"deep/ok", "chain"} {
		data, err := read(name)
		if err != nil || data != "FROM scratch\n" {
			t.Errorf("Open(%s) = %q, %v", name, data, err)
		}
	}
	// Names are cleaned against the root: ../Dockerfile is /Dockerfile.
	if data, err := read("../../Dockerfile"); err != nil || data != "FROM scratch\n" {
		t.Errorf("Open(../../Dockerfile) = %q, %v", data, err)
	}
	if _, err := c.Readlink("Dockerfile"); err == nil {
		t.Errorf("Readlink of a regular file succeeded")
	}
	if _, err := c.Open("deep"); !errors.Is(err, syscall.EISDIR) {
		t.Errorf("Open(dir) = %v", err)
	}
	if _, err := c.ReadDir("Dockerfile"); !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("ReadDir(file) = %v", err)
	}
	if _, err := c.Lstat("Dockerfile/x"); err == nil {
		t.Errorf("Lstat through a file succeeded")
	}
}

func TestOwnershipAndModes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"a": "x", "d/": "", "l": "->a"})
	if err := os.Chmod(filepath.Join(dir, "a"), 0o751); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// Only root can give files away; the context must hide it.
		if err := os.Lchown(filepath.Join(dir, "a"), 1234, 5678); err != nil {
			t.Fatal(err)
		}
	}
	c := open(t, dir, "")
	for _, name := range []string{"/", "a", "d", "l"} {
		fi, err := c.Lstat(name)
		if err != nil {
			t.Fatal(err)
		}
		o, ok := fi.Sys().(*sandbox.Owner)
		if !ok || o.UID != 0 || o.GID != 0 {
			t.Errorf("%s: Sys() = %#v, want root-owned *sandbox.Owner", name, fi.Sys())
		}
	}
	fi, _ := c.Stat("l")
	if fi.Mode() != 0o751 || fi.Name() != "l" {
		t.Errorf("Stat(l) = %v %s", fi.Mode(), fi.Name())
	}
	ents, _ := c.ReadDir("/")
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || sandbox.OwnerOf(info).UID != 0 {
			t.Errorf("%s: DirEntry.Info = %v, %v", e.Name(), info, err)
		}
	}
	f, err := c.Open("a")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("no")); err == nil {
		t.Errorf("context file is writable")
	}
	if st, _ := f.Stat(); sandbox.OwnerOf(st).UID != 0 || st.Size() != 1 {
		t.Errorf("File.Stat = %v", st)
	}
}

func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := open(t, dir, "")
	if _, err := c.Open("pipe"); err == nil {
		t.Errorf("opened a FIFO")
	}
	fi, err := c.Lstat("pipe")
	if err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("Lstat(pipe) = %v, %v", fi, err)
	}
}
