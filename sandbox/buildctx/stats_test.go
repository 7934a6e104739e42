package buildctx

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0B", 35: "35B", 999: "999B", 1000: "1.00kB", 2340: "2.34kB", 2345: "2.35kB",
		50_010_000: "50.01MB", 999_999: "1000.00kB", 1_500_000_000: "1.50GB",
	} {
		if got := HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestStats pins the transfer size model against a hand count of fsutil's
// protobuf packets.
func TestStats(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"a.txt": "hello", "d/": "", "l": "->a.txt", "ignored": "zzz", ".dockerignore": "ignored\n.dockerignore\n"})
	mt := time.Unix(1_700_000_000, 0)
	for _, n := range []string{"a.txt", "d"} {
		if err := os.Chtimes(filepath.Join(dir, n), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Lchown(filepath.Join(dir, "l"), os.Getuid(), os.Getgid()); err != nil {
		t.Fatal(err)
	}
	c := open(t, dir, "")
	files, n, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	lfi, _ := os.Lstat(filepath.Join(dir, "l"))
	ns := uint64(mt.UnixNano())
	// a.txt: path(1+1+5) mode 0644 (1+2) size (1+1) mtime (1+varint)
	a := 7 + 3 + 2 + 1 + varintLen(ns)
	// d: path (1+1+1) mode dir|0755 (1+5) mtime
	d := 3 + 6 + 1 + varintLen(ns)
	// l: path (3) mode symlink|0777 (1+4) size 5 (2) mtime linkname (1+1+5)
	l := 3 + 5 + 2 + 1 + varintLen(uint64(lfi.ModTime().UnixNano())) + 7
	want := 0
	for _, s := range []int{a, d, l} {
		want += 1 + varintLen(uint64(s)) + s
	}
	want += 2 + 1 + 1 + 5 // data packet for a.txt: ID 0 omitted
	if files != 1 || n != int64(want) {
		t.Errorf("Stats() = %d files, %d bytes; want 1, %d", files, n, want)
	}
}
