package layerfs

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
)

var (
	root   = sandbox.Root
	nobody = sandbox.Identity{UID: 65534, GID: 65534, Name: "nobody"}
	alice  = sandbox.Identity{UID: 1000, GID: 1000, Name: "alice"}
	bob    = sandbox.Identity{UID: 1001, GID: 1001, Groups: []int{1000}, Name: "bob"}
	fixed  = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
)

// tent is one entry of a test tar.
type tent struct {
	name string
	typ  byte // tar type; 0 means a regular file
	body string
	mode int64
	uid  int
	link string
}

func tarBytes(t testing.TB, ents ...tent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Uid: e.uid, Gid: e.uid, Linkname: e.link, ModTime: fixed}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.body))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func layerOf(t testing.TB, ents ...tent) *Layer {
	t.Helper()
	l, err := ReadLayer(bytes.NewReader(tarBytes(t, ents...)))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// base is a small Debian-like root: the lower layer most tests start from.
func base(t testing.TB) *Layer {
	return layerOf(t,
		tent{name: "bin/", typ: tar.TypeDir},
		tent{name: "bin/sh", body: "#!sh", mode: 0o755},
		tent{name: "etc/", typ: tar.TypeDir},
		tent{name: "etc/passwd", body: "root:x:0:0\n"},
		tent{name: "etc/shadow", body: "secret", mode: 0o600},
		tent{name: "etc/apt/", typ: tar.TypeDir},
		tent{name: "etc/apt/sources.list", body: "deb x"},
		tent{name: "etc/apt/conf.d/", typ: tar.TypeDir},
		tent{name: "etc/apt/conf.d/a", body: "a"},
		tent{name: "tmp/", typ: tar.TypeDir, mode: 0o1777},
		tent{name: "home/", typ: tar.TypeDir},
		tent{name: "home/alice/", typ: tar.TypeDir, mode: 0o700, uid: 1000},
		tent{name: "home/alice/notes", body: "hi", mode: 0o600, uid: 1000},
		tent{name: "var/lib/apt/lists/", typ: tar.TypeDir},
		tent{name: "var/lib/apt/lists/main", body: strings.Repeat("x", 100)},
		tent{name: "usr/bin/", typ: tar.TypeDir},
		tent{name: "usr/bin/perl", body: "perl", mode: 0o755},
		tent{name: "usr/bin/perl5", typ: tar.TypeLink, link: "usr/bin/perl"},
		tent{name: "usr/bin/python", typ: tar.TypeSymlink, link: "python3"},
		tent{name: "usr/bin/python3", body: "py", mode: 0o755},
		tent{name: "dev/", typ: tar.TypeDir},
		tent{name: "dev/null", typ: tar.TypeChar, mode: 0o666},
	)
}

func newFS(t testing.TB, lowers ...*Layer) *FS {
	f := New(lowers...)
	f.SetClock(func() time.Time { return fixed })
	return f
}

// dump lists a tree the way a test wants to compare it: every entry with
// type, mode, owner, link count, size and content or target.
func dump(t testing.TB, v sandbox.FS) string {
	t.Helper()
	var b strings.Builder
	var walk func(p string)
	walk = func(p string) {
		ents, err := v.ReadDir(p)
		if err != nil {
			t.Fatalf("dump %s: %v", p, err)
		}
		for _, e := range ents {
			cp := strings.TrimSuffix(p, "/") + "/" + e.Name()
			fi, err := v.Lstat(cp)
			if err != nil {
				t.Fatal(err)
			}
			o := sandbox.OwnerOf(fi)
			fmt.Fprintf(&b, "%s %v %d:%d n%d %d", cp, fi.Mode(), o.UID, o.GID, o.Nlink, fi.Size())
			switch {
			case fi.Mode()&fs.ModeSymlink != 0:
				target, _ := v.Readlink(cp)
				fmt.Fprintf(&b, " -> %s", target)
			case fi.Mode().IsRegular():
				fmt.Fprintf(&b, " %q", readFile(t, v, cp))
			}
			b.WriteByte('\n')
			if fi.IsDir() {
				walk(cp)
			}
		}
	}
	walk("/")
	return b.String()
}

func readFile(t testing.TB, v sandbox.FS, name string) string {
	t.Helper()
	fh, err := v.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	b, err := io.ReadAll(fh)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(v sandbox.FS, name, body string) error {
	fh, err := v.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(fh, body); err != nil {
		return err
	}
	return fh.Close()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// errno is the syscall.Errno inside err, or 0.
func errno(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return 0
}

// tarNames lists the entry names of a tar, hard links and symlinks with their targets.
func tarNames(t testing.TB, b []byte) []string {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	var out []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		n := h.Name
		if h.Typeflag == tar.TypeLink {
			n += " link=" + h.Linkname
		}
		out = append(out, n)
	}
}

func diffBytes(t testing.TB, f *FS) []byte {
	t.Helper()
	var buf bytes.Buffer
	must(t, f.WriteDiff(&buf))
	return buf.Bytes()
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
