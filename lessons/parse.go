package lessons

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// idPattern is the shape of a lesson id and of its folder name: the two-digit
// prefix orders the pack, the slug is what people type.
var idPattern = regexp.MustCompile(`^[0-9][0-9]-[a-z0-9-]+$`)

// knownKeys lists the front matter keys in the order the docs present them.
var knownKeys = []string{"format", "id", "title", "summary", "prerequisites", "outcomes"}

// Parse reads one lesson.md; file names it in errors. It checks everything a
// single file can show. Load adds the checks that need the whole pack: the id
// matches the folder, prerequisites exist and come earlier. Every error is an
// *Error.
func Parse(file string, src []byte) (*Lesson, error) {
	p := &parser{file: file}
	if err := p.split(src); err != nil {
		return nil, err
	}
	l := &Lesson{File: file, Files: emptyFS{}, Solution: emptyFS{}}
	end, err := p.frontMatter(l)
	if err != nil {
		return nil, err
	}
	if err := p.body(l, end); err != nil {
		return nil, err
	}
	return l, nil
}

type parser struct {
	file  string
	lines []string // without line endings; lines[0] is line 1
}

func (p *parser) errorf(line int, format string, args ...any) *Error {
	return &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// split checks the encoding and cuts the text into lines. CRLF files are
// accepted because editors on Windows write them.
func (p *parser) split(src []byte) error {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line := 1 + bytes.Count(src[:off], []byte("\n"))
		return p.errorf(line, "not valid UTF-8 text (save the lesson file as UTF-8)")
	}
	text := string(src)
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		p.lines = nil
		return nil
	}
	p.lines = strings.Split(text, "\n")
	for i, s := range p.lines {
		p.lines[i] = strings.TrimSuffix(s, "\r")
	}
	return nil
}

type entry struct {
	key, value string
	line       int
}

// frontMatter parses the "---" block at the top into l and returns the index
// of its closing line. Keys are checked in a fixed order (format first) so a
// lesson written for a newer format says so instead of listing unknown keys.
func (p *parser) frontMatter(l *Lesson) (int, error) {
	if len(p.lines) == 0 || strings.TrimSpace(p.lines[0]) != "---" {
		return 0, p.errorf(1, `a lesson must start with front matter: a "---" line, "key: value" lines, then "---"`)
	}
	end := -1
	var entries []entry
	seen := map[string]entry{}
	for i := 1; i < len(p.lines); i++ {
		line, n := p.lines[i], i+1
		t := strings.TrimSpace(line)
		if t == "---" {
			end = i
			break
		}
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		key, value, ok := strings.Cut(t, ":")
		key = strings.TrimSpace(key)
		if !ok || !validKey(key) {
			return 0, p.errorf(n, `expected "key: value", got %q`, t)
		}
		if first, dup := seen[key]; dup {
			return 0, p.errorf(n, "duplicate key %q (first set on line %d)", key, first.line)
		}
		value = strings.TrimSpace(value)
		if value == "" {
			return 0, p.errorf(n, "key %q has no value", key)
		}
		e := entry{key, value, n}
		seen[key] = e
		entries = append(entries, e)
	}
	if end < 0 {
		return 0, p.errorf(1, `front matter is never closed: add a "---" line after the last key`)
	}

	f, ok := seen["format"]
	if !ok {
		return 0, p.errorf(1, `missing required key "format" (add "format: %d")`, FormatVersion)
	}
	v, err := strconv.Atoi(f.value)
	if err != nil {
		return 0, p.errorf(f.line, "format must be a whole number, got %q", f.value)
	}
	if v != FormatVersion {
		return 0, p.errorf(f.line, "unsupported lesson format %d: this version of learn reads format %d only", v, FormatVersion)
	}
	l.FormatVersion = v
	for _, e := range entries {
		if !known(e.key) {
			return 0, p.errorf(e.line, "unknown key %q (known keys: %s)", e.key, strings.Join(knownKeys, ", "))
		}
	}
	for _, k := range []string{"id", "title", "summary"} {
		if _, ok := seen[k]; !ok {
			return 0, p.errorf(1, "missing required key %q", k)
		}
	}

	for _, e := range entries {
		switch e.key {
		case "id", "title", "summary":
			s, err := p.scalar(e)
			if err != nil {
				return 0, err
			}
			switch e.key {
			case "id":
				if !idPattern.MatchString(s) {
					return 0, p.errorf(e.line, `id %q must look like "04-layer-caching": two digits, a dash, then lowercase letters, digits and dashes`, s)
				}
				l.ID = s
			case "title":
				l.Title = s
			case "summary":
				l.Summary = s
			}
		case "prerequisites":
			items, err := p.list(e, "01-images-and-containers, 02-first-dockerfile")
			if err != nil {
				return 0, err
			}
			for i, it := range items {
				if !idPattern.MatchString(it) {
					return 0, p.errorf(e.line, "prerequisite %q is not a lesson id (like 01-images-and-containers)", it)
				}
				if j := indexOf(items[:i], it); j >= 0 {
					return 0, p.errorf(e.line, "prerequisite %q is listed twice", it)
				}
			}
			l.Prerequisites = items
			l.prereqLine = e.line
		case "outcomes":
			items, err := p.list(e, `"build an image", "run a container"`)
			if err != nil {
				return 0, err
			}
			l.Outcomes = items
		}
	}
	for _, pre := range l.Prerequisites {
		if pre == l.ID {
			return 0, p.errorf(l.prereqLine, "lesson %s lists itself as a prerequisite", l.ID)
		}
	}
	return end, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func known(k string) bool { return indexOf(knownKeys, k) >= 0 }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// scalar returns a value, unquoting it when it is written in double quotes
// (Go/JSON escapes).
func (p *parser) scalar(e entry) (string, error) {
	s := e.value
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return "", p.errorf(e.line, "bad quoted value for %q: %s", e.key, s)
		}
		s = strings.TrimSpace(u)
		if s == "" {
			return "", p.errorf(e.line, "key %q has no value", e.key)
		}
	}
	return s, nil
}

// list parses "[a, b, "c, d"]". Items are separated by commas; an item in
// double quotes may contain commas.
func (p *parser) list(e entry, example string) ([]string, error) {
	v := e.value
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return nil, p.errorf(e.line, "%s must be a list in brackets, like [%s]", e.key, example)
	}
	rest := strings.TrimSpace(v[1 : len(v)-1])
	items := []string{}
	if rest == "" {
		return items, nil
	}
	for {
		rest = strings.TrimLeft(rest, " \t")
		var item string
		if strings.HasPrefix(rest, `"`) {
			end := closingQuote(rest)
			if end < 0 {
				return nil, p.errorf(e.line, "%s: quoted item is never closed", e.key)
			}
			u, err := strconv.Unquote(rest[:end+1])
			if err != nil {
				return nil, p.errorf(e.line, "%s: bad quoted item %s", e.key, rest[:end+1])
			}
			item = strings.TrimSpace(u)
			rest = strings.TrimLeft(rest[end+1:], " \t")
			if rest != "" && rest[0] != ',' {
				return nil, p.errorf(e.line, "%s: expected a comma after quoted item %q", e.key, item)
			}
		} else {
			raw, _, _ := strings.Cut(rest, ",")
			item = strings.TrimSpace(raw)
			if strings.ContainsAny(item, `"[]`) {
				return nil, p.errorf(e.line, "%s: item %q has a stray quote or bracket (quote the whole item)", e.key, item)
			}
			rest = rest[len(raw):]
		}
		if item == "" {
			return nil, p.errorf(e.line, "%s: empty item in list", e.key)
		}
		items = append(items, item)
		if rest == "" {
			return items, nil
		}
		rest = rest[1:] // the comma
	}
}

// closingQuote returns the index of the quote that closes the string starting
// at s[0], skipping backslash escapes, or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// fence is an open fenced code block.
type fence struct {
	char    byte // '`' or '~'
	n       int  // length of the opening run
	indent  int  // bytes of indentation before the opening run
	line    int  // line of the opening fence
	extract string
	content []string
}

// openingFence reports whether line opens a fenced code block. Fences are
// recognised at any indentation so blocks inside list items are tracked too.
func openingFence(line string) (fence, string, bool) {
	rest := strings.TrimLeft(line, " \t")
	indent := len(line) - len(rest)
	if rest == "" || (rest[0] != '`' && rest[0] != '~') {
		return fence{}, "", false
	}
	c := rest[0]
	n := 0
	for n < len(rest) && rest[n] == c {
		n++
	}
	if n < 3 {
		return fence{}, "", false
	}
	info := strings.TrimSpace(rest[n:])
	if c == '`' && strings.Contains(info, "`") {
		return fence{}, "", false // CommonMark: inline code, not a fence
	}
	return fence{char: c, n: n, indent: indent}, info, true
}

func (f *fence) closes(line string) bool {
	rest := strings.TrimLeft(line, " \t")
	n := 0
	for n < len(rest) && rest[n] == f.char {
		n++
	}
	return n >= f.n && strings.TrimSpace(rest[n:]) == ""
}

// stepHeading reports whether line is a level-2 ATX heading and returns its
// text, with an optional closing run of '#' removed as CommonMark does.
func stepHeading(line string) (string, bool) {
	rest := strings.TrimLeft(line, " ")
	if len(line)-len(rest) > 3 || !strings.HasPrefix(rest, "##") {
		return "", false
	}
	rest = rest[2:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false // "###..." or "##title"
	}
	title := strings.TrimSpace(rest)
	if t := strings.TrimRight(title, "#"); t == "" {
		title = ""
	} else if strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t") {
		title = strings.TrimSpace(t)
	}
	return title, true
}

// body splits the Markdown after the front matter into the intro and steps,
// pulling check and hint blocks out of each step.
func (p *parser) body(l *Lesson, end int) error {
	var (
		intro    []string
		text     []string // current step's body lines
		step     *Step
		open     *fence
		dropNext bool // a block was just removed: swallow one doubled blank line
	)
	keep := func(s string) {
		if dropNext && strings.TrimSpace(s) == "" {
			dropNext = false
			if last := len(text); last == 0 || strings.TrimSpace(text[last-1]) == "" {
				return
			}
		}
		dropNext = false
		if step == nil {
			intro = append(intro, s)
		} else {
			text = append(text, s)
		}
	}
	finishStep := func() {
		if step != nil {
			step.Body = joinTrimmed(text)
			l.Steps = append(l.Steps, step)
		}
		text = nil
	}

	for i := end + 1; i < len(p.lines); i++ {
		line, n := p.lines[i], i+1
		if open != nil {
			if open.closes(line) {
				if open.extract != "" {
					b := Block{Line: open.line + 1, Text: joinLines(open.content)}
					if strings.TrimSpace(b.Text) == "" {
						return p.errorf(open.line, "empty %s block", open.extract)
					}
					if open.extract == "check" {
						step.Checks = append(step.Checks, b)
					} else {
						step.Hints = append(step.Hints, b)
					}
					dropNext = true
				} else {
					keep(line)
				}
				open = nil
				continue
			}
			if open.extract != "" {
				open.content = append(open.content, dedent(line, open.indent))
			} else {
				dropNext = false
				keep(line)
			}
			continue
		}
		if f, info, ok := openingFence(line); ok {
			f.line = n
			if info == "check" || info == "hint" {
				if step == nil {
					return p.errorf(n, `%s block before the first step: put it under a "## " step heading`, info)
				}
				f.extract = info
			} else {
				keep(line)
			}
			open = &f
			continue
		}
		if title, ok := stepHeading(line); ok {
			if title == "" {
				return p.errorf(n, "step heading has no title")
			}
			finishStep()
			step = &Step{Index: len(l.Steps) + 1, Title: title, Line: n}
			dropNext = false
			continue
		}
		keep(line)
	}
	if open != nil {
		return p.errorf(open.line, "code fence opened here is never closed (expected a line of %s)",
			strings.Repeat(string(open.char), open.n))
	}
	finishStep()
	l.Intro = joinTrimmed(intro)
	if len(l.Steps) == 0 {
		line := end + 2 // the first line after the front matter, if any
		if line > len(p.lines) {
			line = end + 1
		}
		return p.errorf(line, `lesson has no steps: start each step with a "## " heading`)
	}
	return nil
}

// dedent removes up to n bytes of leading blanks, the indentation of the
// block's opening fence.
func dedent(s string, n int) string {
	i := 0
	for i < n && i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

func joinLines(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

// joinTrimmed joins lines without the blank lines at either end.
func joinTrimmed(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return joinLines(lines)
}
