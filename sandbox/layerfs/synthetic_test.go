package layerfs

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"runtime"
	"testing"
)

// TestSyntheticCostsNoMemory: a 40 MB synthetic file, its diff and reading
// the diff back allocate far less than 40 MB, yet the tar holds the bytes.
func TestSyntheticCostsNoMemory(t *testing.T) {
	const size = 40 << 20
	f := newFS(t, base(t))
	allocated := allocs(func() {
		must(t, f.WriteSynthetic("/usr/lib/libbig.so", size, 0o644, 0, 0))
	})
	if allocated > 1<<20 {
		t.Errorf("WriteSynthetic allocated %d bytes", allocated)
	}
	var tarSize int64
	sum := sha256.New()
	allocated = allocs(func() {
		var cw countWriter
		cw.w = sum
		must(t, f.WriteDiff(&cw))
		tarSize = cw.n
	})
	if allocated > 1<<20 {
		t.Errorf("WriteDiff allocated %d bytes", allocated)
	}
	if tarSize < size {
		t.Errorf("tar is %d bytes", tarSize)
	}
	l, g := f.Commit()
	if l.Size() != size {
		t.Errorf("layer size %d", l.Size())
	}
	fi, err := g.View(root).Stat("/usr/lib/libbig.so")
	must(t, err)
	if fi.Size() != size {
		t.Errorf("stat size %d", fi.Size())
	}
	// Reading the tar back keeps zero files as Zeros.
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(f.WriteDiff(pw)) }()
	var back *Layer
	allocated = allocs(func() {
		var err error
		back, err = ReadLayer(pr)
		must(t, err)
	})
	if allocated > 2<<20 {
		t.Errorf("ReadLayer allocated %d bytes", allocated)
	}
	if back.Size() != size {
		t.Errorf("read back size %d", back.Size())
	}
}

func TestGeneratedContent(t *testing.T) {
	g := Generated(7, 1000)
	all, err := io.ReadAll(Open(g))
	must(t, err)
	if len(all) != 1000 || bytes.Count(all, []byte{0}) > 50 {
		t.Fatalf("len %d zeros %d", len(all), bytes.Count(all, []byte{0}))
	}
	// Any offset gives the same bytes as reading from the start.
	part := make([]byte, 100)
	n, err := g.ReadAt(part, 333)
	must(t, err)
	if n != 100 || !bytes.Equal(part, all[333:433]) {
		t.Error("ReadAt is not consistent")
	}
	if n, err := g.ReadAt(part, 950); n != 50 || err != io.EOF {
		t.Errorf("short read %d %v", n, err)
	}
	f := newFS(t)
	must(t, f.WriteContent("/x/y", g, 0o644, 0, 0))
	if got := readFile(t, f.View(root), "/x/y"); got != string(all) {
		t.Error("content differs through the view")
	}
}

func allocs(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestCopyShares: io.Copy between two files of the sandbox shares content,
// and later writes to either side do not show through the other.
func TestCopyShares(t *testing.T) {
	const size = 40 << 20
	f := newFS(t, base(t))
	must(t, f.WriteSynthetic("/big", size, 0o644, 0, 0))
	v := f.View(root)
	allocated := allocs(func() {
		src, err := v.Open("/big")
		must(t, err)
		dst, err := v.OpenFile("/copy", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		must(t, err)
		n, err := io.Copy(dst, src)
		must(t, err)
		if n != size {
			t.Errorf("copied %d", n)
		}
		src.Close()
		dst.Close()
	})
	if allocated > 1<<20 {
		t.Errorf("copy allocated %d bytes", allocated)
	}
	must(t, writeFile(v, "/a", "original"))
	src, _ := v.Open("/a")
	dst, _ := v.OpenFile("/b", os.O_WRONLY|os.O_CREATE, 0o644)
	_, err := io.Copy(dst, src)
	must(t, err)
	fh, _ := v.OpenFile("/a", os.O_WRONLY, 0)
	_, _ = fh.Write([]byte("CHANGED!"))
	fh.Close()
	if got := readFile(t, v, "/b"); got != "original" {
		t.Errorf("copy = %q", got)
	}
}
