package lessons

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// head is a minimal valid front matter; the body starts on line 7.
const head = "---\nformat: 1\nid: 01-a\ntitle: T\nsummary: S\n---\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty file", "", `l.md:1: a lesson must start with front matter: a "---" line, "key: value" lines, then "---"`},
		{"no front matter", "# Title\n\n## Step\n", `l.md:1: a lesson must start with front matter: a "---" line, "key: value" lines, then "---"`},
		{"front matter not at top", "\n---\nformat: 1\n---\n", `l.md:1: a lesson must start with front matter: a "---" line, "key: value" lines, then "---"`},
		{"missing end", "---\nformat: 1\nid: 01-a\n\n## Step\n", `l.md:1: front matter is never closed: add a "---" line after the last key`},
		{"not key value", "---\nformat: 1\ntitle T\n---\n", `l.md:3: expected "key: value", got "title T"`},
		{"key with space", "---\nformat: 1\nmy title: T\n---\n", `l.md:3: expected "key: value", got "my title: T"`},
		{"duplicate key", "---\nformat: 1\ntitle: A\nid: 01-a\ntitle: B\n---\n", `l.md:5: duplicate key "title" (first set on line 3)`},
		{"empty value", "---\nformat: 1\nid: 01-a\ntitle:\nsummary: S\n---\n", `l.md:4: key "title" has no value`},
		{"empty quoted value", "---\nformat: 1\nid: 01-a\ntitle: \"  \"\nsummary: S\n---\n## s\n", `l.md:4: key "title" has no value`},
		{"bad quoted value", "---\nformat: 1\nid: 01-a\ntitle: \"a\nsummary: S\n---\n## s\n", `l.md:4: bad quoted value for "title": "a`},
		{"missing format", "---\nid: 01-a\ntitle: T\nsummary: S\n---\n## s\n", `l.md:1: missing required key "format" (add "format: 1")`},
		{"format not a number", "---\nformat: one\n---\n", `l.md:2: format must be a whole number, got "one"`},
		{"unsupported format", "---\nid: 01-a\nformat: 2\nnewkey: x\n---\n", `l.md:3: unsupported lesson format 2: this version of learn reads format 1 only`},
		{"unknown key", "---\nformat: 1\nid: 01-a\nauthor: me\n---\n", `l.md:4: unknown key "author" (known keys: format, id, title, summary, prerequisites, outcomes)`},
		{"missing id", "---\nformat: 1\ntitle: T\nsummary: S\n---\n## s\n", `l.md:1: missing required key "id"`},
		{"missing title", "---\nformat: 1\nid: 01-a\nsummary: S\n---\n## s\n", `l.md:1: missing required key "title"`},
		{"missing summary", "---\nformat: 1\nid: 01-a\ntitle: T\n---\n## s\n", `l.md:1: missing required key "summary"`},
		{"bad id", "---\nformat: 1\nid: 1-Intro\ntitle: T\nsummary: S\n---\n## s\n", `l.md:3: id "1-Intro" must look like "04-layer-caching": two digits, a dash, then lowercase letters, digits and dashes`},
		{"prerequisites not a list", head[:len(head)-4] + "prerequisites: 01-x\n---\n## s\n", `l.md:6: prerequisites must be a list in brackets, like [01-images-and-containers, 02-first-dockerfile]`},
		{"prerequisite not an id", head[:len(head)-4] + "prerequisites: [01-x, intro]\n---\n## s\n", `l.md:6: prerequisite "intro" is not a lesson id (like 01-images-and-containers)`},
		{"prerequisite twice", head[:len(head)-4] + "prerequisites: [00-x, 00-x]\n---\n## s\n", `l.md:6: prerequisite "00-x" is listed twice`},
		{"prerequisite itself", head[:len(head)-4] + "prerequisites: [01-a]\n---\n## s\n", `l.md:6: lesson 01-a lists itself as a prerequisite`},
		{"outcomes empty item", head[:len(head)-4] + "outcomes: [a, , b]\n---\n## s\n", `l.md:6: outcomes: empty item in list`},
		{"outcomes trailing comma", head[:len(head)-4] + "outcomes: [a, b,]\n---\n## s\n", `l.md:6: outcomes: empty item in list`},
		{"outcomes unclosed quote", head[:len(head)-4] + "outcomes: [\"a, b]\n---\n## s\n", `l.md:6: outcomes: quoted item is never closed`},
		{"outcomes stray quote", head[:len(head)-4] + "outcomes: [say \"hi\"]\n---\n## s\n", `l.md:6: outcomes: item "say \"hi\"" has a stray quote or bracket (quote the whole item)`},
		{"outcomes text after quote", head[:len(head)-4] + "outcomes: [\"a\" b]\n---\n## s\n", `l.md:6: outcomes: expected a comma after quoted item "a"`},
		{"outcomes empty quoted item", head[:len(head)-4] + "outcomes: [\"\"]\n---\n## s\n", `l.md:6: outcomes: empty item in list`},
		{"no steps", head + "Just an intro.\n\n# A level-1 heading\n### and level 3\n", `l.md:7: lesson has no steps: start each step with a "## " heading`},
		{"no steps and no body", head, `l.md:6: lesson has no steps: start each step with a "## " heading`},
		{"heading only in a fence", head + "```md\n## not a step\n```\n", `l.md:7: lesson has no steps: start each step with a "## " heading`},
		{"empty step title", head + "## One\n\n##\n", `l.md:9: step heading has no title`},
		{"empty step title with closing hashes", head + "## ##\n", `l.md:7: step heading has no title`},
		{"check before first step", head + "Intro\n```check\ndocker build .\n```\n## s\n", `l.md:8: check block before the first step: put it under a "## " step heading`},
		{"hint before first step", head + "```hint\nx\n```\n## s\n", `l.md:7: hint block before the first step: put it under a "## " step heading`},
		{"empty check", head + "## s\n```check\n\n   \n```\n", `l.md:8: empty check block`},
		{"empty hint", head + "## s\n~~~hint\n~~~\n", `l.md:8: empty hint block`},
		{"unterminated fence", head + "## s\n\n```sh\nlearn docker build .\n", `l.md:9: code fence opened here is never closed (expected a line of ` + "```" + `)`},
		{"unterminated longer fence", head + "## s\n````md\n```\n```\n", "l.md:8: code fence opened here is never closed (expected a line of ````)"},
		{"unterminated tilde fence", head + "## s\n~~~check\ndocker build .\n```\n", "l.md:8: code fence opened here is never closed (expected a line of ~~~)"},
		{"invalid utf-8", head + "## s\nok\nbad \xff byte\n", `l.md:9: not valid UTF-8 text (save the lesson file as UTF-8)`},
		{"invalid utf-8 in front matter", "---\nformat: 1\ntitle: caf\xe9\n", `l.md:3: not valid UTF-8 text (save the lesson file as UTF-8)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse("l.md", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded (%d steps), want error %q", len(l.Steps), tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	src := "\xef\xbb\xbf---\r\n" + // a BOM and CRLF line endings are accepted
		"format: 1\r\n" +
		"# a comment\r\n" +
		"id: 04-layer-caching\r\n" +
		"title: \"Caching: order matters\"\r\n" +
		"summary: Reorder a Dockerfile.\r\n" +
		"prerequisites: [01-images-and-containers, 02-first-dockerfile]\r\n" +
		"outcomes: [\"read, predict and fix\", plain item, \"say \\\"CACHED\\\"\"]\r\n" +
		"---\r\n" +
		"\r\n" +
		"Intro text.\r\n" +
		"\r\n" +
		"# A level-1 heading stays in the intro\r\n" +
		"\r\n" +
		"## First step ##\r\n" +
		"Read this.\r\n" +
		"\r\n" +
		"~~~~md\r\n" +
		"## not a heading\r\n" +
		"```check\r\n" +
		"~~~\r\n" +
		"~~~~\r\n" +
		"\r\n" +
		"```check\r\n" +
		"docker build -t pipeline .\r\n" +
		"cached \"RUN pip install\"\r\n" +
		"```\r\n" +
		"\r\n" +
		"```hint\r\n" +
		"Move **COPY src/** down.\r\n" +
		"```\r\n" +
		"\r\n" +
		"More text.\r\n" +
		"    ## indented code, not a heading\r\n" +
		"### A subsection\r\n" +
		"##\tSecond step\r\n" +
		"1. A list item with a nested check:\r\n" +
		"\r\n" +
		"   ````check\r\n" +
		"   docker run --rm pipeline\r\n" +
		"     stdout contains \"A  B\"\r\n" +
		"   ````\r\n" +
		"```` not-check\r\n" +
		"x\r\n" +
		"````\r\n"
	l, err := Parse("lesson.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Lesson{
		FormatVersion: 1,
		ID:            "04-layer-caching",
		Title:         "Caching: order matters",
		Summary:       "Reorder a Dockerfile.",
		Prerequisites: []string{"01-images-and-containers", "02-first-dockerfile"},
		Outcomes:      []string{"read, predict and fix", "plain item", `say "CACHED"`},
		Intro:         "Intro text.\n\n# A level-1 heading stays in the intro\n",
		File:          "lesson.md",
		Steps: []*Step{{
			Index: 1,
			Title: "First step",
			Line:  15,
			Body: "Read this.\n\n~~~~md\n## not a heading\n```check\n~~~\n~~~~\n\n" +
				"More text.\n    ## indented code, not a heading\n### A subsection\n",
			Checks: []Block{{Line: 25, Text: "docker build -t pipeline .\ncached \"RUN pip install\"\n"}},
			Hints:  []Block{{Line: 30, Text: "Move **COPY src/** down.\n"}},
		}, {
			Index:  2,
			Title:  "Second step",
			Line:   36,
			Body:   "1. A list item with a nested check:\n\n```` not-check\nx\n````\n",
			Checks: []Block{{Line: 40, Text: "docker run --rm pipeline\n  stdout contains \"A  B\"\n"}},
		}},
		prereqLine: 7,
	}
	// Files and Solution are empty file systems; compare them separately.
	if _, ok := l.Files.(emptyFS); !ok {
		t.Errorf("Files = %T, want emptyFS", l.Files)
	}
	l.Files, l.Solution = nil, nil
	if !reflect.DeepEqual(l, want) {
		t.Errorf("Parse mismatch\n got: %s\nwant: %s", dump(l), dump(want))
	}
}

// TestParseBodyBlankLines checks that removing a block does not leave a
// doubled blank line behind in the text the learner reads.
func TestParseBodyBlankLines(t *testing.T) {
	src := head + "## s\nbefore\n\n```check\na\n```\n\n```hint\nb\n```\n\nafter\n```check\nc\n```\nend\n"
	l, err := Parse("l.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Steps[0].Body, "before\n\nafter\nend\n"; got != want {
		t.Errorf("Body = %q, want %q", got, want)
	}
	if n := len(l.Steps[0].Checks); n != 2 {
		t.Errorf("%d checks, want 2", n)
	}
}

func TestParseListForms(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  []string
	}{
		{"[]", []string{}},
		{"[ ]", []string{}},
		{"[one]", []string{"one"}},
		{"[ one ,two ]", []string{"one", "two"}},
		{`["a, b", c]`, []string{"a, b", "c"}},
		{`["tab\there"]`, []string{"tab\there"}},
	} {
		l, err := Parse("l.md", []byte(head[:len(head)-4]+"outcomes: "+tt.value+"\n---\n## s\n"))
		if err != nil {
			t.Errorf("%s: %v", tt.value, err)
			continue
		}
		if !reflect.DeepEqual(l.Outcomes, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.value, l.Outcomes, tt.want)
		}
	}
}

func TestErrorString(t *testing.T) {
	if got := (&Error{File: "a/lesson.md", Line: 3, Msg: "bad"}).Error(); got != "a/lesson.md:3: bad" {
		t.Errorf("got %q", got)
	}
	if got := (&Error{File: "a", Msg: "bad"}).Error(); got != "a: bad" {
		t.Errorf("got %q", got)
	}
}

func dump(l *Lesson) string {
	s := fmt.Sprintf("%#v", *l)
	for _, st := range l.Steps {
		s += fmt.Sprintf("\n  %#v", *st)
	}
	return s
}

// TestREADMEExample keeps the example lesson in README.md valid.
func TestREADMEExample(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "````markdown\n")
	example, _, ok2 := strings.Cut(rest, "\n````\n")
	if !ok || !ok2 {
		t.Fatal("README.md has no ````markdown example")
	}
	l, err := Parse("README.md", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Steps) != 2 || len(l.Steps[1].Checks) != 1 || len(l.Steps[1].Hints) != 2 {
		t.Errorf("example parsed to %d steps: %s", len(l.Steps), dump(l))
	}
}
