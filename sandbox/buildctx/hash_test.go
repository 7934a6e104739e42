package buildctx_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox/buildctx"
	"github.com/layerlab/learn/sandbox/contenthash"
	digest "github.com/opencontainers/go-digest"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func copyAll(t *testing.T, dir string) digest.Digest {
	t.Helper()
	c, err := buildctx.Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d, err := contenthash.Checksum(c, ".", contenthash.Options{FollowLinks: true})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCopyDotDot: what `COPY . .` notices in a build context.
func TestCopyDotDot(t *testing.T) {
	base := map[string]string{
		"Dockerfile":       "FROM python:3.14-slim\nCOPY . .\n",
		".dockerignore":    ".git\nvenv/\n*.csv\n",
		"app.py":           "print(1)\n",
		"data.csv":         "a\n",
		".git/HEAD":        "ref: main\n",
		"venv/bin/python":  "#!",
		"requirements.txt": "pandas\n",
	}
	tests := []struct {
		name    string
		edit    map[string]string
		ignore  string // replaces .dockerignore when set
		changed bool
	}{
		{"ignored csv", map[string]string{"data.csv": "b\n"}, "", false},
		{"ignored git", map[string]string{".git/HEAD": "ref: other\n"}, "", false},
		{"ignored venv", map[string]string{"venv/lib/x.py": "x"}, "", false},
		{"source edit", map[string]string{"app.py": "print(2)\n"}, "", true},
		{"new csv in subdir is not ignored by *.csv", map[string]string{"sub/x.csv": "x"}, "", true},
		{"Dockerfile comment counts", map[string]string{"Dockerfile": "# hi\nFROM python:3.14-slim\nCOPY . .\n"}, "", true},
		{"ignored Dockerfile comment", map[string]string{"Dockerfile": "# hi\nFROM python:3.14-slim\nCOPY . .\n"},
			".git\nvenv/\n*.csv\nDockerfile\n.dockerignore\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, base)
			if tt.ignore != "" {
				writeFiles(t, dir, map[string]string{".dockerignore": tt.ignore})
			}
			before := copyAll(t, dir)
			writeFiles(t, dir, tt.edit)
			if got := copyAll(t, dir) != before; got != tt.changed {
				t.Errorf("changed = %v, want %v", got, tt.changed)
			}
		})
	}
}

// TestHostOwnerAndTimesIgnored: the context resets ownership, and neither
// mtime nor the context directory's own mode take part.
func TestHostOwnerAndTimesIgnored(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM scratch\n", "src/a.py": "a"})
	before := copyAll(t, dir)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "src/a.py"), later, later); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(filepath.Join(dir, "src/a.py"), 4321, 4321); err != nil {
			t.Fatal(err)
		}
	}
	if copyAll(t, dir) != before {
		t.Errorf("host owner, mtime or context dir mode changed COPY . .")
	}
	if err := os.Chmod(filepath.Join(dir, "src/a.py"), 0o600); err != nil {
		t.Fatal(err)
	}
	if copyAll(t, dir) == before {
		t.Errorf("chmod did not change COPY . .")
	}
}

func TestCopyMissingAndIgnored(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{".dockerignore": "secret.env\n", "secret.env": "x"})
	c, err := buildctx.Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, src := range []string{"secret.env", "nope", "../x"} {
		_, err := contenthash.Checksum(c, src, contenthash.Options{FollowLinks: true})
		if err == nil {
			t.Errorf("COPY %s: no error", src)
		}
	}
}
