package layerfs

import (
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

func nlink(t *testing.T, v sandbox.FS, name string) int {
	t.Helper()
	fi, err := v.Lstat(name)
	must(t, err)
	return sandbox.OwnerOf(fi).Nlink
}

func TestHardLinks(t *testing.T) {
	b := base(t)
	f := newFS(t, b)
	v := f.View(root)
	// The lower layer's hard link is one inode with two names.
	if n := nlink(t, v, "/usr/bin/perl5"); n != 2 {
		t.Errorf("lower nlink = %d", n)
	}
	must(t, writeFile(v, "/a", "one"))
	must(t, v.Link("/a", "/b"))
	must(t, v.Link("/b", "/c"))
	if n := nlink(t, v, "/a"); n != 3 {
		t.Errorf("nlink = %d", n)
	}
	// Writing through one name shows through the others, also after a Fork.
	must(t, writeFile(v, "/b", "two"))
	g := f.Fork()
	must(t, writeFile(v, "/c", "three"))
	if got := readFile(t, v, "/a"); got != "three" {
		t.Errorf("/a = %q", got)
	}
	if got := readFile(t, g.View(root), "/a"); got != "two" {
		t.Errorf("fork /a = %q", got)
	}
	must(t, v.Chmod("/a", 0o600))
	fi, _ := v.Stat("/c")
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("chmod did not follow the link: %v", fi.Mode())
	}
	must(t, v.Remove("/a"))
	if n := nlink(t, v, "/b"); n != 2 {
		t.Errorf("nlink after remove = %d", n)
	}
	if n := nlink(t, g.View(root), "/b"); n != 3 {
		t.Errorf("fork nlink after remove = %d", n)
	}
	// Linking a lower file copies it up; both names are then one file.
	must(t, v.Link("/etc/passwd", "/etc/passwd2"))
	must(t, writeFile(v, "/etc/passwd2", "changed"))
	if got := readFile(t, v, "/etc/passwd"); got != "changed" {
		t.Errorf("/etc/passwd = %q", got)
	}
	if got := readFile(t, New(b).View(root), "/etc/passwd"); got != "root:x:0:0\n" {
		t.Errorf("lower changed: %q", got)
	}
	for _, tc := range []struct {
		old, new string
		err      syscall.Errno
	}{
		{"/etc", "/etc2", syscall.EPERM},
		{"/nope", "/x", syscall.ENOENT},
		{"/b", "/c", syscall.EEXIST},
	} {
		if err := v.Link(tc.old, tc.new); errno(err) != tc.err {
			t.Errorf("link %s %s: %v, want %v", tc.old, tc.new, err, tc.err)
		}
	}
}

func TestOpenFlags(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	fh, err := v.OpenFile("/etc/passwd", os.O_RDWR|os.O_APPEND, 0)
	must(t, err)
	_, err = io.WriteString(fh, "alice:x:1000:1000\n")
	must(t, err)
	_, err = fh.Seek(0, io.SeekStart)
	must(t, err)
	all, err := io.ReadAll(fh)
	must(t, err)
	if string(all) != "root:x:0:0\nalice:x:1000:1000\n" {
		t.Errorf("after append: %q", all)
	}
	fi, err := fh.Stat()
	must(t, err)
	if fi.Size() != int64(len(all)) || fi.Name() != "passwd" {
		t.Errorf("stat: %d %q", fi.Size(), fi.Name())
	}
	must(t, fh.Close())
	if _, err := fh.Read(make([]byte, 1)); err == nil {
		t.Error("read after close")
	}

	if _, err := v.OpenFile("/etc/passwd", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); errno(err) != syscall.EEXIST {
		t.Errorf("O_EXCL: %v", err)
	}
	if _, err := v.OpenFile("/etc", os.O_WRONLY, 0); errno(err) != syscall.EISDIR {
		t.Errorf("write a dir: %v", err)
	}
	if _, err := v.OpenFile("/etc/new", os.O_RDONLY, 0); errno(err) != syscall.ENOENT {
		t.Errorf("no O_CREATE: %v", err)
	}
	ro, err := v.Open("/etc/shadow")
	must(t, err)
	if _, err := ro.Write([]byte("x")); errno(err) != syscall.EBADF {
		t.Errorf("write to O_RDONLY: %v", err)
	}
	// Write at an offset past the end leaves a hole of zeros.
	fh, err = v.OpenFile("/holes", os.O_WRONLY|os.O_CREATE, 0o644)
	must(t, err)
	_, err = fh.Seek(4, io.SeekStart)
	must(t, err)
	_, err = fh.Write([]byte("x"))
	must(t, err)
	fh.Close()
	if got := readFile(t, v, "/holes"); got != "\x00\x00\x00\x00x" {
		t.Errorf("holes = %q", got)
	}
	// O_TRUNC empties a lower file in the upper only.
	fh, err = v.OpenFile("/etc/apt/sources.list", os.O_WRONLY|os.O_TRUNC, 0)
	must(t, err)
	fh.Close()
	if got := readFile(t, v, "/etc/apt/sources.list"); got != "" {
		t.Errorf("truncated = %q", got)
	}
	// /dev/null swallows writes and reads nothing.
	must(t, writeFile(v, "/dev/null", "gone"))
	if got := readFile(t, v, "/dev/null"); got != "" {
		t.Errorf("/dev/null = %q", got)
	}
	// A file removed while open can still be read.
	fh, err = v.Open("/etc/shadow")
	must(t, err)
	must(t, v.Remove("/etc/shadow"))
	all, err = io.ReadAll(fh)
	must(t, err)
	if string(all) != "secret" {
		t.Errorf("unlinked read %q", all)
	}
}
