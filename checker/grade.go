package checker

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Grade is a graded run: every expectation of the lessons graded, as a
// test with points.
type Grade struct {
	Tests []GradeTest
}

// GradeTest is one expectation as a graded test.
type GradeTest struct {
	Lesson  string
	Step    int
	Name    string
	Pass    bool
	Error   bool // the check could not run (an action failed)
	Score   int
	Max     int
	Message string
	File    string
	Line    int
}

// Add records a step's report.
func (g *Grade) Add(lesson string, step int, rep *Report) {
	for _, r := range rep.Results {
		t := GradeTest{Lesson: lesson, Step: step, Name: fmt.Sprintf("%s step %d: %s", lesson, step, r.Want),
			Pass: r.Pass, Score: r.Points, Max: r.Line.Points, File: r.Line.File, Line: r.Line.N}
		if !r.Pass {
			t.Message = "saw: " + r.Saw
			if r.Line.Hint != "" {
				t.Message += "\nhint: " + r.Line.Hint
			}
		}
		g.Tests = append(g.Tests, t)
	}
	if rep.Failed != "" {
		g.Tests = append(g.Tests, GradeTest{Lesson: lesson, Step: step, Name: fmt.Sprintf("%s step %d: the checks ran", lesson, step),
			Error: true, Max: 1, Message: rep.Failed})
	}
}

// Passed reports whether every test passed.
func (g *Grade) Passed() bool {
	for _, t := range g.Tests {
		if !t.Pass {
			return false
		}
	}
	return len(g.Tests) > 0
}

// Score and Max are the points earned and possible.
func (g *Grade) Score() (score, max int) {
	for _, t := range g.Tests {
		score += t.Score
		max += t.Max
	}
	return score, max
}

func (t GradeTest) status() string {
	switch {
	case t.Error:
		return "error"
	case t.Pass:
		return "pass"
	}
	return "fail"
}

// classroom is the GitHub Classroom grader result (version 1).
type classroom struct {
	Version  int             `json:"version"`
	Status   string          `json:"status"`
	MaxScore int             `json:"max_score"`
	Tests    []classroomTest `json:"tests"`
}

type classroomTest struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Score    int    `json:"score"`
	MaxScore int    `json:"max_score"`
	Message  string `json:"message"`
	LineNo   int    `json:"line_no"`
	TestCode string `json:"test_code"`
}

func (g *Grade) classroom() classroom {
	_, max := g.Score()
	c := classroom{Version: 1, Status: "pass", MaxScore: max, Tests: []classroomTest{}}
	if !g.Passed() {
		c.Status = "fail"
	}
	for _, t := range g.Tests {
		if t.Error {
			c.Status = "error"
		}
		c.Tests = append(c.Tests, classroomTest{Name: t.Name, Status: t.status(), Score: t.Score, MaxScore: t.Max,
			Message: t.Message, LineNo: t.Line, TestCode: fmt.Sprintf("%s:%d", t.File, t.Line)})
	}
	return c
}

// WriteJSON writes the GitHub Classroom grader result.
func (g *Grade) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(g.classroom())
}

// WriteGitHub writes what the classroom reporter reads: result=BASE64 of
// the JSON result, the output a grading step sets (into $GITHUB_OUTPUT).
func (g *Grade) WriteGitHub(w io.Writer) error {
	data, err := json.Marshal(g.classroom())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "result=%s\n", base64.StdEncoding.EncodeToString(data))
	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML (GitLab, Jenkins): a suite per lesson.
func (g *Grade) WriteJUnit(w io.Writer) error {
	out := junitSuites{}
	index := map[string]int{}
	for _, t := range g.Tests {
		i, ok := index[t.Lesson]
		if !ok {
			i = len(out.Suites)
			index[t.Lesson] = i
			out.Suites = append(out.Suites, junitSuite{Name: t.Lesson})
		}
		s := &out.Suites[i]
		c := junitCase{Classname: t.Lesson, Name: strings.TrimPrefix(t.Name, t.Lesson+" "), File: t.File, Line: t.Line}
		s.Tests++
		out.Tests++
		switch {
		case t.Error:
			c.Error = &junitFailure{Message: firstLine(t.Message), Text: t.Message}
			s.Errors++
			out.Errors++
		case !t.Pass:
			c.Failure = &junitFailure{Message: firstLine(t.Message), Text: t.Message}
			s.Failures++
			out.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteText writes a readable summary.
func (g *Grade) WriteText(w io.Writer) error {
	for _, t := range g.Tests {
		mark := "✓"
		if !t.Pass {
			mark = "✗"
		}
		fmt.Fprintf(w, "%s %s  (%d/%d)\n", mark, t.Name, t.Score, t.Max)
		if t.Message != "" {
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(t.Message, "\n", "\n    "))
		}
	}
	score, max := g.Score()
	_, err := fmt.Fprintf(w, "\nScore: %d/%d\n", score, max)
	return err
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
