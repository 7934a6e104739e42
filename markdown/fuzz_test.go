package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzRender checks that no input panics and every output keeps the shape
// promised: one final newline, no trailing spaces, no escapes in plain mode.
func FuzzRender(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.md")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, 60, false)
	}
	for _, s := range []string{
		"", "#", "> [!NOTE]", "- [ ]", "|a|\n|-|\n|b|", "```sh\n$ echo 'x\n```",
		"1. a\n   2. b", "**Note**", "`", "\t\tx", "a  \nb", "&#0;", "<br>",
		"```dockerfile\nRUN a \\\n```", "日本語\u200d🐳", "\x1b[31m", "a#b",
	} {
		f.Add([]byte(s), 10, true)
	}
	f.Fuzz(func(t *testing.T, src []byte, width int, color bool) {
		width %= 200 // keep wide widths from making huge rules
		var buf bytes.Buffer
		done := make(chan error, 1)
		go func() { done <- Render(&buf, src, Options{Width: width, Color: color}) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("Render too slow on %q", src) // the input is saved; the goroutine leaks
		}
		out := buf.String()
		if out == "" {
			return
		}
		if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
			t.Fatalf("output does not end in exactly one newline: %q", out)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasSuffix(l, " ") {
				t.Fatalf("trailing space in %q", l)
			}
		}
		if !color && strings.Contains(out, "\x1b") {
			t.Fatalf("escape code in plain output: %q", out)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 in output: %q", out)
		}
	})
}
