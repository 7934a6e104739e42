//go:build unix

package hostfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
)

func newTree(t *testing.T, opts Options) (string, sandbox.FS) {
	t.Helper()
	dir := t.TempDir()
	mustT(t, os.Chmod(dir, 0o755))
	mustT(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	mustT(t, os.WriteFile(filepath.Join(dir, "f"), []byte("host\n"), 0o644))
	mustT(t, os.WriteFile(filepath.Join(dir, "sub", "b"), nil, 0o644))
	mustT(t, os.WriteFile(filepath.Join(dir, "sub", "a"), nil, 0o600))
	mustT(t, os.Symlink("sub/a", filepath.Join(dir, "link")))
	fsys, err := New(dir, opts)
	mustT(t, err)
	return dir, fsys
}

func TestBothWays(t *testing.T) {
	dir, fsys := newTree(t, Options{Identity: sandbox.Root})
	// Container writes land on the host...
	mustT(t, writeAll(fsys, "/out.csv", "a,b\n"))
	if b, err := os.ReadFile(filepath.Join(dir, "out.csv")); err != nil || string(b) != "a,b\n" {
		t.Fatalf("host sees %q, %v", b, err)
	}
	// ...and host edits show in the container at once.
	mustT(t, os.WriteFile(filepath.Join(dir, "f"), []byte("edited\n"), 0o644))
	if got := readAll(t, fsys, "/f"); got != "edited\n" {
		t.Fatalf("container sees %q", got)
	}
	ents, err := fsys.ReadDir("/sub/../")
	mustT(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{"f", "link", "out.csv", "sub"}; !slices.Equal(names, want) {
		t.Fatalf("ReadDir = %v, want %v", names, want)
	}
	fi, err := ents[1].Info()
	mustT(t, err)
	if fi.Mode()&fs.ModeSymlink == 0 || fi.Name() != "link" {
		t.Errorf("link info = %v %v", fi.Name(), fi.Mode())
	}
	// Ownership is the host's: the real user running learn.
	fi, err = fsys.Stat("/link")
	mustT(t, err)
	if o := sandbox.OwnerOf(fi); o.UID != os.Getuid() || fi.Name() != "link" || fi.Mode().Perm() != 0o600 {
		t.Errorf("Stat(/link) = %s %v uid %d, want link -rw------- uid %d", fi.Name(), fi.Mode(), o.UID, os.Getuid())
	}
	if got, err := fsys.Readlink("/link"); err != nil || got != "sub/a" {
		t.Errorf("Readlink = %q, %v", got, err)
	}
	// Modes are what the container asked for, whatever the host's umask.
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	f, err := fsys.OpenFile("/g", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o664)
	mustT(t, err)
	mustT(t, f.Close())
	mustT(t, fsys.Mkdir("/d", 0o775))
	for name, want := range map[string]fs.FileMode{"g": 0o664, "d": fs.ModeDir | 0o775} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || fi.Mode() != want {
			t.Errorf("host mode of %s = %v, want %v", name, fi.Mode(), want)
		}
	}
	mustT(t, fsys.Rename("/g", "/sub/g"))
	mustT(t, fsys.Link("/sub/g", "/h"))
	fi, err = fsys.Stat("/h")
	mustT(t, err)
	if sandbox.OwnerOf(fi).Nlink != 2 {
		t.Errorf("nlink = %d, want 2", sandbox.OwnerOf(fi).Nlink)
	}
	mustT(t, fsys.Symlink("/sub", "/abs"))
	if got := readAll(t, fsys, "/abs/../f"); got != "edited\n" {
		t.Errorf("through /abs/.. = %q", got)
	}
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	mustT(t, fsys.Chtimes("/h", mtime, mtime))
	if fi, _ := os.Stat(filepath.Join(dir, "h")); !fi.ModTime().Equal(mtime) {
		t.Errorf("mtime = %v", fi.ModTime())
	}
	mustT(t, fsys.RemoveAll("/sub"))
	if _, err := os.Stat(filepath.Join(dir, "sub")); !os.IsNotExist(err) {
		t.Errorf("sub still there: %v", err)
	}
}

func TestErrors(t *testing.T) {
	_, fsys := newTree(t, Options{Identity: sandbox.Root})
	cases := []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"open missing", func() error { _, err := fsys.Open("/nope"); return err }(), syscall.ENOENT},
		{"open through file", func() error { _, err := fsys.Open("/f/x"); return err }(), syscall.ENOTDIR},
		{"open dir for write", func() error { _, err := fsys.OpenFile("/sub", os.O_WRONLY, 0); return err }(), syscall.EISDIR},
		{"excl existing", func() error { _, err := fsys.OpenFile("/link", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); return err }(), syscall.EEXIST},
		{"mkdir existing", fsys.Mkdir("/sub", 0o755), syscall.EEXIST},
		{"rmdir not empty", fsys.Remove("/sub"), syscall.ENOTEMPTY},
		{"remove root", fsys.Remove("/"), syscall.EBUSY},
		{"readlink file", func() error { _, err := fsys.Readlink("/f"); return err }(), syscall.EINVAL},
		{"readdir file", func() error { _, err := fsys.ReadDir("/f"); return err }(), syscall.ENOTDIR},
		{"rename into itself", fsys.Rename("/sub", "/sub/x"), syscall.EINVAL},
		{"link dir", fsys.Link("/sub", "/sub2"), syscall.EPERM},
		{"write read-only handle", func() error {
			f, err := fsys.Open("/f")
			mustT(t, err)
			defer f.Close()
			_, err = f.Write([]byte("x"))
			return err
		}(), syscall.EBADF},
	}
	for _, c := range cases {
		if !errnoIs(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
		if pe, ok := c.err.(*fs.PathError); ok && filepath.IsAbs(pe.Path) && len(pe.Path) > 8 {
			t.Errorf("%s: error names a host path: %v", c.name, c.err)
		}
	}
}

func TestReadOnly(t *testing.T) {
	dir, fsys := newTree(t, Options{ReadOnly: true, Identity: sandbox.Root})
	if got := readAll(t, fsys, "/link"); got != "" {
		t.Errorf("read = %q", got)
	}
	cases := []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"create", writeAll(fsys, "/new", "x"), syscall.EROFS},
		{"truncate", writeAll(fsys, "/f", "x"), syscall.EROFS},
		{"append", func() error { _, err := fsys.OpenFile("/f", os.O_WRONLY|os.O_APPEND, 0); return err }(), syscall.EROFS},
		{"mkdir", fsys.Mkdir("/d", 0o755), syscall.EROFS},
		{"mkdir existing", fsys.Mkdir("/sub", 0o755), syscall.EEXIST},
		{"mkdirall", fsys.MkdirAll("/d/e", 0o755), syscall.EROFS},
		{"remove", fsys.Remove("/f"), syscall.EROFS},
		{"remove missing", fsys.Remove("/nope"), syscall.ENOENT},
		{"removeall", fsys.RemoveAll("/sub"), syscall.EROFS},
		{"rename", fsys.Rename("/f", "/g"), syscall.EROFS},
		{"symlink", fsys.Symlink("f", "/l2"), syscall.EROFS},
		{"link", fsys.Link("/f", "/l3"), syscall.EROFS},
		{"chmod", fsys.Chmod("/f", 0o777), syscall.EROFS},
		{"chown", fsys.Chown("/f", 0, 0), syscall.EROFS},
		{"lchown", fsys.Lchown("/link", 0, 0), syscall.EROFS},
		{"chtimes", fsys.Chtimes("/f", time.Now(), time.Now()), syscall.EROFS},
		{"synthetic", fsys.(sandbox.SyntheticWriter).WriteSynthetic("/big", 1<<30, 0o644), syscall.EROFS},
	}
	for _, c := range cases {
		if !errnoIs(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "host\n" {
		t.Errorf("host file changed: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("host dir changed: %v", ents)
	}
}

// TestNobody checks a non-root container user against a host directory
// 0755 owned by the real user: it may look, not touch.
func TestNobody(t *testing.T) {
	dir, root := newTree(t, Options{Identity: sandbox.Root})
	fsys := root.As(nobody)
	if fsys.Identity().UID != nobody.UID {
		t.Fatalf("As: identity %v", fsys.Identity())
	}
	if got := readAll(t, fsys, "/f"); got != "host\n" {
		t.Errorf("nobody reads %q", got)
	}
	if _, err := fsys.ReadDir("/sub"); err != nil {
		t.Errorf("nobody lists /sub: %v", err)
	}
	mustT(t, root.Chmod("/sub", 0o700))
	cases := []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"create", writeAll(fsys, "/new", "x"), syscall.EACCES},
		{"write 0644", writeAll(fsys, "/f", "x"), syscall.EACCES},
		{"mkdir", fsys.Mkdir("/d", 0o755), syscall.EACCES},
		{"remove", fsys.Remove("/f"), syscall.EACCES},
		{"rename", fsys.Rename("/f", "/g"), syscall.EACCES},
		{"symlink", fsys.Symlink("f", "/l"), syscall.EACCES},
		{"link", fsys.Link("/f", "/l"), syscall.EPERM},
		{"chmod", fsys.Chmod("/f", 0o777), syscall.EPERM},
		{"chown", fsys.Chown("/f", 65534, 65534), syscall.EPERM},
		{"chtimes", fsys.Chtimes("/f", time.Now(), time.Now()), syscall.EACCES},
		{"search 0700", func() error { _, err := fsys.Stat("/sub/b"); return err }(), syscall.EACCES},
		{"list 0700", func() error { _, err := fsys.ReadDir("/sub"); return err }(), syscall.EACCES},
		{"through link", func() error { _, err := fsys.Open("/link"); return err }(), syscall.EACCES},
	}
	for _, c := range cases {
		if !errnoIs(c.err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	// In a 0777 directory nobody may create; the file is the host user's.
	mustT(t, os.Chmod(filepath.Join(dir, "sub"), 0o777))
	mustT(t, writeAll(fsys, "/sub/mine", "x"))
	fi, err := fsys.Stat("/sub/mine")
	mustT(t, err)
	if o := sandbox.OwnerOf(fi); o.UID != os.Getuid() {
		t.Errorf("created file owned by %d, want the host user %d", o.UID, os.Getuid())
	}
}

// TestChownRoot: container root's chown reaches the host when the host
// allows it (learn running as root), and is a quiet no-op when it does not.
func TestChownRoot(t *testing.T) {
	dir, fsys := newTree(t, Options{Identity: sandbox.Root})
	mustT(t, fsys.Chown("/f", 1234, 1234))
	mustT(t, fsys.Lchown("/link", 1234, 1234))
	fi, err := fsys.Stat("/f")
	mustT(t, err)
	want := os.Getuid()
	if os.Geteuid() == 0 {
		want = 1234
	}
	if o := sandbox.OwnerOf(fi); o.UID != want {
		t.Errorf("after chown uid = %d, want %d", o.UID, want)
	}
	_ = dir
}

func TestSynthetic(t *testing.T) {
	dir, fsys := newTree(t, Options{Identity: sandbox.Root})
	const size = 1 << 30
	mustT(t, fsys.MkdirAll("/usr/lib/big", 0o755))
	mustT(t, fsys.(sandbox.SyntheticWriter).WriteSynthetic("/usr/lib/big/libhuge.so", size, 0o644))
	fi, err := fsys.Stat("/usr/lib/big/libhuge.so")
	mustT(t, err)
	if fi.Size() != size || fi.Mode().Perm() != 0o644 {
		t.Fatalf("synthetic file: %d bytes %v", fi.Size(), fi.Mode())
	}
	var st syscall.Stat_t
	mustT(t, syscall.Stat(filepath.Join(dir, "usr/lib/big/libhuge.so"), &st))
	if st.Blocks*512 >= size/2 {
		t.Errorf("not sparse: %d blocks", st.Blocks)
	}
	f, err := fsys.Open("/usr/lib/big/libhuge.so")
	mustT(t, err)
	defer f.Close()
	b := make([]byte, 16)
	if _, err := f.Read(b); err != nil || string(b) != string(make([]byte, 16)) {
		t.Errorf("read %q, %v; want zeros", b, err)
	}
	// As nobody, the checks of a create apply.
	if err := fsys.As(nobody).(sandbox.SyntheticWriter).WriteSynthetic("/x", 10, 0o644); !errnoIs(err, syscall.EACCES) {
		t.Errorf("nobody: %v, want EACCES", err)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "missing"), Options{}); err == nil {
		t.Error("New of a missing directory succeeded")
	}
}
