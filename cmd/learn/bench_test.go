package main

import (
	"io/fs"

	"github.com/layerlab/learn/lessons"
	"os"
	"path/filepath"
	"testing"

	"github.com/layerlab/learn/iostreams"
)

// BenchmarkCommands runs each lesson command in-process, as a user would
// from inside a workspace (process start-up is measured separately in
// docs/performance.md).
func BenchmarkCommands(b *testing.B) {
	b.Setenv("LEARN_LESSONS", "")
	b.Setenv("LEARN_HOME", b.TempDir())
	b.Chdir(b.TempDir())
	io, _, _, _ := iostreams.Test()
	if code := run([]string{"init", "ws"}, io); code != 0 {
		b.Fatal("init failed")
	}
	b.Chdir("ws")
	for _, args := range [][]string{
		{}, {"list"}, {"list", "--json"}, {"show", "04/2"}, {"progress"},
	} {
		name := "learn"
		for _, a := range args {
			name += "_" + a
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				io, _, _, _ := iostreams.Test()
				if code := run(args, io); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
	// next and prev in pairs, so the position never runs off the path.
	b.Run("learn_next+prev", func(b *testing.B) {
		for b.Loop() {
			for _, cmd := range []string{"next", "prev"} {
				io, _, _, _ := iostreams.Test()
				if code := run([]string{cmd}, io); code != 0 {
					b.Fatalf("%s: exit %d", cmd, code)
				}
			}
		}
	})
}

// BenchmarkPipelineBuild builds the seeds' pipeline (FROM
// python:3.14-slim, pip install pandas) end to end through the CLI: cold
// (build cache pruned each time) and warm (a no-op rebuild).
func BenchmarkPipelineBuild(b *testing.B) {
	b.Setenv("LEARN_HOME", b.TempDir())
	dir := b.TempDir()
	files := map[string]string{
		"Dockerfile":       "FROM python:3.14-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY src/ ./src/\nCMD [\"python\", \"src/pipeline.py\"]\n",
		"requirements.txt": "pandas==2.3.3\n",
		"src/pipeline.py":  "import pandas as pd\nprint(pd.DataFrame({'A': [1, 2], 'B': [3, 4]}))\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	build := func(b *testing.B) {
		io, _, _, errOut := iostreams.Test()
		if code := run([]string{"docker", "build", "-q", "-t", "pipeline", dir}, io); code != 0 {
			b.Fatalf("build failed: %s", errOut)
		}
	}
	build(b) // pulls the base image once
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			io, _, _, _ := iostreams.Test()
			run([]string{"docker", "builder", "prune", "-a", "-f"}, io)
			build(b)
		}
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			build(b)
		}
	})
}

// BenchmarkCheckLesson04 is `learn check 04` on the solution: two builds,
// an edit, a run of the pandas pipeline, on a fresh sandbox each time.
func BenchmarkCheckLesson04(b *testing.B) {
	if os.Getenv("LEARN_PYTHON") == "" {
		b.Skip("NOT MEASURED: set LEARN_PYTHON to an interpreter with pandas (the check runs the pipeline)")
	}
	b.Setenv("LEARN_HOME", b.TempDir())
	b.Chdir(b.TempDir())
	io, _, _, _ := iostreams.Test()
	if code := run([]string{"init", "ws"}, io); code != 0 {
		b.Fatal("init failed")
	}
	b.Chdir("ws")
	pack, err := lessons.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	l, _ := pack.Lesson("04")
	sol, err := fs.ReadFile(l.Solution, "Dockerfile")
	if err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join("04-layer-caching", "Dockerfile"), sol, 0o644)
	for b.Loop() {
		io, out, _, _ := iostreams.Test()
		if code := run([]string{"check", "04"}, io); code != 0 {
			b.Fatalf("check failed:\n%s", out)
		}
	}
}
