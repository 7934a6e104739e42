package progress

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Parsed is one vertex read back from plain progress output.
type Parsed struct {
	Num    int
	Name   string
	Cached bool
	Done   bool
	Error  string
	Logs   []string
}

// Step reports whether the vertex is a Dockerfile step ("[2/5] RUN ...",
// "[builder 1/3] FROM ...") rather than an internal one.
func (p *Parsed) Step() bool { return stepName.MatchString(p.Name) }

// Instruction is the step's instruction without its "[i/M] " prefix.
func (p *Parsed) Instruction() string {
	if m := stepName.FindStringSubmatch(p.Name); m != nil {
		return m[1]
	}
	return p.Name
}

var (
	stepName = regexp.MustCompile(`^\[[^\]]*\d+/\d+\] (.*)$`)
	logLine  = regexp.MustCompile(`^\d+\.\d+ `)
	digest   = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// ParsePlain reads BuildKit's --progress=plain output, from the embedded
// engine or a real one (whose older versions also print each vertex's
// digest, and may interleave vertices), and returns the vertices in order
// of first appearance.
func ParsePlain(r io.Reader) ([]*Parsed, error) {
	var out []*Parsed
	byNum := map[int]*Parsed{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			continue
		}
		numText, rest, _ := strings.Cut(line[1:], " ")
		n, err := strconv.Atoi(numText)
		if err != nil {
			continue
		}
		v := byNum[n]
		if v == nil {
			// The first line of a vertex is its name.
			v = &Parsed{Num: n, Name: rest}
			byNum[n] = v
			out = append(out, v)
			continue
		}
		switch {
		case rest == v.Name || digest.MatchString(rest):
			// A repeated header when output interleaves, or a digest line.
		case rest == "CACHED":
			v.Cached = true
		case strings.HasPrefix(rest, "DONE "):
			v.Done = true
		case strings.HasPrefix(rest, "ERROR: ") || rest == "ERROR":
			v.Error = strings.TrimPrefix(rest, "ERROR: ")
		case logLine.MatchString(rest):
			_, text, _ := strings.Cut(rest, " ")
			v.Logs = append(v.Logs, text)
		}
	}
	return out, sc.Err()
}
