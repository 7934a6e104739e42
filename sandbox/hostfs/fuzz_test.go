//go:build unix

package hostfs

import (
	"io"
	"io/fs"
	"os"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

// FuzzHostPath feeds arbitrary names to the read side of the FS, over a
// tree whose links try every way out: nothing it returns may show what
// lives outside, and nothing may panic.
func FuzzHostPath(f *testing.F) {
	for _, s := range []string{
		"/", "", ".", "..", "/../../..", "/toroot/..", "/up/outside/" + secretName,
		"/secretlink", "/hostsecret", "/abs", "/abs/" + secretName, "/dir/deep",
		"/dir/deep/" + secretDir, "/dir/sub/back", "/base/outside", "/etc/passwd",
		"/loop1/", "/self", "dotdot/dotdot/dotdot", "/f/", "/f/..", "//dir//sub///toabs",
		"/dir/sub/../../up/./../dotdot/base", "/\x00", "/dir/\xff\xfe", "/toroot/toroot/toroot/upup/abs",
	} {
		f.Add(s)
	}
	x := newEscapeFixture(f, f.TempDir())
	fsys, err := New(x.tree, Options{Identity: sandbox.Root})
	if err != nil {
		f.Fatal(err)
	}
	nob := fsys.As(nobody)
	// Reads only; still, check at the end that nothing outside moved.
	f.Cleanup(func() { x.untouched(f) })
	f.Fuzz(func(t *testing.T, name string) {
		for _, v := range []sandbox.FS{fsys, nob} {
			var names []string
			var sizes []int64
			for _, stat := range []func(string) (fs.FileInfo, error){v.Lstat, v.Stat} {
				if fi, err := stat(name); err == nil {
					names = append(names, fi.Name())
					sizes = append(sizes, fi.Size())
				}
			}
			var data []byte
			if h, err := v.OpenFile(name, os.O_RDONLY, 0); err == nil {
				data, _ = io.ReadAll(io.LimitReader(h, 1<<16))
				if fi, err := h.Stat(); err == nil {
					sizes = append(sizes, fi.Size())
				}
				h.Close()
			}
			if ents, err := v.ReadDir(name); err == nil {
				for _, e := range ents {
					names = append(names, e.Name())
					if fi, err := e.Info(); err == nil {
						sizes = append(sizes, fi.Size())
					}
				}
			}
			if leaks(data, names, sizes) {
				t.Fatalf("%q shows what is outside the tree: names %q sizes %v", name, names, sizes)
			}
		}
	})
}
