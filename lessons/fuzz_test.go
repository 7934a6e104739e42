package lessons

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// FuzzParseLesson feeds arbitrary text to Parse: it must never panic, and it
// must return either a consistent lesson or an *Error pointing into the file.
func FuzzParseLesson(f *testing.F) {
	// Seed with the real lessons and the shapes the unit tests cover.
	fs.WalkDir(embedded, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "lesson.md" {
			b, _ := fs.ReadFile(embedded, name)
			f.Add(string(b))
		}
		return nil
	})
	for _, s := range []string{
		"",
		"---\n---\n",
		head + "## s\n```check\nx\n```\n",
		head + "## s\n~~~~hint\n~~~\n~~~~\n",
		head + "## s\n```sh\n## x\n",
		head[:len(head)-4] + "outcomes: [\"a, b\", c]\n---\n## s\n",
		"---\r\nformat: 1\r\n---\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := Parse("l.md", []byte(src))
		nlines := strings.Count(src, "\n") + 1
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if l != nil {
				t.Fatal("both a lesson and an error")
			}
			if e.File != "l.md" || e.Line < 1 || e.Line > nlines || e.Msg == "" {
				t.Fatalf("bad error location: %v (file has %d lines)", e, nlines)
			}
			return
		}
		if l.FormatVersion != 1 || !idPattern.MatchString(l.ID) || l.Title == "" || l.Summary == "" || len(l.Steps) == 0 {
			t.Fatalf("incomplete lesson: %+v", l)
		}
		last := 0
		for i, s := range l.Steps {
			if s.Index != i+1 || s.Title == "" || s.Line <= last || s.Line > nlines {
				t.Fatalf("bad step %d: %+v", i, s)
			}
			last = s.Line
			for _, b := range append(s.Checks, s.Hints...) {
				if b.Line <= s.Line || b.Line > nlines || strings.TrimSpace(b.Text) == "" {
					t.Fatalf("bad block in step %d: %+v", s.Index, b)
				}
			}
		}
	})
}
