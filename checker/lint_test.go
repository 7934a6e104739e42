package checker

import (
	"strings"
	"testing"
)

func rules(t *testing.T, src string) string {
	t.Helper()
	fs, err := Lint([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var r []string
	for _, f := range fs {
		r = append(r, f.Rule)
	}
	return strings.Join(r, " ")
}

func TestLintRules(t *testing.T) {
	cases := []struct{ src, want string }{
		// The seed's first Dockerfile: source before dependencies.
		{"FROM python:3.14-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"src/pipeline.py\"]\n", "LL001"},
		// The seed's final one: clean.
		{"FROM python:3.14-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY src/ ./src/\nCMD [\"python\", \"src/pipeline.py\"]\n", ""},
		{"FROM python\nCMD [\"python\"]\n", "DL3006"},
		{"FROM python:latest\nCMD [\"python\"]\n", "DL3007"},
		{"FROM python:3.14-slim\nRUN pip install pandas\n", "DL3042"},
		{"FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n", "DL3015 DL3009"},
		{"FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n", ""},
		{"FROM python:3.14-slim\nRUN echo a\nRUN echo b\n", "DL3059"},
		{"FROM python:3.14-slim\nADD app.py /app/\n", "DL3020"},
		{"FROM python:3.14-slim\nADD data.tar.gz /data/\n", ""},
		{"FROM python:3.14-slim\nWORKDIR app\n", "DL3000"},
		{"FROM python:3.14-slim\nUSER app\nUSER root\n", "DL3002"},
	}
	for _, c := range cases {
		got := rules(t, c.src)
		// BuildKit's own rules may add to the list; ours must be exactly these.
		var ours []string
		for _, r := range strings.Fields(got) {
			if strings.HasPrefix(r, "DL") || strings.HasPrefix(r, "LL") {
				ours = append(ours, r)
			}
		}
		if strings.Join(ours, " ") != c.want {
			t.Errorf("%q: rules %q, want %q", c.src, strings.Join(ours, " "), c.want)
		}
	}
	// A shell-form CMD is DL3025 here and JSONArgsRecommended in BuildKit.
	if got := rules(t, "FROM python:3.14-slim\nCMD python app.py\n"); !strings.Contains(got, "DL3025") || !strings.Contains(got, "JSONArgsRecommended") {
		t.Errorf("shell-form CMD: %q", got)
	}
}
