package markdown

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func render(t testing.TB, src string, opt Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, []byte(src), opt); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestPlainLesson checks a realistic lesson renders as clean plain text.
func TestPlainLesson(t *testing.T) {
	src, err := os.ReadFile("testdata/lesson.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{0, 40, 60, 100} {
		out := render(t, string(src), Options{Width: width})
		if strings.Contains(out, "\x1b") {
			t.Errorf("width %d: plain output contains an escape code", width)
		}
		if strings.Contains(out, "```") {
			t.Errorf("width %d: plain output contains a code fence", width)
		}
		for i, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "#") {
				t.Errorf("width %d: line %d starts with #: %q", width, i+1, l)
			}
		}
		checkShape(t, out, false)
	}
}

func TestColorLesson(t *testing.T) {
	src, err := os.ReadFile("testdata/lesson.md")
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, string(src), Options{Color: true})
	if !strings.Contains(out, "\x1b[") {
		t.Error("colour output has no escape codes")
	}
	checkShape(t, out, true)
}

// Colour is decided by Options alone, not by NO_COLOR or a TTY check.
func TestColorIgnoresEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if out := render(t, "**bold**", Options{Color: true}); !strings.Contains(out, "\x1b[1m") {
		t.Errorf("Color: true with NO_COLOR set gave %q", out)
	}
	t.Setenv("NO_COLOR", "")
	if out := render(t, "**bold**", Options{Color: false}); strings.Contains(out, "\x1b") {
		t.Errorf("Color: false gave %q", out)
	}
}

func TestRenderSmall(t *testing.T) {
	tests := []struct {
		name, in, want string
		width          int
	}{
		{"empty", "", "", 80},
		{"blank lines only", "\n\n  \n", "", 80},
		{"one paragraph", "hello", "hello\n", 80},
		{"default width is 80", strings.Repeat("ab ", 30), strings.TrimSpace(strings.Repeat("ab ", 27)) + "\n" + "ab ab ab\n", 0},
		{"blank line between blocks", "a\n\nb", "a\n\nb\n", 80},
		{"html block dropped", "<div>\nx\n</div>\n\npara", "para\n", 80},
		{"only html", "<!-- nothing -->", "", 80},
		{"escape in text is neutralised", "a\x1b[31mred", "a\uFFFD[31mred\n", 80},
		{"link text equals url", "[https://x.io](https://x.io)", "https://x.io\n", 80},
		{"link", "[docs](https://x.io)", "docs (https://x.io)\n", 80},
		{"empty link text", "[](https://x.io)", "https://x.io\n", 80},
		{"image", "![whale](w.png)", "[image: whale]\n", 80},
		{"entity", "&lt;b&gt; &#35;", "<b> #\n", 80},
		{"inline code in plain mode", "`ls -l`", "`ls -l`\n", 80},
		{"code span with backquote", "`` a`b ``", "`` a`b ``\n", 80},
		{"thematic break", "---", strings.Repeat("─", 10) + "\n", 10},
		{"empty list item", "-\n", "•\n", 80},
		{"empty code block", "```\n```", "", 80},
		{"heading", "# Hi", "Hi\n══\n", 80},
		{"callout alone", "> [!TIP]", "│ Tip\n", 80},
		{"heading deeper than the width", strings.Repeat(">", 10) + " # H", strings.Repeat("│ ", 10) + "H\n" + strings.Repeat("│ ", 10) + "═\n", 4},
		{"huge width is bounded", "---", strings.Repeat("─", maxWidth) + "\n", 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.in, Options{Width: tt.width}); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderWriteError(t *testing.T) {
	err := Render(failWriter{}, []byte("hi"), Options{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("got %v, want the writer's error wrapped", err)
	}
}

func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile("testdata/lesson.md")
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name  string
		color bool
	}{{"plain", false}, {"color", true}} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				var buf bytes.Buffer
				if err := Render(&buf, src, Options{Width: 80, Color: mode.color}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
