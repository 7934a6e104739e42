package images

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/layerlab/learn/sandbox/build"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/tools"
)

func buildFrom(tb testing.TB, dir, df string, cold bool) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		tb.Fatal(err)
	}
	st := openStore(tb)
	if cold {
		resetBuilt() // a fresh learn process: no layer built yet
	}
	_, err := build.Build(context.Background(), build.Options{
		ContextDir: dir, Store: st, Tools: tools.Default(),
		ResolveImage: Resolver(st), Layers: &rootfs.Loader{Store: st, Source: LoadLayer},
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkColdBuild is `FROM python:3.14-slim` + `RUN echo hi` on an empty
// store in a fresh process: the pull, the base layers built from recipes,
// the step run and stored.
func BenchmarkColdBuild(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		buildFrom(b, dir, "FROM python:3.14-slim\nRUN echo hi\n", true)
	}
}

// BenchmarkPull is `learn docker pull python:3.14` (1 GB unpacked) on an
// empty store.
func BenchmarkPull(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		st := openStore(b)
		b.StartTimer()
		if _, err := Pull(st, "python:3.14"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBuildFromCatalogue(t *testing.T) {
	dir := t.TempDir()
	buildFrom(t, dir, "FROM python:3.14-slim\nRUN ls /usr/local/bin && cat /etc/os-release\n", true)
	buildFrom(t, dir, "FROM alpine:3.20\nRUN adduser -D app && ls /home\n", false)
}
