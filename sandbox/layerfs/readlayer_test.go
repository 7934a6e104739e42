package layerfs

import (
	"archive/tar"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

func TestReadLayerSafety(t *testing.T) {
	tests := []struct {
		name string
		ents []tent
		err  string // substring of the error; "" means accepted
		want string // for accepted layers: a dump of New(layer)
	}{
		{"dotdot escape", []tent{{name: "../etc/passwd", body: "x"}}, "escapes", ""},
		{"dotdot in the middle", []tent{{name: "a/../../x", body: "x"}}, "escapes", ""},
		{"dotdot that stays inside", []tent{{name: "a/../x", body: "x"}}, "", "/x -rw-r--r-- 0:0 n1 1 \"x\"\n"},
		{"absolute name", []tent{{name: "/abs", body: "x"}}, "", "/abs -rw-r--r-- 0:0 n1 1 \"x\"\n"},
		{"hard link outside", []tent{{name: "l", typ: tar.TypeLink, link: "../../etc/shadow"}}, "escapes", ""},
		{"hard link to missing", []tent{{name: "l", typ: tar.TypeLink, link: "nope"}}, "not a file in this layer", ""},
		{"hard link to dir", []tent{{name: "d/", typ: tar.TypeDir}, {name: "l", typ: tar.TypeLink, link: "d"}}, "not a file", ""},
		{"whiteout of dotdot", []tent{{name: "a/.wh..."}}, "invalid whiteout", ""},
		{"whiteout of dot", []tent{{name: ".wh.."}}, "invalid whiteout", ""},
		{"empty whiteout", []tent{{name: "a/.wh."}}, "invalid whiteout", ""},
		{"file under a file", []tent{{name: "f", body: "x"}, {name: "f/g", body: "y"}}, "not a directory", ""},
		{"file under a symlink", []tent{{name: "s", typ: tar.TypeSymlink, link: "/etc"}, {name: "s/passwd", body: "y"}}, "not a directory", ""},
		{"root as a file", []tent{{name: ".", body: "x"}}, "root is not a directory", ""},
		{"unsupported type", []tent{{name: "x", typ: 'Z'}}, "unsupported", ""},
		{"aufs bookkeeping skipped", []tent{{name: ".wh..wh.plnk/", typ: tar.TypeDir}}, "", ""},
		{"whiteout then dir is opaque", []tent{{name: ".wh.d"}, {name: "d/", typ: tar.TypeDir}}, "", "/d drwxr-xr-x 0:0 n2 4096\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ReadLayer(bytes.NewReader(tarBytes(t, tc.ents...)))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			must(t, err)
			if got := dump(t, New(l).View(root)); got != tc.want {
				t.Errorf("tree:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestLayerOrderIndependence: an opaque marker hides lower entries whatever
// its place in the tar, and never entries of its own layer.
func TestLayerOrderIndependence(t *testing.T) {
	lower := layerOf(t, tent{name: "a/b/c/bar", body: "bar"})
	for _, order := range [][]tent{
		{{name: "a/", typ: tar.TypeDir}, {name: "a/.wh..wh..opq"}, {name: "a/b/c/foo", body: "foo"}},
		{{name: "a/", typ: tar.TypeDir}, {name: "a/b/c/foo", body: "foo"}, {name: "a/.wh..wh..opq"}},
	} {
		v := New(lower, layerOf(t, order...)).View(root)
		if _, err := v.Stat("/a/b/c/bar"); err == nil {
			t.Error("opaque dir shows a lower entry")
		}
		if got := readFile(t, v, "/a/b/c/foo"); got != "foo" {
			t.Errorf("foo = %q", got)
		}
	}
}

// seedTars are valid layers the fuzzer starts from.
func seedTars(t testing.TB) [][]byte {
	f := newFS(t, base(t))
	v := f.View(root)
	must(t, v.RemoveAll("/etc/apt"))
	must(t, v.Mkdir("/etc/apt", 0o755))
	must(t, writeFile(v, "/etc/apt/x", "x"))
	must(t, v.Link("/etc/apt/x", "/etc/apt/y"))
	must(t, v.Symlink("../x", "/etc/apt/s"))
	must(t, v.Remove("/bin/sh"))
	return [][]byte{
		diffBytes(t, f),
		tarBytes(t, tent{name: "a/", typ: tar.TypeDir}, tent{name: "a/.wh.b"}, tent{name: "a/c", body: "c"}),
		tarBytes(t, tent{name: "./", typ: tar.TypeDir}, tent{name: "dev/null", typ: tar.TypeChar}, tent{name: "p", typ: tar.TypeFifo}),
		tarBytes(t, tent{name: "f", body: "x"}, tent{name: "g", typ: tar.TypeLink, link: "f"}, tent{name: "f", body: "y"}),
		sparseTar(),
	}
}

// FuzzReadLayer: arbitrary bytes never panic, and a layer that parses can be
// written, read again, and written to the same bytes.
func FuzzReadLayer(f *testing.F) {
	for _, s := range seedTars(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ReadLayer(bytes.NewReader(data))
		if err != nil {
			return
		}
		var one bytes.Buffer
		if _, err := l.WriteTo(&one); err != nil {
			t.Fatalf("writing a parsed layer: %v", err)
		}
		l2, err := ReadLayer(bytes.NewReader(one.Bytes()))
		if err != nil {
			t.Fatalf("reading a written layer: %v", err)
		}
		var two bytes.Buffer
		if _, err := l2.WriteTo(&two); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(one.Bytes(), two.Bytes()) {
			t.Fatal("layer bytes not stable across a round trip")
		}
		// The merged view of the layer must be walkable.
		v := New(l).View(root)
		var walk func(p string, depth int)
		walk = func(p string, depth int) {
			ents, err := v.ReadDir(p)
			if err != nil || depth > 50 {
				return
			}
			for _, e := range ents {
				cp := strings.TrimSuffix(p, "/") + "/" + e.Name()
				_, _ = v.Stat(cp)
				if e.IsDir() {
					walk(cp, depth+1)
				}
			}
		}
		walk("/", 0)
	})
}

func TestReadLayerRejectsSparse(t *testing.T) {
	if _, err := ReadLayer(bytes.NewReader(sparseTar())); err == nil || !strings.Contains(err.Error(), "sparse") {
		t.Fatalf("sparse file: %v", err)
	}
}

// sparseTar is a PAX sparse file claiming a terabyte of holes in a few
// bytes. Go's tar writer will not write GNU.sparse records, so it is built
// block by block.
func sparseTar() []byte {
	var recs string
	for _, kv := range []string{"GNU.sparse.size=1099511627776", "GNU.sparse.numblocks=1", "GNU.sparse.map=0,0"} {
		n := len(kv) + 3
		for len(fmt.Sprintf("%d %s\n", n, kv)) != n {
			n++
		}
		recs += fmt.Sprintf("%d %s\n", n, kv)
	}
	var buf bytes.Buffer
	buf.Write(ustarBlock("pax", 'x', len(recs)))
	buf.Write(pad([]byte(recs)))
	buf.Write(ustarBlock("huge", '0', 0))
	buf.Write(make([]byte, 1024))
	return buf.Bytes()
}

func ustarBlock(name string, typ byte, size int) []byte {
	b := make([]byte, 512)
	copy(b, name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], "00000000000\x00")
	b[156] = typ
	copy(b[257:], "ustar\x0000")
	copy(b[148:], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

func pad(b []byte) []byte {
	return append(b, make([]byte, (512-len(b)%512)%512)...)
}

func TestReadLayerAttributes(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "bin/ping", Typeflag: tar.TypeReg, Mode: 0o4755, Uid: 0, Gid: 0, ModTime: fixed,
			PAXRecords: map[string]string{"SCHILY.xattr.security.capability": "cap", "SCHILY.xattr.user.x": "y"}},
		{Name: "dev/tty", Typeflag: tar.TypeChar, Mode: 0o620, Gid: 5, Devmajor: 5, Devminor: 0, ModTime: fixed},
		{Name: "dev/sda", Typeflag: tar.TypeBlock, Mode: 0o660, Gid: 6, Devmajor: 8, Devminor: 1, ModTime: fixed},
		{Name: "run/fifo", Typeflag: tar.TypeFifo, Mode: 0o600, ModTime: fixed},
		{Name: "tmp/", Typeflag: tar.TypeDir, Mode: 0o1777, ModTime: fixed},
	} {
		must(t, tw.WriteHeader(h))
	}
	must(t, tw.Close())
	l, err := ReadLayer(&buf)
	must(t, err)
	var again bytes.Buffer
	_, err = l.WriteTo(&again)
	must(t, err)
	l2, err := ReadLayer(&again)
	must(t, err)
	v := New(l2).View(root)
	checks := []struct {
		name string
		mode string
		maj  int64
		min  int64
	}{
		{"/bin/ping", "urwxr-xr-x", 0, 0},
		{"/dev/tty", "Dcrw--w----", 5, 0},
		{"/dev/sda", "Drw-rw----", 8, 1},
		{"/run/fifo", "prw-------", 0, 0},
		{"/tmp", "dtrwxrwxrwx", 0, 0},
	}
	for _, c := range checks {
		fi, err := v.Lstat(c.name)
		must(t, err)
		o := sandbox.OwnerOf(fi)
		if fi.Mode().String() != c.mode || o.Devmajor != c.maj || o.Devminor != c.min {
			t.Errorf("%s: %v %d,%d", c.name, fi.Mode(), o.Devmajor, o.Devminor)
		}
	}
	fi, _ := v.Stat("/bin/ping")
	if x := sandbox.OwnerOf(fi).Xattrs; x["security.capability"] != "cap" || x["user.x"] != "y" {
		t.Errorf("xattrs %v", x)
	}
	if !fi.ModTime().Equal(fixed) {
		t.Errorf("mtime %v", fi.ModTime())
	}
}
