package layerfs

import (
	"io"
)

// Content is the bytes of a regular file. It is an interface so that a large
// file can be "n zero bytes" or generated data that costs no memory, while
// sizes, tar output and digests stay real.
type Content interface {
	Size() int64
	io.ReaderAt
}

// Open returns a reader over c from its first byte.
func Open(c Content) io.ReadSeeker { return io.NewSectionReader(c, 0, c.Size()) }

// Bytes is content held in memory. The caller must not change b afterwards.
func Bytes(b []byte) Content { return &memData{b: b} }

// memData is in-memory content. An inode whose own flag is set may change it
// in place; everyone else treats it as immutable.
type memData struct{ b []byte }

func (m *memData) Size() int64 { return int64(len(m.b)) }

func (m *memData) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Zeros is n zero bytes that take no memory.
func Zeros(n int64) Content { return zeros(n) }

type zeros int64

func (z zeros) Size() int64 { return int64(z) }

func (z zeros) ReadAt(p []byte, off int64) (int, error) {
	return fill(p, off, int64(z), func(b []byte, _ int64) { clear(b) })
}

// Generated is n bytes of deterministic pseudo-random data derived from seed.
// Unlike Zeros it does not compress, so compressed layer sizes stay realistic
// for synthetic package files.
func Generated(seed uint64, n int64) Content { return generated{seed: seed, n: n} }

type generated struct {
	seed uint64
	n    int64
}

func (g generated) Size() int64 { return g.n }

func (g generated) ReadAt(p []byte, off int64) (int, error) {
	return fill(p, off, g.n, func(b []byte, at int64) {
		// Each 8-byte block is a hash of its index, so any offset can be
		// produced without generating what comes before it.
		for i := range b {
			pos := at + int64(i)
			v := splitmix(g.seed ^ uint64(pos>>3))
			b[i] = byte(v >> (8 * (pos & 7)))
		}
	})
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// fill implements ReadAt for content of size n whose bytes gen writes.
func fill(p []byte, off, n int64, gen func(b []byte, at int64)) (int, error) {
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= n {
		return 0, io.EOF
	}
	k := int64(len(p))
	if k > n-off {
		k = n - off
	}
	gen(p[:k], off)
	if k < int64(len(p)) {
		return int(k), io.EOF
	}
	return int(k), nil
}

// contentSize is the size of c, treating nil as empty.
func contentSize(c Content) int64 {
	if c == nil {
		return 0
	}
	return c.Size()
}
