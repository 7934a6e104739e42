package layerfs

import (
	"io/fs"
	"os"
	"syscall"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

func TestPermissions(t *testing.T) {
	b := base(t)
	// setup runs as root before the operation under test.
	setup := func(t *testing.T, v sandbox.FS) {
		must(t, writeFile(v.As(alice), "/tmp/alice-file", "a"))
		must(t, v.Mkdir("/srv", 0o755))
		must(t, v.Mkdir("/srv/shared", 0o770))
		must(t, v.Chown("/srv/shared", 0, 1000))
		must(t, writeFile(v, "/srv/noexec", "x"))
		must(t, v.Chmod("/srv/noexec", 0o644))
		must(t, v.Mkdir("/srv/locked", 0o700))
		must(t, writeFile(v, "/srv/locked/f", "f"))
	}
	tests := []struct {
		name string
		id   sandbox.Identity
		op   func(v sandbox.FS) error
		want syscall.Errno
	}{
		{"nobody mkdir in /", nobody, func(v sandbox.FS) error { return v.Mkdir("/data", 0o755) }, syscall.EACCES},
		{"root mkdir in /", root, func(v sandbox.FS) error { return v.Mkdir("/data", 0o755) }, 0},
		{"nobody mkdir existing", nobody, func(v sandbox.FS) error { return v.Mkdir("/etc", 0o755) }, syscall.EEXIST},
		{"nobody write in /tmp", nobody, func(v sandbox.FS) error { return writeFile(v, "/tmp/n", "n") }, 0},
		{"nobody write in /etc", nobody, func(v sandbox.FS) error { return writeFile(v, "/etc/n", "n") }, syscall.EACCES},
		{"nobody overwrite /etc/passwd", nobody, func(v sandbox.FS) error { return writeFile(v, "/etc/passwd", "") }, syscall.EACCES},
		{"nobody read /etc/passwd", nobody, func(v sandbox.FS) error { _, err := v.Open("/etc/passwd"); return err }, 0},
		{"nobody read 0600 of root", nobody, func(v sandbox.FS) error { _, err := v.Open("/etc/shadow"); return err }, syscall.EACCES},
		{"root read 0600 of root", root, func(v sandbox.FS) error { _, err := v.Open("/etc/shadow"); return err }, 0},
		{"bob read alice 0600", bob, func(v sandbox.FS) error { _, err := v.Open("/home/alice/notes"); return err }, syscall.EACCES},
		{"alice read own 0600", alice, func(v sandbox.FS) error { _, err := v.Open("/home/alice/notes"); return err }, 0},
		{"nobody search 0700 dir", nobody, func(v sandbox.FS) error { _, err := v.Stat("/srv/locked/f"); return err }, syscall.EACCES},
		{"nobody list 0700 dir", nobody, func(v sandbox.FS) error { _, err := v.ReadDir("/srv/locked"); return err }, syscall.EACCES},
		{"group member writes group dir", bob, func(v sandbox.FS) error { return writeFile(v, "/srv/shared/b", "b") }, 0},
		{"other writes group dir", nobody, func(v sandbox.FS) error { return writeFile(v, "/srv/shared/b", "b") }, syscall.EACCES},
		{"sticky: nobody deletes alice's", nobody, func(v sandbox.FS) error { return v.Remove("/tmp/alice-file") }, syscall.EPERM},
		{"sticky: nobody renames alice's", nobody, func(v sandbox.FS) error { return v.Rename("/tmp/alice-file", "/tmp/mine") }, syscall.EPERM},
		{"sticky: alice deletes own", alice, func(v sandbox.FS) error { return v.Remove("/tmp/alice-file") }, 0},
		{"sticky: root deletes alice's", root, func(v sandbox.FS) error { return v.Remove("/tmp/alice-file") }, 0},
		{"nobody removes /etc/passwd", nobody, func(v sandbox.FS) error { return v.Remove("/etc/passwd") }, syscall.EACCES},
		{"nobody chmod root file", nobody, func(v sandbox.FS) error { return v.Chmod("/etc/passwd", 0o777) }, syscall.EPERM},
		{"alice chmod own file", alice, func(v sandbox.FS) error { return v.Chmod("/tmp/alice-file", 0o600) }, 0},
		{"root chmod any", root, func(v sandbox.FS) error { return v.Chmod("/tmp/alice-file", 0o600) }, 0},
		{"alice chown to bob", alice, func(v sandbox.FS) error { return v.Chown("/tmp/alice-file", 1001, -1) }, syscall.EPERM},
		{"alice chgrp to own group", alice, func(v sandbox.FS) error { return v.Chown("/tmp/alice-file", -1, 1000) }, 0},
		{"alice chgrp to other group", alice, func(v sandbox.FS) error { return v.Chown("/tmp/alice-file", -1, 0) }, syscall.EPERM},
		{"nobody chown root file", nobody, func(v sandbox.FS) error { return v.Chown("/etc/passwd", 65534, 65534) }, syscall.EPERM},
		{"root chown", root, func(v sandbox.FS) error { return v.Chown("/etc/passwd", 1000, 1000) }, 0},
		{"nobody touch others file", nobody, func(v sandbox.FS) error { return v.Chtimes("/etc/passwd", fixed, fixed) }, syscall.EACCES},
		{"nobody hardlink root file", nobody, func(v sandbox.FS) error { return v.Link("/etc/passwd", "/tmp/pw") }, syscall.EPERM},
		{"nobody rename out of /etc", nobody, func(v sandbox.FS) error { return v.Rename("/etc/passwd", "/tmp/pw") }, syscall.EACCES},
		{"nobody symlink in /tmp", nobody, func(v sandbox.FS) error { return v.Symlink("/etc", "/tmp/l") }, 0},
		{"nobody write via dir perms only", nobody, func(v sandbox.FS) error {
			_, err := v.OpenFile("/srv/noexec", os.O_WRONLY, 0)
			return err
		}, syscall.EACCES},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFS(t, b)
			setup(t, f.View(root))
			err := tc.op(f.View(tc.id))
			if got := errno(err); got != tc.want {
				t.Fatalf("got %v (%v), want errno %v", got, err, tc.want)
			}
			if err != nil {
				var pe *fs.PathError
				var le *os.LinkError
				if !asErr(err, &pe) && !asErr(err, &le) {
					t.Errorf("error %T is neither *fs.PathError nor *os.LinkError", err)
				}
			}
		})
	}
}

func TestPermissionMessage(t *testing.T) {
	err := newFS(t, base(t)).View(nobody).Mkdir("/data", 0o755)
	if err == nil || err.Error() != "mkdir /data: permission denied" {
		t.Fatalf("got %v", err)
	}
}

func TestNewFilesOwnedByCaller(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(alice)
	must(t, writeFile(v, "/tmp/a", "a"))
	must(t, v.Mkdir("/tmp/d", 0o750))
	for _, n := range []string{"/tmp/a", "/tmp/d"} {
		fi, err := v.Stat(n)
		must(t, err)
		if o := sandbox.OwnerOf(fi); o.UID != 1000 || o.GID != 1000 {
			t.Errorf("%s owned by %d:%d", n, o.UID, o.GID)
		}
	}
	fi, _ := v.Stat("/tmp/d")
	if fi.Mode() != fs.ModeDir|0o750 {
		t.Errorf("mode %v", fi.Mode())
	}
}

func TestCanExec(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, writeFile(v, "/script", "x"))
	tests := []struct {
		mode fs.FileMode
		id   sandbox.Identity
		want bool
	}{
		{0o644, root, false}, // root needs some x bit
		{0o744, root, true},
		{0o701, root, true},
		{0o755, nobody, true},
		{0o750, nobody, false},
		{0o750, bob, false}, // bob is in group 1000, the file's group is 0
		{0o700, alice, false},
	}
	for _, tc := range tests {
		must(t, v.Chmod("/script", tc.mode))
		fi, err := v.Stat("/script")
		must(t, err)
		if got := CanExec(fi, tc.id); got != tc.want {
			t.Errorf("CanExec(%v, uid %d) = %v", tc.mode, tc.id.UID, got)
		}
	}
	fi, _ := v.Stat("/bin")
	if CanExec(fi, root) {
		t.Error("a directory is executable")
	}
}

func TestChownClearsSetuid(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, writeFile(v, "/su", "x"))
	must(t, v.Chmod("/su", 0o4755))
	must(t, v.Chown("/su", 1000, 1000))
	fi, _ := v.Stat("/su")
	if fi.Mode()&fs.ModeSetuid != 0 {
		t.Error("setuid survived chown")
	}
}
