package layerfs

import (
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestSymlinks(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, v.Symlink("/etc", "/abs"))
	must(t, v.Symlink("../../../../etc", "/tmp/up"))
	must(t, v.Symlink("apt/sources.list", "/etc/rel"))
	must(t, v.Symlink("loop2", "/tmp/loop1"))
	must(t, v.Symlink("loop1", "/tmp/loop2"))
	must(t, v.Symlink("self", "/tmp/self"))
	must(t, v.Symlink("/nowhere/file", "/tmp/dangling"))
	must(t, v.Symlink("/etc/passwd", "/tmp/tofile"))
	must(t, v.Symlink("/", "/tmp/root"))
	must(t, v.Symlink("", "/tmp/empty"))
	tests := []struct {
		path string
		want string // content of the file reached, or "" when an error is expected
		err  syscall.Errno
	}{
		{"/abs/passwd", "root:x:0:0\n", 0},
		{"/tmp/up/passwd", "root:x:0:0\n", 0}, // .. at the root stays at the root
		{"/etc/rel", "deb x", 0},
		{"/usr/bin/python", "py", 0},
		{"/tmp/root/etc/passwd", "root:x:0:0\n", 0},
		{"/tmp/root/../../etc/passwd", "root:x:0:0\n", 0},
		{"/abs/../etc/passwd", "root:x:0:0\n", 0}, // .. is physical: /abs/.. is /
		{"/tmp/loop1", "", syscall.ELOOP},
		{"/tmp/self/x", "", syscall.ELOOP},
		{"/tmp/dangling", "", syscall.ENOENT},
		{"/tmp/empty", "", syscall.ENOENT},
		{"/tmp/tofile/x", "", syscall.ENOTDIR},
		{"/etc/passwd/", "", syscall.ENOTDIR},
		{"/etc/passwd/x", "", syscall.ENOTDIR},
		{"/etc/nope/x", "", syscall.ENOENT},
	}
	for _, tc := range tests {
		fh, err := v.Open(tc.path)
		if errno(err) != tc.err {
			t.Errorf("open %s: %v, want %v", tc.path, err, tc.err)
			continue
		}
		if err == nil {
			fh.Close()
			if got := readFile(t, v, tc.path); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.path, got, tc.want)
			}
		}
	}
	fi, err := v.Lstat("/tmp/loop1")
	must(t, err)
	if fi.Mode()&fs.ModeSymlink == 0 || fi.Size() != int64(len("loop2")) {
		t.Errorf("lstat of a link: %v size %d", fi.Mode(), fi.Size())
	}
	if target, _ := v.Readlink("/tmp/up"); target != "../../../../etc" {
		t.Errorf("readlink = %q", target)
	}
	if _, err := v.Readlink("/etc/passwd"); errno(err) != syscall.EINVAL {
		t.Errorf("readlink of a file: %v", err)
	}
	// Creating through a dangling link creates its target, as open(2) does.
	must(t, v.MkdirAll("/nowhere", 0o755))
	must(t, writeFile(v, "/tmp/dangling", "made"))
	if got := readFile(t, v, "/nowhere/file"); got != "made" {
		t.Errorf("target = %q", got)
	}
	// Stat follows; Lstat names the link; FileInfo names the path given.
	fi, err = v.Stat("/abs")
	must(t, err)
	if !fi.IsDir() || fi.Name() != "abs" {
		t.Errorf("stat /abs: %v %q", fi.Mode(), fi.Name())
	}
}

func TestDotPaths(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	if err := v.Mkdir("/etc/..", 0o755); errno(err) != syscall.EEXIST {
		t.Errorf("mkdir /etc/..: %v", err)
	}
	if err := v.Remove("/etc/apt/."); errno(err) != syscall.EINVAL {
		t.Errorf("remove /etc/apt/.: %v", err)
	}
	if err := v.Remove("/"); errno(err) != syscall.EBUSY {
		t.Errorf("remove /: %v", err)
	}
	if err := v.Remove("/etc"); errno(err) != syscall.ENOTEMPTY {
		t.Errorf("remove /etc: %v", err)
	}
	fi, err := v.Stat("/etc/./apt/../passwd")
	must(t, err)
	if fi.Name() != "passwd" {
		t.Errorf("name %q", fi.Name())
	}
	fi, err = v.Stat("/")
	must(t, err)
	if !fi.IsDir() || fi.Name() != "/" {
		t.Errorf("stat /: %v %q", fi.Mode(), fi.Name())
	}
}

func TestTrailingSlash(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, v.Mkdir("/newdir/", 0o755))
	if err := v.Mkdir("/etc/passwd/", 0o755); errno(err) != syscall.EEXIST {
		t.Errorf("mkdir file/: %v", err)
	}
	if _, err := v.OpenFile("/etc", os.O_CREATE, 0o644); errno(err) != syscall.EISDIR {
		t.Errorf("O_CREATE on a dir: %v", err)
	}
	if _, err := v.Stat("/etc/passwd/"); errno(err) != syscall.ENOTDIR {
		t.Errorf("stat file/: %v", err)
	}
}
