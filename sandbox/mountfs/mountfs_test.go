//go:build unix

package mountfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/hostfs"
	"github.com/layerlab/learn/sandbox/layerfs"
)

func names(t *testing.T, fsys sandbox.FS, dir string) []string {
	t.Helper()
	ents, err := fsys.ReadDir(dir)
	must(t, err)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestRouting: two mounts and the root, each write landing where it belongs.
func TestRouting(t *testing.T) {
	w := newWorld(t)
	must(t, writeAll(w.fs, "/app/data/a", "bind"))
	must(t, writeAll(w.fs, "/vol/a", "vol"))
	must(t, writeAll(w.fs, "/app/a", "root"))
	if got := hostRead(t, filepath.Join(w.bind, "a")); got != "bind" {
		t.Errorf("bind a = %q", got)
	}
	if got := hostRead(t, filepath.Join(w.vol, "a")); got != "vol" {
		t.Errorf("vol a = %q", got)
	}
	if got := readAll(t, w.layers.View(sandbox.Root), "/app/a"); got != "root" {
		t.Errorf("root a = %q", got)
	}
	// The root filesystem itself never got the mountpoints.
	if _, err := w.layers.View(sandbox.Root).Lstat("/app/data"); !errnoIs(err, syscall.ENOENT) {
		t.Errorf("root has /app/data: %v", err)
	}
	fi, err := w.fs.Stat("/app/data")
	must(t, err)
	if fi.Name() != "data" || !fi.IsDir() || sandbox.OwnerOf(fi).UID != os.Getuid() {
		t.Errorf("Stat(/app/data) = %s %v %+v", fi.Name(), fi.Mode(), sandbox.OwnerOf(fi))
	}
	if got := names(t, w.fs, "/app/data/"); !slices.Equal(got, []string{"a", "in.txt"}) {
		t.Errorf("ReadDir(/app/data) = %v", got)
	}
	// Host edits are visible at once.
	must(t, os.WriteFile(filepath.Join(w.vol, "a"), []byte("host edit"), 0o644))
	if got := readAll(t, w.fs, "/vol/./a"); got != "host edit" {
		t.Errorf("after host edit = %q", got)
	}
	// Errors name the container path, not the mount's.
	_, err = w.fs.Open("/app/data/missing")
	if pe, ok := err.(*fs.PathError); !ok || pe.Path != "/app/data/missing" || !errnoIs(err, syscall.ENOENT) {
		t.Errorf("open missing: %#v", err)
	}
}

func TestCrossMount(t *testing.T) {
	w := newWorld(t)
	must(t, writeAll(w.fs, "/vol/v", "v"))
	must(t, writeAll(w.fs, "/tmp/r", "r"))
	cases := []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"rename root to mount", w.fs.Rename("/tmp/r", "/vol/r"), syscall.EXDEV},
		{"rename mount to root", w.fs.Rename("/vol/v", "/tmp/v"), syscall.EXDEV},
		{"rename mount to mount", w.fs.Rename("/vol/v", "/app/data/v"), syscall.EXDEV},
		{"link mount to mount", w.fs.Link("/app/data/in.txt", "/vol/in"), syscall.EXDEV},
		{"link root to mount", w.fs.Link("/tmp/r", "/vol/r"), syscall.EXDEV},
		{"link existing", w.fs.Link("/tmp/r", "/vol/v"), syscall.EEXIST},
		{"rename missing", w.fs.Rename("/tmp/nope", "/vol/x"), syscall.ENOENT},
		{"rename mountpoint", w.fs.Rename("/vol", "/vol2"), syscall.EBUSY},
		{"rename over mountpoint", w.fs.Rename("/tmp", "/vol"), syscall.EBUSY},
		{"rename parent of mountpoint", w.fs.Rename("/app", "/app2"), syscall.EBUSY},
		{"remove mountpoint", w.fs.Remove("/vol"), syscall.EBUSY},
		{"remove parent of mountpoint", w.fs.Remove("/app"), syscall.ENOTEMPTY},
		{"removeall mountpoint", w.fs.RemoveAll("/vol"), syscall.EBUSY},
		{"read-only rename inside", w.fs.Rename("/ro/app.conf", "/ro/x"), syscall.EROFS},
		{"remove dot", func() error { w.fs.Mkdir("/vol/d", 0o755); return w.fs.Remove("/vol/d/.") }(), syscall.EINVAL},
		{"rename dotdot", w.fs.Rename("/vol/d/..", "/vol/e"), syscall.EBUSY},
		{"rename to dot", w.fs.Rename("/vol/v", "/vol/d/."), syscall.EBUSY},
	}
	for _, c := range cases {
		if !errnoIs(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	// Renames inside one mount work.
	must(t, w.fs.Rename("/vol/v", "/vol/w"))
	must(t, w.fs.Link("/vol/w", "/vol/w2"))
	if got := hostRead(t, filepath.Join(w.vol, "w2")); got != "v" {
		t.Errorf("w2 = %q", got)
	}
}

func TestRemoveAllStopsAtMountpoint(t *testing.T) {
	w := newWorld(t)
	err := w.fs.RemoveAll("/app")
	if pe, ok := err.(*fs.PathError); !ok || pe.Path != "/app/data" || !errnoIs(err, syscall.EBUSY) {
		t.Fatalf("RemoveAll(/app) = %v, want EBUSY for /app/data", err)
	}
	// Everything around the mountpoint went; the mount kept its files.
	if got := names(t, w.fs, "/app"); !slices.Equal(got, []string{"data"}) {
		t.Errorf("/app = %v", got)
	}
	if got := hostRead(t, filepath.Join(w.bind, "in.txt")); got != "from host\n" {
		t.Errorf("bind in.txt = %q", got)
	}
	// Inside a mount, RemoveAll is the mount's.
	must(t, w.fs.MkdirAll("/vol/a/b", 0o755))
	must(t, w.fs.RemoveAll("/vol/a"))
	if ents, _ := os.ReadDir(w.vol); len(ents) != 0 {
		t.Errorf("vol = %v", ents)
	}
}

// TestSymlinksAcrossMounts: links resolve through the mount table, with
// absolute targets meaning the container's root wherever the link lives.
func TestSymlinksAcrossMounts(t *testing.T) {
	w := newWorld(t)
	must(t, w.fs.Symlink("/vol", "/app/out"))
	must(t, writeAll(w.fs, "/app/out/x", "x"))
	if got := hostRead(t, filepath.Join(w.vol, "x")); got != "x" {
		t.Errorf("vol x = %q", got)
	}
	must(t, w.fs.Symlink("../../etc/hostname", "/app/data/up"))
	if got := readAll(t, w.fs, "/app/data/up"); got != "container-host\n" {
		t.Errorf("up = %q", got)
	}
	must(t, w.fs.Symlink("/app/data", "/vol/bind"))
	if got := readAll(t, w.fs, "/vol/bind/in.txt"); got != "from host\n" {
		t.Errorf("vol/bind = %q", got)
	}
	// .. after a link goes to the parent of where the link led.
	if got := readAll(t, w.fs, "/app/out/../app/src/main.py"); got != "print('hi')\n" {
		t.Errorf("out/.. = %q", got)
	}
	// The host keeps the links as written.
	if got, err := os.Readlink(filepath.Join(w.bind, "up")); err != nil || got != "../../etc/hostname" {
		t.Errorf("host link = %q %v", got, err)
	}
	must(t, w.fs.Symlink("loop", "/vol/loop"))
	if _, err := w.fs.Stat("/vol/loop"); !errnoIs(err, syscall.ELOOP) {
		t.Errorf("loop: %v", err)
	}
	if fi, err := w.fs.Lstat("/app/out"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat link: %v", err)
	}
	if got, err := w.fs.Readlink("/app/out"); err != nil || got != "/vol" {
		t.Errorf("Readlink = %q %v", got, err)
	}
}

// TestTargets: missing mountpoints and parents are shown, not created;
// creating under them creates them, owned by root; a target behind a
// symlink lands where the symlink leads; mounts nest.
func TestTargets(t *testing.T) {
	layers := rootTree(t)
	root := layers.View(sandbox.Root)
	must(t, root.Symlink("/var/lib", "/srv"))
	dirs := map[string]sandbox.FS{}
	var mounts []Mount
	for _, target := range []string{"/a/b/c", "/srv/db", "/srv/db/logs"} {
		dir := t.TempDir()
		h, err := hostfs.New(dir, hostfs.Options{Identity: sandbox.Root})
		must(t, err)
		dirs[target] = h
		mounts = append(mounts, Mount{Target: target, FS: h})
	}
	fsys := New(root, mounts)
	if got := names(t, fsys, "/a"); !slices.Equal(got, []string{"b"}) {
		t.Errorf("/a = %v", got)
	}
	fi, err := fsys.Stat("/a/b")
	must(t, err)
	if !fi.IsDir() || fi.Mode().Perm() != 0o755 || sandbox.OwnerOf(fi).UID != 0 {
		t.Errorf("/a/b = %v %+v", fi.Mode(), sandbox.OwnerOf(fi))
	}
	if _, err := root.Lstat("/a"); !errnoIs(err, syscall.ENOENT) {
		t.Errorf("root has /a before any write: %v", err)
	}
	must(t, writeAll(fsys, "/a/b/note", "n"))
	if got := readAll(t, root, "/a/b/note"); got != "n" {
		t.Errorf("root /a/b/note = %q", got)
	}
	if got := names(t, fsys, "/a/b"); !slices.Equal(got, []string{"c", "note"}) {
		t.Errorf("/a/b = %v", got)
	}
	// /srv -> /var/lib: the mount is at /var/lib/db, seen through both names.
	must(t, writeAll(fsys, "/srv/db/x", "x"))
	if got := readAll(t, fsys, "/var/lib/db/x"); got != "x" {
		t.Errorf("/var/lib/db/x = %q", got)
	}
	if got := readAll(t, dirs["/srv/db"], "/x"); got != "x" {
		t.Errorf("db mount x = %q", got)
	}
	// The nested mount shows inside the outer one, which never had it.
	must(t, writeAll(fsys, "/var/lib/db/logs/l", "l"))
	if got := readAll(t, dirs["/srv/db/logs"], "/l"); got != "l" {
		t.Errorf("logs mount l = %q", got)
	}
	if got := names(t, fsys, "/srv/db"); !slices.Equal(got, []string{"logs", "x"}) {
		t.Errorf("/srv/db = %v", got)
	}
	if _, err := dirs["/srv/db"].Lstat("/logs"); !errnoIs(err, syscall.ENOENT) {
		t.Errorf("outer mount got the inner mountpoint: %v", err)
	}
	if err := fsys.Rename("/srv/db/x", "/srv/db/logs/x"); !errnoIs(err, syscall.EXDEV) {
		t.Errorf("rename into nested mount: %v", err)
	}
}

// TestIdentity: As reaches every filesystem, and a mount under a directory
// the user may not search cannot be reached, as on Linux.
func TestIdentity(t *testing.T) {
	w := newWorld(t)
	nob := w.fs.As(nobody)
	if nob.Identity().UID != nobody.UID {
		t.Fatalf("identity = %+v", nob.Identity())
	}
	if err := writeAll(nob, "/vol/x", "x"); !errnoIs(err, syscall.EACCES) {
		t.Errorf("nobody write: %v", err)
	}
	must(t, w.fs.Chmod("/app", 0o700))
	if _, err := nob.Stat("/app/data/in.txt"); !errnoIs(err, syscall.EACCES) {
		t.Errorf("through 0700 parent: %v", err)
	}
	if err := os.Chmod(w.vol, 0o777); err != nil {
		t.Fatal(err)
	}
	must(t, writeAll(nob, "/vol/x", "x"))
}

func TestSynthetic(t *testing.T) {
	w := newWorld(t)
	sw, ok := w.fs.(sandbox.SyntheticWriter)
	if !ok {
		t.Fatal("no SyntheticWriter")
	}
	const size = 1 << 30
	must(t, sw.WriteSynthetic("/vol/big.bin", size, 0o644))
	must(t, sw.WriteSynthetic("/app/big.bin", size, 0o644))
	for _, name := range []string{"/vol/big.bin", "/app/big.bin"} {
		fi, err := w.fs.Stat(name)
		must(t, err)
		if fi.Size() != size {
			t.Errorf("%s: %d bytes", name, fi.Size())
		}
	}
	var st syscall.Stat_t
	must(t, syscall.Stat(filepath.Join(w.vol, "big.bin"), &st))
	if st.Blocks*512 >= size/2 {
		t.Errorf("host file not sparse: %d blocks", st.Blocks)
	}
	if err := sw.WriteSynthetic("/ro/big.bin", size, 0o644); !errnoIs(err, syscall.EROFS) {
		t.Errorf("read-only: %v", err)
	}
	// A filesystem without SyntheticWriter gets a file of the size anyway.
	plain := New(w.layers.View(sandbox.Root), []Mount{{Target: "/p", FS: noSynth{layerfs.New().View(sandbox.Root)}}})
	must(t, plain.(sandbox.SyntheticWriter).WriteSynthetic("/p/f", 4096, 0o644))
	if fi, err := plain.Stat("/p/f"); err != nil || fi.Size() != 4096 {
		t.Errorf("fallback: %v %v", fi, err)
	}
}

// noSynth hides a filesystem's SyntheticWriter.
type noSynth struct{ sandbox.FS }

func (n noSynth) As(id sandbox.Identity) sandbox.FS { return noSynth{n.FS.As(id)} }

func BenchmarkStat(b *testing.B) {
	w := newWorld(b)
	must(b, w.fs.MkdirAll("/app/data/pkg/sub", 0o755))
	must(b, writeAll(w.fs, "/app/data/pkg/sub/mod.py", "x"))
	must(b, writeAll(w.layers.View(sandbox.Root), "/app/src/pkg.py", "x"))
	bench := func(name string, fsys sandbox.FS, p string) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := fsys.Stat(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	bench("layerfs-direct", w.layers.View(sandbox.Root), "/app/src/pkg.py")
	bench("root-through-mountfs", w.fs, "/app/src/pkg.py")
	h, err := hostfs.New(w.bind, hostfs.Options{Identity: sandbox.Root})
	must(b, err)
	bench("hostfs-direct", h, "/pkg/sub/mod.py")
	bench("hostfs-through-mountfs", w.fs, "/app/data/pkg/sub/mod.py")
	bench("os.Stat", osStat{}, filepath.Join(w.bind, "pkg/sub/mod.py"))
}

// osStat is the host's own stat, for scale.
type osStat struct{ sandbox.FS }

func (osStat) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
