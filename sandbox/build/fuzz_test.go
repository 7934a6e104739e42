package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox/build"
	"github.com/layerlab/learn/sandbox/progress"
	"github.com/layerlab/learn/sandbox/tools"
)

// FuzzBuild feeds arbitrary Dockerfile text through a whole build: the
// result is an image or a *build.Error, never a panic, and nothing is
// written outside the context and the store.
func FuzzBuild(f *testing.F) {
	for _, seed := range []string{
		"FROM learnbase:1\nRUN echo hi\n",
		"FROM learnbase:1 AS a\nCOPY . /src\nFROM a\nRUN ls /src\n",
		"FROM scratch\nCOPY a.txt /\n",
		"ARG V=1\nFROM learnbase:${V}\n",
		"FROM learnbase:1\nCOPY --from=nope / /\n",
		"FROM learnbase:1\nRUN <<EOF\necho x\nEOF\n",
		"FROM learnbase:1\nWORKDIR ../../..\nCOPY ../../a.txt .\n",
		"FROM learnbase:1\nUSER 1000:1000\nRUN touch /x\n",
		"\x00\xff",
	} {
		f.Add(seed)
	}
	st := newStore(f)
	outside := f.TempDir()
	f.Fuzz(func(t *testing.T, dockerfile string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
		os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644)
		// A RUN may sleep or loop; a build gets a short deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := build.Build(ctx, build.Options{
			ContextDir: dir, Store: st, Tools: tools.Default(), Progress: progress.NewQuiet(),
		})
		var be *build.Error
		if err != nil && !errors.As(err, &be) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if ents, _ := os.ReadDir(outside); len(ents) != 0 {
			t.Fatalf("the build wrote outside its context: %v", ents)
		}
	})
}
