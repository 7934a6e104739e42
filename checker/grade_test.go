package checker

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func sampleGrade() *Grade {
	g := &Grade{}
	g.Add("04-layer-caching", 5, &Report{Results: []Result{
		{Line: Line{File: "lesson.md", N: 12, Points: 2}, Pass: true, Want: `"RUN pip install" CACHED`, Points: 2},
		{Line: Line{File: "lesson.md", N: 13, Points: 1, Hint: "copy src/ last"}, Pass: false, Want: `"COPY src" ran`, Saw: "COPY src CACHED"},
	}})
	return g
}

func TestGradeJSONIsClassroomShaped(t *testing.T) {
	var buf bytes.Buffer
	if err := sampleGrade().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Version  int    `json:"version"`
		Status   string `json:"status"`
		MaxScore int    `json:"max_score"`
		Tests    []struct {
			Name    string `json:"name"`
			Status  string `json:"status"`
			Score   int    `json:"score"`
			Message string `json:"message"`
			LineNo  int    `json:"line_no"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.Status != "fail" || got.MaxScore != 3 || len(got.Tests) != 2 {
		t.Fatalf("%+v", got)
	}
	if got.Tests[0].Status != "pass" || got.Tests[0].Score != 2 || got.Tests[1].LineNo != 13 || !strings.Contains(got.Tests[1].Message, "hint: copy src/ last") {
		t.Errorf("tests %+v", got.Tests)
	}
}

func TestGradeGitHubOutput(t *testing.T) {
	var buf bytes.Buffer
	sampleGrade().WriteGitHub(&buf)
	line := strings.TrimSpace(buf.String())
	if !strings.HasPrefix(line, "result=") {
		t.Fatalf("%q", line)
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, "result="))
	if err != nil || !strings.Contains(string(data), `"max_score":3`) {
		t.Errorf("decoded %q, %v", data, err)
	}
}

func TestGradeJUnit(t *testing.T) {
	var buf bytes.Buffer
	sampleGrade().WriteJUnit(&buf)
	var got junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got.Tests != 2 || got.Failures != 1 || got.Suites[0].Name != "04-layer-caching" || got.Suites[0].Cases[1].Failure == nil {
		t.Errorf("%+v", got)
	}
}

func TestGradeScore(t *testing.T) {
	g := sampleGrade()
	if s, m := g.Score(); s != 2 || m != 3 || g.Passed() {
		t.Errorf("score %d/%d passed %v", s, m, g.Passed())
	}
	if (&Grade{}).Passed() {
		t.Error("an empty grade must not pass")
	}
}
