//go:build unix

package hostfs

import (
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
)

func TestEscapeReads(t *testing.T) {
	x := newEscapeFixture(t, t.TempDir())
	fsys, err := New(x.tree, Options{Identity: sandbox.Root})
	mustT(t, err)
	cases := []struct {
		name string
		want syscall.Errno // 0: opens, and shows something inside
	}{
		{"/toroot/f", 0},
		{"/up/f", 0},
		{"/upup/f", 0},
		{"/../../f", 0},
		{"/dir/sub/toabs", 0},
		{"/dotdot/dotdot/f", 0},
		{"/etc/passwd", syscall.ELOOP}, // /etc -> /etc: itself, inside
		{"/abs/" + secretName, syscall.ENOENT},
		{"/hostsecret", syscall.ENOENT},
		{"/secretlink", syscall.ENOENT},
		{"/up/outside/" + secretName, syscall.ENOENT},
		{"/../outside/" + secretName, syscall.ENOENT},
		{"/dir/deep/" + secretName, syscall.ENOENT},
		{"/dir/sub/back", syscall.ENOENT},
		{"/base/outside/" + secretName, syscall.ENOENT},
		{"/loop1", syscall.ELOOP},
		{"/self/x", syscall.ELOOP},
		{"/f/x", syscall.ENOTDIR},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, op := range []func() ([]byte, error){
				func() ([]byte, error) {
					f, err := fsys.Open(c.name)
					if err != nil {
						return nil, err
					}
					defer f.Close()
					return io.ReadAll(f)
				},
				func() ([]byte, error) {
					fi, err := fsys.Stat(c.name)
					if err != nil {
						return nil, err
					}
					if fi.Size() == secretSize {
						t.Errorf("Stat(%s) shows the secret", c.name)
					}
					return nil, nil
				},
			} {
				data, err := op()
				if c.want == 0 {
					if err != nil {
						t.Errorf("%s: %v, want success", c.name, err)
					}
				} else if !errnoIs(err, c.want) {
					t.Errorf("%s: err %v, want %v", c.name, err, c.want)
				}
				if leaks(data, nil, nil) {
					t.Errorf("%s: read the secret", c.name)
				}
			}
			for _, dir := range []string{c.name, "/abs", "/up", "/upup", "/dir/deep", "/base", "/toroot"} {
				ents, _ := fsys.ReadDir(dir)
				for _, e := range ents {
					if e.Name() == secretName || e.Name() == secretDir {
						t.Errorf("ReadDir(%s) lists %s", dir, e.Name())
					}
				}
			}
		})
	}
	x.untouched(t)
}

func TestEscapeWrites(t *testing.T) {
	x := newEscapeFixture(t, t.TempDir())
	fsys, err := New(x.tree, Options{Identity: sandbox.Root})
	mustT(t, err)
	targets := []string{
		"/hostsecret", "/secretlink", "/dir/sub/back", "/abs/" + secretName,
		"/up/outside/" + secretName, "/../outside/" + secretName, "/dir/deep/" + secretName,
		"/base/outside/" + secretName, "/upup/outside/" + secretName, "/abs", "/base", "/up", "/dir/deep",
		"/" + secretName, "/abs/new", "/dir/deep/new", "/base/new",
	}
	// Ordered so that the removals, which may take links away, come last.
	ops := []struct {
		name string
		op   func(name string) error
	}{
		{"write", func(n string) error { return writeAll(fsys, n, "PWNED") }},
		{"append", func(n string) error { _, err := fsys.OpenFile(n, os.O_WRONLY|os.O_APPEND, 0); return err }},
		{"mkdir", func(n string) error { return fsys.Mkdir(n+"/d", 0o777) }},
		{"mkdirall", func(n string) error { return fsys.MkdirAll(n+"/a/b", 0o777) }},
		{"chmod", func(n string) error { return fsys.Chmod(n, 0o777) }},
		{"chown", func(n string) error { return fsys.Chown(n, 1, 1) }},
		{"chtimes", func(n string) error { return fsys.Chtimes(n, time.Unix(0, 0), time.Unix(0, 0)) }},
		{"symlink in", func(n string) error { return fsys.Symlink("/", n+"/l") }},
		{"link", func(n string) error { return fsys.Link(n, "/linked") }},
		{"rename out", func(n string) error { return fsys.Rename("/f", n+"/moved") }},
		{"rename in", func(n string) error { return fsys.Rename(n+"/"+secretName, "/stolen") }},
		{"synthetic", func(n string) error { return fsys.(sandbox.SyntheticWriter).WriteSynthetic(n, 1<<20, 0o644) }},
		{"remove", func(n string) error { return fsys.Remove(n + "/" + secretName) }},
		{"removeall", func(n string) error { return fsys.RemoveAll(n + "/" + secretName) }},
		{"removeall dir", func(n string) error { return fsys.RemoveAll(n) }},
	}
	for _, op := range ops {
		for _, target := range targets {
			err := op.op(target) // whatever it says, nothing outside may change
			if errnoIs(err, syscall.EIO) {
				t.Errorf("%s %s: %v", op.name, target, err)
			}
			x.untouched(t)
			if _, err := os.Lstat(x.tree + "/f"); os.IsNotExist(err) {
				os.WriteFile(x.tree+"/f", []byte("inside\n"), 0o644)
			}
		}
	}
	// The links themselves were the only things that could be removed.
	if b, err := os.ReadFile(x.tree + "/" + secretName); err == nil && leaks(b, nil, nil) {
		t.Errorf("secret copied into the tree")
	}
	if b, err := os.ReadFile(x.tree + "/stolen"); err == nil && leaks(b, nil, nil) {
		t.Errorf("secret renamed into the tree")
	}
}

// TestEscapeLandsInside shows where writes through escaping links go: into
// the tree, as if the tree were the whole world.
func TestEscapeLandsInside(t *testing.T) {
	x := newEscapeFixture(t, t.TempDir())
	fsys, err := New(x.tree, Options{Identity: sandbox.Root})
	mustT(t, err)
	mustT(t, writeAll(fsys, "/dir/sub/toabs", "via abs link\n"))
	mustT(t, fsys.Mkdir("/up/made", 0o755))
	mustT(t, fsys.MkdirAll("/toroot/outside", 0o755))
	mustT(t, writeAll(fsys, "/secretlink", "decoy\n")) // ../outside/TOPSECRET.txt, from /
	for host, want := range map[string]string{
		"f":                     "via abs link\n",
		"outside/" + secretName: "decoy\n",
	} {
		b, err := os.ReadFile(x.tree + "/" + host)
		if err != nil || string(b) != want {
			t.Errorf("tree/%s = %q, %v; want %q", host, b, err, want)
		}
	}
	if fi, err := os.Stat(x.tree + "/made"); err != nil || !fi.IsDir() {
		t.Errorf("tree/made: %v", err)
	}
	x.untouched(t)
}
