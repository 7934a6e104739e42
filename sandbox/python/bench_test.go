package python

import (
	"os/exec"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

// BenchmarkPrint1 is `python -c 'print(1)'` through the shell and the tool;
// BenchmarkHostPrint1 is the same interpreter run directly. The ratio is
// what docs/performance.md reports.
func BenchmarkPrint1(b *testing.B) {
	needPython(b)
	f := slimTree(b, true)
	fsys := f.View(sandbox.Root)
	run(b, fsys, "/app", `python -c 'print(1)'`, "") // bootstrap bytecode, probe
	b.ResetTimer()
	for b.Loop() {
		if r := run(b, fsys, "/app", `python -c 'print(1)'`, ""); r.out != "1\n" {
			b.Fatalf("got %+v", r)
		}
	}
}

func BenchmarkHostPrint1(b *testing.B) {
	in := needPython(b)
	for b.Loop() {
		out, err := exec.Command(in.Path, "-c", "print(1)").Output()
		if err != nil || string(out) != "1\n" {
			b.Fatalf("%q %v", out, err)
		}
	}
}
