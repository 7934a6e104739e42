package markdown

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// goldenWidth is the width golden files are rendered at.
const goldenWidth = 60

// TestGolden renders every testdata/<element>.md in plain and colour mode
// and compares with <element>.plain.golden and <element>.color.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.md files")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		if name == "lesson" {
			continue // the benchmark document, checked by TestPlainLesson
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range []struct {
			suffix string
			color  bool
		}{{"plain", false}, {"color", true}} {
			t.Run(name+"/"+mode.suffix, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, src, Options{Width: goldenWidth, Color: mode.color}); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", name+"."+mode.suffix+".golden")
				if *update {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got := buf.String(); got != string(want) {
					t.Errorf("output differs from %s (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", golden, got, want)
				}
				checkShape(t, buf.String(), mode.color)
			})
		}
	}
}

// checkShape asserts the invariants every rendering keeps.
func checkShape(t *testing.T, out string, color bool) {
	t.Helper()
	if out == "" {
		return
	}
	if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("output must end with exactly one newline: %q", tail(out))
	}
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
			t.Errorf("line %d has trailing space: %q", i+1, l)
		}
		if !color && strings.HasPrefix(strings.TrimLeft(l, " "), "#") && !strings.HasPrefix(l, "    ") {
			t.Errorf("plain line %d starts with #: %q", i+1, l)
		}
	}
	if !color {
		for _, bad := range []string{"\x1b", "```", "**"} {
			if strings.Contains(out, bad) {
				t.Errorf("plain output contains %q", bad)
			}
		}
	}
}

func tail(s string) string {
	if len(s) > 20 {
		return s[len(s)-20:]
	}
	return s
}
