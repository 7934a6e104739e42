package buildctx

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/moby/patternmatcher/ignorefile"
)

const fuzzSecret = "FUZZ-SECRET-OUTSIDE"

var (
	fuzzTop  string
	fuzzOnce sync.Once
	fuzzCtx  *Context
	fuzzErr  error
)

// fuzzContext is one context full of hostile links, beside a secret it must
// never read; built once because fuzzing calls the target millions of times.
func fuzzContext() (*Context, error) {
	fuzzOnce.Do(func() {
		top, err := os.MkdirTemp("", "buildctx-fuzz-")
		if err != nil {
			fuzzErr = err
			return
		}
		fuzzTop = top
		dir := filepath.Join(top, "ctx")
		links := map[string]string{
			"abs": filepath.Join(top, "secret"), "up": "..", "upup": "../..", "rel": "../secret",
			"d/up": "../../secret", "d/ok": "../f", "loop": "loop", "dirlink": "d", "root": "/",
			"dot": ".", "d/e/deep": "../../../secret",
		}
		for _, p := range []string{"d/e", "ign/keep"} {
			if fuzzErr = os.MkdirAll(filepath.Join(dir, p), 0o755); fuzzErr != nil {
				return
			}
		}
		for name, content := range map[string]string{
			"f": "inside", "d/g": "inside", "ign/x": "hidden", "ign/keep/y": "kept",
			".dockerignore": "ign\n!ign/keep\n*.tmp\n",
		} {
			if fuzzErr = os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); fuzzErr != nil {
				return
			}
		}
		if fuzzErr = os.WriteFile(filepath.Join(top, "secret"), []byte(fuzzSecret), 0o644); fuzzErr != nil {
			return
		}
		for name, target := range links {
			if fuzzErr = os.Symlink(target, filepath.Join(dir, name)); fuzzErr != nil {
				return
			}
		}
		fuzzCtx, fuzzErr = Open(dir, "")
	})
	return fuzzCtx, fuzzErr
}

// FuzzContextPath: arbitrary names through Lstat, Stat, Open, ReadDir and
// Readlink never panic and never read the secret beside the context.
func FuzzContextPath(f *testing.F) {
	for _, s := range []string{
		"", "/", ".", "..", "../secret", "../../secret", "/../secret", "f", "d/ok", "d/up", "abs", "rel",
		"up/secret", "upup/tmp", "dirlink/g", "dirlink/../f", "loop", "loop/x", "root/f", "dot/dot/f",
		"ign/x", "ign/keep/y", "ign/keep", "d/e/deep", "f/x", "a\x00b", "//f", "d/./g/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		c, err := fuzzContext()
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, err error) {
			if err != nil && strings.Contains(err.Error(), fuzzSecret) {
				t.Fatalf("%s(%q): secret in error", what, name)
			}
		}
		_, err = c.Lstat(name)
		check("Lstat", err)
		_, err = c.Stat(name)
		check("Stat", err)
		_, err = c.Readlink(name)
		check("Readlink", err)
		if ents, err := c.ReadDir(name); err == nil {
			for _, e := range ents {
				if e.Name() == "x" && strings.Contains(name, "ign") && !strings.Contains(name, "keep") {
					t.Fatalf("ReadDir(%q) shows an ignored file", name)
				}
				if _, err := e.Info(); err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("Info of %s in %q: %v", e.Name(), name, err)
				}
			}
		} else {
			check("ReadDir", err)
		}
		file, err := c.Open(name)
		check("Open", err)
		if err == nil {
			b, _ := io.ReadAll(file)
			file.Close()
			if strings.Contains(string(b), fuzzSecret) {
				t.Fatalf("Open(%q) read the secret outside the context", name)
			}
			if string(b) == "hidden" {
				t.Fatalf("Open(%q) read an ignored file", name)
			}
		}
		c.Excluded(name)
	})
}

// FuzzIgnorePatterns: arbitrary .dockerignore text never panics, and
// whatever it says the matcher answers for any path.
func FuzzIgnorePatterns(f *testing.F) {
	for _, s := range []string{
		"", "# comment\n", "*.csv\n!keep.csv\n", "/venv/\n", "**\n!a/**/b\n", "[\n", "\\\n", "!\n", "!!x\n",
		"a/../../b\n", "\xef\xbb\xbf*.tmp\n", "a[b-]c\n", "**/**/x\n", "*\n!*/\n", "a\\*b\n", "/\n", ".\n",
	} {
		f.Add(s, "a/b/c.csv")
	}
	f.Fuzz(func(t *testing.T, text, rel string) {
		patterns, err := ignorefile.ReadAll(strings.NewReader(text))
		if err != nil {
			return
		}
		m, err := newMatcher(patterns)
		if err != nil {
			return
		}
		r := relName(rel)
		m.state(r, false)
		m.state(r, true)
	})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fuzzTop != "" {
		os.RemoveAll(fuzzTop)
	}
	os.Exit(code)
}
