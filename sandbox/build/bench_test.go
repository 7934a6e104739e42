package build_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox/build"
)

// The seed's pipeline project, on the test base image.
var pipeline = map[string]string{
	"Dockerfile":       "FROM learnbase:1\nWORKDIR /app\nCOPY requirements.txt .\nRUN cat requirements.txt > installed.txt\nCOPY src/ ./src/\nCMD [\"cat\", \"src/pipeline.py\"]\n",
	"requirements.txt": "pandas==2.3.3\n",
	"src/pipeline.py":  "import pandas as pd\nprint(pd.DataFrame({'a': [1, 2]}))\n",
}

// BenchmarkBuildCold builds the pipeline with an empty cache each time.
func BenchmarkBuildCold(b *testing.B) {
	st := newStore(b)
	dir := writeContext(b, pipeline)
	for b.Loop() {
		if _, err := st.PruneCache(true); err != nil {
			b.Fatal(err)
		}
		if _, _, err := doBuild(b, st, dir, build.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildNoop rebuilds the unchanged pipeline: every step CACHED.
func BenchmarkBuildNoop(b *testing.B) {
	st := newStore(b)
	dir := writeContext(b, pipeline)
	if _, _, err := doBuild(b, st, dir, build.Options{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := doBuild(b, st, dir, build.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildCodeEdit is the lesson-04 loop: edit the source, rebuild;
// the install step stays cached and only COPY src re-runs.
func BenchmarkBuildCodeEdit(b *testing.B) {
	st := newStore(b)
	dir := writeContext(b, pipeline)
	if _, _, err := doBuild(b, st, dir, build.Options{}); err != nil {
		b.Fatal(err)
	}
	src := filepath.Join(dir, "src", "pipeline.py")
	n := 0
	for b.Loop() {
		n++
		os.WriteFile(src, []byte("print("+string(rune('0'+n%10))+")\n"), 0o644)
		if _, _, err := doBuild(b, st, dir, build.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNoopLargeContext is a no-op rebuild of `COPY . .` over a 50 MB,
// 5,000-file context with the persistent hash cache.
func BenchmarkNoopLargeContext(b *testing.B) {
	st := newStore(b)
	dir := b.TempDir()
	chunk := make([]byte, 10_000)
	for i := range chunk {
		chunk[i] = byte(i * 7)
	}
	for i := 0; i < 5000; i++ {
		p := filepath.Join(dir, "data", string(rune('a'+i%26)), "f"+itoa(i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		chunk[0] = byte(i)
		chunk[1] = byte(i >> 8)
		os.WriteFile(p, chunk, 0o644)
		// An existing project: files not touched in the last seconds (the
		// hash cache rightly distrusts files modified just now).
		old := time.Now().Add(-time.Hour)
		os.Chtimes(p, old, old)
	}
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM learnbase:1\nCOPY . /ctx\n"), 0o644)
	cache := hashCache(b)
	if _, _, err := doBuild(b, st, dir, build.Options{HashCache: cache}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := doBuild(b, st, dir, build.Options{HashCache: cache}); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var s []byte
	for ; i > 0; i /= 10 {
		s = append([]byte{byte('0' + i%10)}, s...)
	}
	return string(s)
}
