package main

import (
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
