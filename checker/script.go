package checker

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Kind says whether a line acts or expects.
type Kind int

const (
	Action Kind = iota
	Expectation
)

// Line is one command of a check script.
type Line struct {
	File string // lesson file, for messages
	N    int    // line number in File
	Kind Kind
	Neg  bool     // "! stdout contains x": the expectation must fail
	Verb string   // docker, edit, run, cached, stdout ...
	Args []string // the words after the verb, quotes removed
	Hint string   // hint "..." on the line
	// Points this expectation is worth in a grade (points N; default 1).
	Points int
	Text   string // the line as written
}

// Script is a parsed check block.
type Script struct {
	Lines []Line
}

// Error is a problem in a check script, at a file and line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// verbs lists every command with its kind and how its arguments are
// checked; the checker that runs them and the parser share this table.
var verbs = map[string]struct {
	kind  Kind
	check func(args []string) error
}{
	"docker":     {Action, atLeast(1, "a docker command, e.g. docker build -t app .")},
	"run":        {Action, exactly(1, "the script to run, e.g. run run.sh")},
	"edit":       {Action, checkEdit},
	"cached":     {Expectation, exactly(1, "the start of a step, e.g. cached \"RUN pip install\"")},
	"ran":        {Expectation, exactly(1, "the start of a step, e.g. ran \"COPY src\"")},
	"exit":       {Expectation, checkExit},
	"stdout":     {Expectation, checkOutput},
	"stderr":     {Expectation, checkOutput},
	"image":      {Expectation, checkImage},
	"context":    {Expectation, checkChoice("context", []string{"includes", "excludes"}, 1)},
	"dockerfile": {Expectation, checkDockerfile},
	"lint":       {Expectation, atMost(1, "at most one rule, e.g. lint DL3042")},
	"container":  {Expectation, checkChoice("container NAME", []string{"running", "exited", "healthy"}, 0)},
	"volume":     {Expectation, checkVolume},
	"file":       {Expectation, checkFile},
}

// Parse reads a check block whose first line is line first of file.
func Parse(file string, first int, text string) (*Script, error) {
	s := &Script{}
	for i, raw := range strings.Split(text, "\n") {
		n := first + i
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		l, err := parseLine(line)
		if err != nil {
			return nil, &Error{File: file, Line: n, Msg: err.Error()}
		}
		l.File, l.N, l.Text = file, n, line
		s.Lines = append(s.Lines, l)
	}
	return s, nil
}

func parseLine(line string) (Line, error) {
	words, err := split(line)
	if err != nil {
		return Line{}, err
	}
	l := Line{Points: 1}
	if words[0] == "!" {
		l.Neg = true
		words = words[1:]
		if len(words) == 0 {
			return l, fmt.Errorf("\"!\" needs an expectation after it")
		}
	}
	// Decorations at the end of the line: hint "..." and points N.
	for len(words) >= 2 {
		last := len(words) - 2
		switch words[last] {
		case "hint":
			if l.Hint != "" {
				return l, fmt.Errorf("two hints on one line")
			}
			l.Hint = words[last+1]
		case "points":
			p, err := strconv.Atoi(words[last+1])
			if err != nil || p < 0 {
				return l, fmt.Errorf("points takes a whole number, not %q", words[last+1])
			}
			l.Points = p
		default:
			goto done
		}
		words = words[:last]
	}
done:
	if len(words) == 0 {
		return l, fmt.Errorf("hint and points decorate the expectation before them on the same line")
	}
	l.Verb, l.Args = words[0], words[1:]
	v, ok := verbs[l.Verb]
	if !ok {
		return l, fmt.Errorf("unknown check command %q%s", l.Verb, suggest(l.Verb))
	}
	l.Kind = v.kind
	if l.Neg && l.Kind != Expectation {
		return l, fmt.Errorf("\"!\" goes before an expectation, not before %s", l.Verb)
	}
	if l.Kind == Action && l.Hint != "" {
		return l, fmt.Errorf("a hint belongs to an expectation, not to %s", l.Verb)
	}
	if err := v.check(l.Args); err != nil {
		return l, fmt.Errorf("%s: %v", l.Verb, err)
	}
	return l, nil
}

// split cuts a line into words: spaces separate, "double" and 'single'
// quotes group (backslash escapes inside double quotes).
func split(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '"' || c == '\'':
			inWord = true
			j := i + 1
			for ; j < len(line) && line[j] != c; j++ {
				if c == '"' && line[j] == '\\' && j+1 < len(line) {
					j++
				}
				cur.WriteByte(line[j])
			}
			if j >= len(line) {
				return nil, fmt.Errorf("unterminated %c quote", c)
			}
			i = j
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("empty line")
	}
	return words, nil
}

func suggest(verb string) string {
	best, dist := "", 3
	names := make([]string, 0, len(verbs))
	for v := range verbs {
		names = append(names, v)
	}
	sort.Strings(names)
	for _, v := range names {
		if d := distance(verb, v); d < dist {
			best, dist = v, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance, for suggestions.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func atLeast(n int, want string) func([]string) error {
	return func(a []string) error {
		if len(a) < n {
			return fmt.Errorf("needs %s", want)
		}
		return nil
	}
}

func atMost(n int, want string) func([]string) error {
	return func(a []string) error {
		if len(a) > n {
			return fmt.Errorf("takes %s", want)
		}
		return nil
	}
}

func exactly(n int, want string) func([]string) error {
	return func(a []string) error {
		if len(a) != n {
			return fmt.Errorf("needs %s (quote it if it has spaces)", want)
		}
		return nil
	}
}

// checkChoice: an optional subject (skip words), then one of choices, then
// the rest.
func checkChoice(what string, choices []string, minRest int) func([]string) error {
	return func(a []string) error {
		skip := 0
		if strings.Contains(what, " ") {
			skip = 1
		}
		if len(a) < skip+1+minRest {
			return fmt.Errorf("usage: %s %s", what, strings.Join(choices, "|"))
		}
		for _, c := range choices {
			if a[skip] == c {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", a[skip], strings.Join(choices, ", "))
	}
}

var editOps = map[string]int{"append": 2, "prepend": 2, "write": 2, "replace": 3, "touch": 1, "chmod": 2, "rm": 1}

func checkEdit(a []string) error {
	if len(a) < 2 {
		return fmt.Errorf("usage: edit FILE append|prepend|write TEXT, replace OLD NEW, touch, chmod MODE, rm")
	}
	n, ok := editOps[a[1]]
	if !ok {
		return fmt.Errorf("%q is not an edit (append, prepend, write, replace, touch, chmod, rm)", a[1])
	}
	if len(a)-1 != n {
		return fmt.Errorf("%s takes %d argument(s) after the file", a[1], n-1)
	}
	if a[1] == "chmod" {
		if _, err := strconv.ParseUint(a[2], 8, 32); err != nil {
			return fmt.Errorf("chmod takes an octal mode such as 755, not %q", a[2])
		}
	}
	return nil
}

func checkExit(a []string) error {
	if len(a) != 1 {
		return fmt.Errorf("needs the expected exit code, e.g. exit 0")
	}
	if _, err := strconv.Atoi(a[0]); err != nil {
		return fmt.Errorf("%q is not an exit code", a[0])
	}
	return nil
}

func checkOutput(a []string) error {
	if len(a) != 2 {
		return fmt.Errorf("usage: contains|matches|equals TEXT (quote TEXT)")
	}
	switch a[0] {
	case "contains", "equals":
	case "matches":
		if _, err := compile(a[1]); err != nil {
			return fmt.Errorf("bad pattern %q: %v", a[1], err)
		}
	default:
		return fmt.Errorf("%q is not contains, matches or equals", a[0])
	}
	return nil
}

var configFields = []string{"User", "WorkingDir", "Cmd", "Entrypoint", "Env", "ExposedPorts", "Healthcheck", "Volumes", "Labels", "StopSignal"}

func checkImage(a []string) error {
	if len(a) < 3 {
		return fmt.Errorf("usage: image IMG has|lacks PATH, image IMG size < SIZE|image OTHER, image IMG config FIELD VALUE")
	}
	switch a[1] {
	case "has", "lacks":
		if len(a) != 3 {
			return fmt.Errorf("%s takes one path", a[1])
		}
	case "size":
		// The limit is a size, or another image: image app size < image single.
		other := len(a) == 5 && a[3] == "image"
		if len(a) != 4 && !other || (a[2] != "<" && a[2] != "<=" && a[2] != ">" && a[2] != ">=") {
			return fmt.Errorf("usage: image IMG size < SIZE (e.g. 200MB), or image IMG size < image OTHER")
		}
		if other {
			return nil
		}
		if _, err := ParseSize(a[3]); err != nil {
			return err
		}
	case "config":
		for _, f := range configFields {
			if a[2] == f {
				return nil
			}
		}
		return fmt.Errorf("config field %q is not one of %s", a[2], strings.Join(configFields, ", "))
	default:
		return fmt.Errorf("%q is not has, lacks, size or config", a[1])
	}
	return nil
}

func checkDockerfile(a []string) error {
	if len(a) < 2 {
		return fmt.Errorf("usage: dockerfile has|lacks INSTR, dockerfile before INSTR INSTR")
	}
	switch a[0] {
	case "has", "lacks":
		if len(a) != 2 {
			return fmt.Errorf("%s takes one instruction (quote it)", a[0])
		}
	case "before":
		if len(a) != 3 {
			return fmt.Errorf("before takes two instructions (quote each)")
		}
	default:
		return fmt.Errorf("%q is not has, lacks or before", a[0])
	}
	return nil
}

func checkVolume(a []string) error {
	if len(a) != 3 || a[1] != "has" {
		return fmt.Errorf("usage: volume NAME has PATH")
	}
	return nil
}

func checkFile(a []string) error {
	if len(a) != 3 || a[1] != "contains" {
		return fmt.Errorf("usage: file PATH contains TEXT")
	}
	return nil
}

// ParseSize reads 200MB, 1.5GB, 512kB (decimal units, as docker prints).
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{{"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}, {"KB", 1e3}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			f, err := strconv.ParseFloat(strings.TrimSuffix(s, u.suffix), 64)
			if err != nil || f < 0 {
				break
			}
			return int64(f * u.mult), nil
		}
	}
	return 0, fmt.Errorf("%q is not a size such as 200MB", s)
}
