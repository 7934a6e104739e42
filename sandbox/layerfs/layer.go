package layerfs

import "io"

// Layer is an immutable, parsed OCI layer: an uncompressed tar diff,
// whiteouts included, held as a tree of nodes.
type Layer struct {
	root *node
	size int64
}

func newLayer(root *node) *Layer {
	return &Layer{root: root, size: contentBytes(root)}
}

// Size is the number of bytes of file content in the layer (each hard-linked
// file once), which is what image size accounting adds up.
func (l *Layer) Size() int64 { return l.size }

// WriteTo writes the layer as an uncompressed OCI tar diff. The bytes depend
// only on the layer's contents, so its digest is stable.
func (l *Layer) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	err := writeTar(cw, l.root)
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func contentBytes(root *node) int64 {
	seen := map[*inode]bool{}
	var total int64
	var walk func(n *node)
	walk = func(n *node) {
		if n.ino != nil && n.ino.isRegular() && !seen[n.ino] {
			seen[n.ino] = true
			total += contentSize(n.ino.data)
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(root)
	return total
}
