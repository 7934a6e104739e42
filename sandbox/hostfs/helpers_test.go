//go:build unix

package hostfs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

var nobody = sandbox.Identity{UID: 65534, GID: 65534, Name: "nobody", Home: "/nonexistent"}

// secret is what lives outside the tree: no operation through the FS may
// ever read or change it. Its size is unique, so a Stat that escaped
// would show it.
const (
	secretName = "TOPSECRET.txt"
	secretDir  = "outside-marker-dir"
	secretSize = 4242
)

// escapeFixture is base/outside (the secret) next to base/tree (the FS's
// root), with links in the tree that try every way out.
type escapeFixture struct {
	base, tree, outside string
	secret              []byte
}

func newEscapeFixture(t testing.TB, dir string) *escapeFixture {
	x := &escapeFixture{base: dir, tree: filepath.Join(dir, "tree"), outside: filepath.Join(dir, "outside")}
	x.secret = bytes.Repeat([]byte("S"), secretSize)
	mustT(t, os.MkdirAll(filepath.Join(x.outside, secretDir), 0o755))
	mustT(t, os.WriteFile(filepath.Join(x.outside, secretName), x.secret, 0o640))
	mustT(t, os.MkdirAll(filepath.Join(x.tree, "dir", "sub"), 0o755))
	mustT(t, os.WriteFile(filepath.Join(x.tree, "f"), []byte("inside\n"), 0o644))
	links := map[string]string{
		"toroot":        "/",
		"up":            "../../",
		"upup":          "../../../../../../..",
		"etc":           "/etc",
		"abs":           x.outside,
		"hostsecret":    filepath.Join(x.outside, secretName),
		"secretlink":    "../outside/" + secretName,
		"loop1":         "loop2",
		"loop2":         "loop1",
		"self":          "self",
		"dir/deep":      "../../../../outside",
		"dir/sub/back":  "../../../outside/" + secretName,
		"dir/sub/toabs": "/f",
		"base":          x.base,
		"dotdot":        "..",
	}
	for name, target := range links {
		mustT(t, os.Symlink(target, filepath.Join(x.tree, name)))
	}
	return x
}

// untouched fails the test when anything outside the tree changed.
func (x *escapeFixture) untouched(t testing.TB) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(x.outside, secretName))
	if err != nil || !bytes.Equal(b, x.secret) {
		t.Fatalf("secret changed: %v (%d bytes)", err, len(b))
	}
	fi, err := os.Stat(filepath.Join(x.outside, secretName))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Fatalf("secret's mode changed: %v %v", err, fi.Mode())
	}
	ents, err := os.ReadDir(x.outside)
	if err != nil || len(ents) != 2 {
		t.Fatalf("outside changed: %v %v", err, ents)
	}
	ents, err = os.ReadDir(x.base)
	if err != nil || len(ents) != 2 {
		t.Fatalf("base changed: %v %v", err, ents)
	}
}

// leaks reports whether data or a FileInfo/DirEntry list shows the secret.
func leaks(data []byte, names []string, sizes []int64) bool {
	if bytes.Contains(data, []byte("SSSS")) {
		return true
	}
	for _, n := range names {
		if n == secretName || n == secretDir {
			return true
		}
	}
	for _, s := range sizes {
		if s == secretSize {
			return true
		}
	}
	return false
}

func mustT(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func errnoIs(err error, want syscall.Errno) bool {
	var e syscall.Errno
	return errors.As(err, &e) && e == want
}

func readAll(t testing.TB, fsys sandbox.FS, name string) string {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(b)
}

func writeAll(fsys sandbox.FS, name, content string) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, strings.NewReader(content)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
