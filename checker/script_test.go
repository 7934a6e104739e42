package checker

import (
	"strings"
	"testing"

	"github.com/layerlab/learn/lessons"
	"github.com/layerlab/learn/sandbox/progress"
)

func TestParseLines(t *testing.T) {
	s, err := Parse("lesson.md", 10, strings.Join([]string{
		`docker build -t pipeline .`,
		`# a comment`,
		``,
		`edit src/pipeline.py append "print('v2')"`,
		`cached "RUN pip install"    hint "Install requirements before copying src/"`,
		`! stdout contains ".env"  hint 'no secrets' points 3`,
		`image pipeline size < 200MB`,
		`image pipeline size < image single`,
		`stdout matches "^A +B$"`,
	}, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Lines) != 7 {
		t.Fatalf("%d lines, want 7", len(s.Lines))
	}
	edit := s.Lines[1]
	if edit.N != 13 || edit.Verb != "edit" || edit.Args[2] != "print('v2')" || edit.Kind != Action {
		t.Errorf("edit line %+v", edit)
	}
	cached := s.Lines[2]
	if cached.Kind != Expectation || cached.Args[0] != "RUN pip install" || cached.Hint != "Install requirements before copying src/" || cached.Points != 1 {
		t.Errorf("cached line %+v", cached)
	}
	neg := s.Lines[3]
	if !neg.Neg || neg.Hint != "no secrets" || neg.Points != 3 || neg.Args[1] != ".env" {
		t.Errorf("negated line %+v", neg)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ line, want string }{
		{`cahced "RUN pip"`, `lesson.md:7: unknown check command "cahced" (did you mean cached?)`},
		{`cached RUN pip install`, `cached: needs the start of a step`},
		{`stdout has "x"`, `stdout: "has" is not contains, matches or equals`},
		{`stdout matches "("`, `bad pattern`},
		{`edit app.py chmod rwx`, `chmod takes an octal mode`},
		{`edit app.py frobnicate`, `"frobnicate" is not an edit`},
		{`! docker build .`, `"!" goes before an expectation`},
		{`docker build . hint "x"`, `a hint belongs to an expectation`},
		{`exit zero`, `"zero" is not an exit code`},
		{`image app size < big`, `"big" is not a size`},
		{`image app size < image`, `"image" is not a size`},
		{`image app size < image a b`, `usage: image IMG size < SIZE`},
		{`image app config Userr root`, `config field "Userr"`},
		{`stdout contains "unterminated`, `unterminated " quote`},
		{`cached "RUN x" points many`, `points takes a whole number`},
		{`container web sleeping`, `"sleeping" is not one of running, exited, healthy`},
		{`!`, `"!" needs an expectation`},
	}
	for _, c := range cases {
		_, err := Parse("lesson.md", 7, c.line)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.line, err, c.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "lesson.md:7: ") {
			t.Errorf("%s: error %q does not name file and line", c.line, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"200MB": 200e6, "1.5GB": 1.5e9, "512kB": 512e3, "10B": 10} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("%s = %d, %v; want %d", in, got, err, want)
		}
	}
}

// Every check block of the built-in lessons parses.
func TestEmbeddedChecksParse(t *testing.T) {
	pack, err := lessons.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for _, l := range pack.Lessons {
		for _, st := range l.Steps {
			for _, b := range st.Checks {
				blocks++
				if _, err := Parse(l.File, b.Line, b.Text); err != nil {
					t.Errorf("%v", err)
				}
			}
		}
	}
	if blocks == 0 {
		t.Fatal("the embedded pack has no check blocks")
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"docker build -t app .\ncached \"RUN pip\" hint \"x\" points 2",
		"! stdout contains 'a b'",
		"edit a replace \"x\" \"y\"",
		"image app size <= 1.5GB",
		"\"\\",
		"hint hint hint",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Parse("f.md", 1, text)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		for _, l := range s.Lines {
			if _, ok := verbs[l.Verb]; !ok {
				t.Fatalf("accepted unknown verb %q", l.Verb)
			}
		}
	})
}

func TestExplain(t *testing.T) {
	plain := `#1 [1/5] FROM docker.io/library/python:3.14-slim
#1 CACHED

#2 [2/5] WORKDIR /app
#2 CACHED

#3 [3/5] COPY requirements.txt .
#3 CACHED

#4 [4/5] COPY src/ ./src/
#4 DONE 0.1s

#5 [5/5] RUN pip install -r requirements.txt
#5 DONE 0.3s
`
	vs, _ := progress.ParsePlain(strings.NewReader(plain))
	why := explain(vs, []string{"src/pipeline.py"}, 1)
	if got := why["[4/5] COPY src/ ./src/"]; !strings.HasPrefix(got, "src/pipeline.py changed, and this step copies it") {
		t.Errorf("COPY: %q", got)
	}
	if got := why["[5/5] RUN pip install -r requirements.txt"]; !strings.Contains(got, "cascade") {
		t.Errorf("RUN: %q", got)
	}
	if _, ok := why["[3/5] COPY requirements.txt ."]; ok {
		t.Error("a CACHED step got a reason")
	}
	first := explain(vs, nil, 0)
	if !strings.Contains(first["[4/5] COPY src/ ./src/"], "first build") {
		t.Errorf("first build: %q", first)
	}
}
