package dockerengine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/layerlab/learn/sandbox/cachecase"
	"github.com/layerlab/learn/sandbox/testimage"
)

// The seed pipeline project, as in sandbox/build's benchmarks, so the two
// engines' figures compare.
var pipeline = map[string]string{
	"Dockerfile":       "FROM learnbase:1\nWORKDIR /app\nCOPY requirements.txt .\nRUN cat requirements.txt > installed.txt\nCOPY src/ ./src/\nCMD [\"cat\", \"src/pipeline.py\"]\n",
	"requirements.txt": "pandas==2.3.3\n",
	"src/pipeline.py":  "import pandas as pd\nprint(pd.DataFrame({'a': [1, 2]}))\n",
}

func benchEngine(b *testing.B) (*Engine, string) {
	e, err := Find(context.Background())
	if err != nil {
		b.Skipf("NO DOCKER ENGINE: real-engine benchmarks did not run (%v)", err)
	}
	rootfs, err := testimage.Rootfs(testimage.Busybox())
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Import(context.Background(), rootfs, cachecase.BaseImage); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for name, data := range pipeline {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	return e, dir
}

// BenchmarkRealBuildCold: the pipeline on the real engine, cache pruned
// before each build.
func BenchmarkRealBuildCold(b *testing.B) {
	e, dir := benchEngine(b)
	ctx := context.Background()
	for b.Loop() {
		if err := e.Prune(ctx); err != nil {
			b.Fatal(err)
		}
		if out, err := e.Build(ctx, dir, []string{"-t", "bench"}); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}

// BenchmarkRealBuildNoop: an unchanged rebuild on the real engine.
func BenchmarkRealBuildNoop(b *testing.B) {
	e, dir := benchEngine(b)
	ctx := context.Background()
	if out, err := e.Build(ctx, dir, []string{"-t", "bench"}); err != nil {
		b.Fatalf("%v\n%s", err, out)
	}
	for b.Loop() {
		if out, err := e.Build(ctx, dir, []string{"-t", "bench"}); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}
