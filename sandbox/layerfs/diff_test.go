package layerfs

import (
	"bytes"
	"slices"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

// changes is a table of edits to base, the tar entries each diff must
// hold, and (through TestDiffRoundTrip) the promise that applying the diff
// to base shows the same tree.
var changes = []struct {
	name string
	do   func(t *testing.T, v sandbox.FS)
	want []string
}{
	{"nothing", func(t *testing.T, v sandbox.FS) {}, nil},
	{"add file", func(t *testing.T, v sandbox.FS) {
		must(t, writeFile(v, "/etc/hostname", "box"))
	}, []string{"etc/", "etc/hostname"}},
	{"modify lower file", func(t *testing.T, v sandbox.FS) {
		must(t, writeFile(v, "/etc/apt/sources.list", "deb y"))
	}, []string{"etc/", "etc/apt/", "etc/apt/sources.list"}},
	{"remove lower file", func(t *testing.T, v sandbox.FS) {
		must(t, v.Remove("/etc/passwd"))
	}, []string{"etc/", "etc/.wh.passwd"}},
	{"add then remove", func(t *testing.T, v sandbox.FS) {
		must(t, writeFile(v, "/etc/apt/new", "x"))
		must(t, v.Remove("/etc/apt/new"))
	}, nil},
	{"rm -rf lower dir", func(t *testing.T, v sandbox.FS) {
		must(t, v.RemoveAll("/var/lib/apt/lists"))
	}, []string{"var/", "var/lib/", "var/lib/apt/", "var/lib/apt/.wh.lists"}},
	{"rm -rf then mkdir", func(t *testing.T, v sandbox.FS) {
		must(t, v.RemoveAll("/etc/apt"))
		must(t, v.Mkdir("/etc/apt", 0o755))
		must(t, writeFile(v, "/etc/apt/fresh", "f"))
	}, []string{"etc/", "etc/apt/", "etc/apt/.wh..wh..opq", "etc/apt/fresh"}},
	{"empty a lower dir", func(t *testing.T, v sandbox.FS) {
		must(t, v.Remove("/etc/apt/conf.d/a"))
	}, []string{"etc/", "etc/apt/", "etc/apt/conf.d/", "etc/apt/conf.d/.wh.a"}},
	{"chmod lower dir", func(t *testing.T, v sandbox.FS) {
		must(t, v.Chmod("/etc/apt", 0o700))
	}, []string{"etc/", "etc/apt/"}},
	{"chown lower file", func(t *testing.T, v sandbox.FS) {
		must(t, v.Chown("/etc/passwd", 1000, 1000))
	}, []string{"etc/", "etc/passwd"}},
	{"file replaces lower dir", func(t *testing.T, v sandbox.FS) {
		must(t, v.RemoveAll("/etc/apt"))
		must(t, writeFile(v, "/etc/apt", "now a file"))
	}, []string{"etc/", "etc/apt"}},
	{"dir replaces lower file", func(t *testing.T, v sandbox.FS) {
		must(t, v.Remove("/etc/passwd"))
		must(t, v.Mkdir("/etc/passwd", 0o755))
	}, []string{"etc/", "etc/passwd/"}},
	{"symlink and fifo-free tree", func(t *testing.T, v sandbox.FS) {
		must(t, v.MkdirAll("/opt/app/bin", 0o755))
		must(t, v.Symlink("../lib", "/opt/app/bin/lib"))
	}, []string{"opt/", "opt/app/", "opt/app/bin/", "opt/app/bin/lib"}},
	{"hard link", func(t *testing.T, v sandbox.FS) {
		must(t, writeFile(v, "/a", "shared"))
		must(t, v.Link("/a", "/b"))
	}, []string{"a", "b link=a"}},
	{"rename lower dir", func(t *testing.T, v sandbox.FS) {
		must(t, v.Rename("/etc/apt", "/etc/apt2"))
	}, []string{"etc/", "etc/.wh.apt", "etc/apt2/", "etc/apt2/conf.d/", "etc/apt2/conf.d/a", "etc/apt2/sources.list"}},
	{"rename onto lower name", func(t *testing.T, v sandbox.FS) {
		must(t, writeFile(v, "/tmp/x", "x"))
		must(t, v.Rename("/tmp/x", "/etc/passwd"))
	}, []string{"etc/", "etc/passwd"}},
	{"remove whited-out name's parent", func(t *testing.T, v sandbox.FS) {
		must(t, v.Remove("/etc/apt/conf.d/a"))
		must(t, v.Remove("/etc/apt/conf.d"))
	}, []string{"etc/", "etc/apt/", "etc/apt/.wh.conf.d"}},
}

func TestDiffEntries(t *testing.T) {
	b := base(t)
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			f := newFS(t, b)
			tc.do(t, f.View(root))
			got := tarNames(t, diffBytes(t, f))
			if !slices.Equal(got, tc.want) {
				t.Errorf("diff entries\n got %q\nwant %q", got, tc.want)
			}
			if f.Changed() != (len(tc.want) > 0) {
				t.Errorf("Changed() = %v with %d entries", f.Changed(), len(got))
			}
		})
	}
}

// TestDiffRoundTrip: WriteDiff → ReadLayer → New(base, diff) shows the same
// tree as the FS the diff came from, and so does Commit.
func TestDiffRoundTrip(t *testing.T) {
	b := base(t)
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			f := newFS(t, b)
			tc.do(t, f.View(root))
			want := dump(t, f.View(root))

			diff, err := ReadLayer(bytes.NewReader(diffBytes(t, f)))
			must(t, err)
			if got := dump(t, New(b, diff).View(root)); got != want {
				t.Errorf("after WriteDiff/ReadLayer:\n%s\nwant:\n%s", got, want)
			}
			l, g := f.Commit()
			if got := dump(t, g.View(root)); got != want {
				t.Errorf("after Commit:\n%s\nwant:\n%s", got, want)
			}
			if g.Changed() {
				t.Error("a fresh commit has changes")
			}
			// The committed layer writes the same bytes as the diff.
			var lb bytes.Buffer
			_, err = l.WriteTo(&lb)
			must(t, err)
			if !bytes.Equal(lb.Bytes(), diffBytes(t, f)) {
				t.Error("Layer.WriteTo differs from WriteDiff")
			}
		})
	}
}

// TestDiffDeterministic: the same changes made in another order give the
// same bytes.
func TestDiffDeterministic(t *testing.T) {
	b := base(t)
	one := newFS(t, b)
	v := one.View(root)
	for _, n := range []string{"/z", "/a", "/m", "/etc/q", "/etc/b"} {
		must(t, writeFile(v, n, n))
	}
	must(t, v.Remove("/etc/passwd"))
	two := newFS(t, b)
	v = two.View(root)
	must(t, v.Remove("/etc/passwd"))
	for _, n := range []string{"/etc/b", "/m", "/etc/q", "/a", "/z"} {
		must(t, writeFile(v, n, n))
	}
	x, y := diffBytes(t, one), diffBytes(t, two)
	if !bytes.Equal(x, y) {
		t.Fatalf("diffs differ:\n%q\n%q", tarNames(t, x), tarNames(t, y))
	}
	if !bytes.Equal(x, diffBytes(t, one)) {
		t.Fatal("second WriteDiff differs")
	}
	// Whiteouts come before their siblings (image-spec layer.md).
	want := []string{"a", "etc/", "etc/.wh.passwd", "etc/b", "etc/q", "m", "z"}
	if got := tarNames(t, x); !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestReadLayerRoundTripBytes(t *testing.T) {
	// A layer read back and written again keeps its bytes: digests are stable.
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, v.RemoveAll("/etc/apt"))
	must(t, v.Mkdir("/etc/apt", 0o755))
	must(t, writeFile(v, "/etc/apt/x", "x"))
	must(t, v.Link("/etc/apt/x", "/etc/apt/y"))
	must(t, v.Remove("/bin/sh"))
	d := diffBytes(t, f)
	l, err := ReadLayer(bytes.NewReader(d))
	must(t, err)
	var again bytes.Buffer
	_, err = l.WriteTo(&again)
	must(t, err)
	if !bytes.Equal(d, again.Bytes()) {
		t.Errorf("rewrite differs:\n%q\n%q", tarNames(t, d), tarNames(t, again.Bytes()))
	}
}
