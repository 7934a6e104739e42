package runtime_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/layerlab/learn/sandbox/runtime"
)

// BenchmarkRunEcho is `docker run --rm IMAGE echo hi` inside the runtime:
// create, load the image's files, run, record, remove.
func BenchmarkRunEcho(b *testing.B) {
	rt, img := newRuntime(b)
	for b.Loop() {
		c, err := rt.Create(runtime.CreateOptions{Image: "learnbase:1", Cmd: []string{"echo", "hi"}, AutoRemove: true}, img)
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if code, err := rt.Start(context.Background(), c, runtime.Stdio{Out: &out, Err: &out}); err != nil || code != 0 || out.String() != "hi\n" {
			b.Fatalf("%d %v %q", code, err, out.String())
		}
	}
}

// BenchmarkList100 is what `docker ps -a` reads with 100 containers.
func BenchmarkList100(b *testing.B) {
	rt, img := newRuntime(b)
	for i := 0; i < 100; i++ {
		if _, err := rt.Create(runtime.CreateOptions{Image: "learnbase:1", Cmd: []string{"true"}}, img); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		all, err := rt.List()
		if err != nil || len(all) != 100 {
			b.Fatalf("%d, %v", len(all), err)
		}
	}
}
