package layerfs

import (
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

// TestLowersUntouched: whatever the upper does, the lower layers show the
// same tree afterwards.
func TestLowersUntouched(t *testing.T) {
	b := base(t)
	want := dump(t, New(b).View(root))
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			f := newFS(t, b)
			tc.do(t, f.View(root))
			v := f.View(root)
			_ = v.Chmod("/etc/passwd", 0o600)
			_ = v.Chown("/bin", 5, 5)
			_ = v.Chtimes("/usr/bin/perl", fixed, fixed)
			if got := dump(t, New(b).View(root)); got != want {
				t.Errorf("lower changed:\n%s", got)
			}
		})
	}
}

func TestForkIsolation(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, writeFile(v, "/shared", "before"))
	must(t, v.MkdirAll("/d/e", 0o755))
	open, err := v.OpenFile("/shared", os.O_WRONLY|os.O_APPEND, 0)
	must(t, err)
	before := dump(t, v)

	g := f.Fork()
	w := g.View(root)
	must(t, writeFile(w, "/d/e/only-in-fork", "x"))
	must(t, w.Remove("/etc/passwd"))
	must(t, w.Chmod("/shared", 0o600))
	must(t, writeFile(w, "/shared", "fork"))
	if got := dump(t, v); got != before {
		t.Errorf("fork's changes leaked into the original:\n%s", got)
	}
	// A file opened before the fork writes to the original only.
	_, err = io.WriteString(open, "+more")
	must(t, err)
	must(t, open.Close())
	if got := readFile(t, v, "/shared"); got != "before+more" {
		t.Errorf("original = %q", got)
	}
	if got := readFile(t, w, "/shared"); got != "fork" {
		t.Errorf("fork = %q", got)
	}
	// And the original's later changes stay out of the fork.
	must(t, writeFile(v, "/d/e/only-in-original", "y"))
	if _, err := w.Stat("/d/e/only-in-original"); err == nil {
		t.Error("original's change leaked into the fork")
	}
}

func TestCommitLeavesOriginalUsable(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, writeFile(v, "/a", "1"))
	l, g := f.Commit()
	must(t, writeFile(v, "/a", "2"))
	must(t, writeFile(v, "/b", "b"))
	if got := readFile(t, g.View(root), "/a"); got != "1" {
		t.Errorf("committed /a = %q", got)
	}
	if got := readFile(t, New(l).View(root), "/a"); got != "1" {
		t.Errorf("layer /a = %q", got)
	}
	if l.Size() != 1 {
		t.Errorf("layer size %d", l.Size())
	}
	if len(g.Layers()) != 2 {
		t.Errorf("%d layers", len(g.Layers()))
	}
}

// TestConcurrentReaders is a shell pipeline: readers and a writer at once.
// Run with -race.
func TestConcurrentReaders(t *testing.T) {
	f := newFS(t, base(t))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := f.View(sandbox.Identity{UID: i})
			for j := range 50 {
				if i%2 == 0 {
					_ = writeFile(v, fmt.Sprintf("/tmp/%d-%d", i, j), "x")
				} else {
					_, _ = v.ReadDir("/tmp")
					if fh, err := v.Open("/etc/passwd"); err == nil {
						_, _ = io.ReadAll(fh)
						fh.Close()
					}
				}
			}
		}()
	}
	wg.Wait()
	ents, err := f.View(root).ReadDir("/tmp")
	must(t, err)
	if len(ents) != 4*50 {
		t.Errorf("%d files", len(ents))
	}
}
