package layerfs

import (
	"syscall"
	"testing"
)

func TestRename(t *testing.T) {
	b := base(t)
	tests := []struct {
		name     string
		old, new string
		err      syscall.Errno
		check    map[string]string // path → content ("" means must not exist)
	}{
		{"lower file", "/etc/passwd", "/tmp/pw", 0, map[string]string{"/tmp/pw": "root:x:0:0\n", "/etc/passwd": ""}},
		{"lower dir across layers", "/etc/apt", "/srv-apt", 0, map[string]string{
			"/srv-apt/sources.list": "deb x", "/srv-apt/conf.d/a": "a", "/etc/apt/sources.list": "",
		}},
		{"over existing lower file", "/etc/shadow", "/etc/passwd", 0, map[string]string{"/etc/passwd": "secret", "/etc/shadow": ""}},
		{"dir onto empty dir", "/etc/apt/conf.d", "/home/alice/x", 0, nil},
		{"dir onto its own parent", "/etc/apt/conf.d", "/etc/apt", syscall.ENOTEMPTY, nil},
		{"dir into itself", "/etc", "/etc/apt/etc", syscall.EINVAL, nil},
		{"dir onto non-empty", "/bin", "/etc", syscall.ENOTEMPTY, nil},
		{"dir onto file", "/bin", "/etc/passwd", syscall.ENOTDIR, nil},
		{"file onto dir", "/etc/passwd", "/bin", syscall.EISDIR, nil},
		{"missing", "/nope", "/x", syscall.ENOENT, nil},
		{"same name", "/etc/passwd", "/etc/passwd", 0, map[string]string{"/etc/passwd": "root:x:0:0\n"}},
		{"hard links to one file", "/usr/bin/perl", "/usr/bin/perl5", 0, map[string]string{"/usr/bin/perl": "perl", "/usr/bin/perl5": "perl"}},
		{"symlink itself", "/usr/bin/python", "/usr/bin/py", 0, map[string]string{"/usr/bin/py": "py", "/usr/bin/python": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFS(t, b)
			v := f.View(root)
			if tc.name == "dir onto empty dir" {
				must(t, v.Mkdir("/home/alice/x", 0o755))
			}
			err := v.Rename(tc.old, tc.new)
			if errno(err) != tc.err {
				t.Fatalf("rename: %v, want %v", err, tc.err)
			}
			for p, want := range tc.check {
				if want == "" {
					if _, err := v.Lstat(p); errno(err) != syscall.ENOENT {
						t.Errorf("%s still there: %v", p, err)
					}
					continue
				}
				if got := readFile(t, v, p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			// Lowers are untouched whatever happened.
			if got := readFile(t, New(b).View(root), "/etc/apt/sources.list"); got != "deb x" {
				t.Errorf("lower changed: %q", got)
			}
		})
	}
}

// TestRenameThenRecreate: a directory moved away and made again under the
// old name starts empty, and the moved copy keeps the lower contents.
func TestRenameThenRecreate(t *testing.T) {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, v.Rename("/etc/apt", "/etc/apt.old"))
	must(t, v.Mkdir("/etc/apt", 0o755))
	ents, err := v.ReadDir("/etc/apt")
	must(t, err)
	if len(ents) != 0 {
		t.Errorf("recreated dir shows %d entries", len(ents))
	}
	if got := readFile(t, v, "/etc/apt.old/conf.d/a"); got != "a" {
		t.Errorf("moved content %q", got)
	}
	// Move an upper-only tree twice: it moves as a whole.
	must(t, v.MkdirAll("/x/y", 0o755))
	must(t, writeFile(v, "/x/y/z", "z"))
	must(t, v.Rename("/x", "/w"))
	must(t, v.Rename("/w/y", "/etc/apt/y"))
	if got := readFile(t, v, "/etc/apt/y/z"); got != "z" {
		t.Errorf("got %q", got)
	}
}
