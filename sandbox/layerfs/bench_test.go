package layerfs

import (
	"fmt"
	"io"
	"testing"
)

// buildTree writes n small files spread over n/50 directories.
func buildTree(b *testing.B, f *FS, n int) {
	v := f.View(root)
	for i := range n {
		d := fmt.Sprintf("/usr/share/pkg%03d", i/50)
		if i%50 == 0 {
			must(b, v.MkdirAll(d, 0o755))
		}
		must(b, writeFile(v, fmt.Sprintf("%s/file%04d", d, i), "some file content\n"))
	}
}

func BenchmarkBuildTree5000(b *testing.B) {
	lower := base(b)
	for b.Loop() {
		buildTree(b, newFS(b, lower), 5000)
	}
}

func BenchmarkWriteDiff5000(b *testing.B) {
	f := newFS(b, base(b))
	buildTree(b, f, 5000)
	b.ResetTimer()
	for b.Loop() {
		must(b, f.WriteDiff(io.Discard))
	}
}

// BenchmarkFork of a large FS: O(1), whatever the size of the upper layer.
func BenchmarkFork(b *testing.B) {
	f := newFS(b, base(b))
	buildTree(b, f, 5000)
	b.ResetTimer()
	for b.Loop() {
		_ = f.Fork()
	}
}

// BenchmarkForkAndWrite is a fork followed by one change: the change copies
// only the directories on its path.
func BenchmarkForkAndWrite(b *testing.B) {
	f := newFS(b, base(b))
	buildTree(b, f, 5000)
	b.ResetTimer()
	for b.Loop() {
		g := f.Fork()
		must(b, writeFile(g.View(root), "/usr/share/pkg050/new", "x"))
	}
}

func BenchmarkStatDeep(b *testing.B) {
	lowers := []*Layer{base(b)}
	for i := range 10 {
		lowers = append(lowers, layerOf(b, tent{name: fmt.Sprintf("usr/bin/tool%d", i), body: "x"}))
	}
	v := New(lowers...).View(root)
	for b.Loop() {
		if _, err := v.Stat("/usr/bin/python"); err != nil {
			b.Fatal(err)
		}
	}
}
