package layerfs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// ReadLayer parses an uncompressed OCI layer tar. It is fed outside input
// (docker load, docker import), so it validates every entry: names are
// cleaned, absolute names are taken relative to the layer root, and ".."
// escapes, hard links to entries not in the layer, whiteouts of "." or ".."
// and unknown entry types are errors.
func ReadLayer(r io.Reader) (*Layer, error) {
	b := &layerBuilder{root: newDirNode(0, nil), buf: make([]byte, 32<<10)}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading layer: %w", err)
		}
		if err := b.add(hdr, tr); err != nil {
			return nil, fmt.Errorf("reading layer entry %q: %w", hdr.Name, err)
		}
	}
	return newLayer(b.root), nil
}

type layerBuilder struct {
	root *node
	buf  []byte
}

// cleanName turns a tar name into components below the layer root.
func cleanName(name string) ([]string, error) {
	c := path.Clean(strings.TrimLeft(name, "/"))
	if c == ".." || strings.HasPrefix(c, "../") {
		return nil, errors.New("path escapes the layer root")
	}
	if c == "." {
		return nil, nil
	}
	return strings.Split(c, "/"), nil
}

func (b *layerBuilder) add(hdr *tar.Header, r io.Reader) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	comps, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	if len(comps) == 0 {
		// "./": the root directory's own metadata.
		if hdr.Typeflag != tar.TypeDir {
			return errors.New("layer root is not a directory")
		}
		ino, err := b.inode(hdr, r)
		if err != nil {
			return err
		}
		b.root.ino = ino
		return nil
	}
	d, err := b.dir(comps[:len(comps)-1])
	if err != nil {
		return err
	}
	base := comps[len(comps)-1]
	if strings.HasPrefix(base, whiteoutPrefix) {
		return b.whiteout(d, base)
	}
	old := d.kids[base]
	if hdr.Typeflag == tar.TypeLink {
		return b.link(d, base, old, hdr.Linkname)
	}
	ino, err := b.inode(hdr, r)
	if err != nil {
		return err
	}
	if ino.isDir() {
		if old != nil && old.isDir() {
			old.ino = ino // a second entry for a directory updates its metadata
			return nil
		}
		n := newDirNode(0, ino)
		// A whiteout and a directory of the same name in one layer: the
		// whiteout applies to lower layers only, hiding their contents.
		n.opaque = old != nil && old.whiteout
		d.kids[base] = n
		return nil
	}
	unlink(old)
	d.kids[base] = &node{ino: ino}
	return nil
}

// whiteout records a .wh. entry in directory d.
func (b *layerBuilder) whiteout(d *node, base string) error {
	if base == opaqueMarker {
		d.opaque = true
		return nil
	}
	if strings.HasPrefix(base, whiteoutPrefix+whiteoutPrefix) {
		return nil // other .wh..wh. names are aufs bookkeeping with no meaning here
	}
	victim := strings.TrimPrefix(base, whiteoutPrefix)
	if victim == "" || victim == "." || victim == ".." {
		return fmt.Errorf("invalid whiteout %q", base)
	}
	if k := d.kids[victim]; k != nil && !k.whiteout {
		// An entry of this layer wins over its whiteout, which only hides
		// lower layers: for a directory that means their contents.
		if k.isDir() {
			k.opaque = true
		}
		return nil
	}
	d.kids[victim] = &node{whiteout: true}
	return nil
}

// link records a hard link: target must be a file earlier in this layer.
func (b *layerBuilder) link(d *node, base string, old *node, linkname string) error {
	comps, err := cleanName(linkname)
	if err != nil {
		return fmt.Errorf("hard link target %q: %w", linkname, err)
	}
	t := b.root
	for _, c := range comps {
		if t == nil || !t.isDir() {
			t = nil
			break
		}
		t = t.kids[c]
	}
	if t == nil || t.whiteout || t.isDir() || t.ino == nil {
		return fmt.Errorf("hard link to %q: not a file in this layer", linkname)
	}
	if t == old {
		return nil
	}
	unlink(old)
	t.ino.nlink++
	d.kids[base] = &node{ino: t.ino}
	return nil
}

// unlink drops a replaced entry's share of its inode's link count.
func unlink(old *node) {
	if old != nil && old.ino != nil && !old.isDir() && old.ino.nlink > 1 {
		old.ino.nlink--
	}
}

// dir returns the directory at comps, creating directories the tar did not
// list. A whiteout on the way becomes an opaque directory (a whiteout and a
// directory of one name in one layer); a file on the way is an error.
func (b *layerBuilder) dir(comps []string) (*node, error) {
	n := b.root
	for i, c := range comps {
		k := n.kids[c]
		switch {
		case k == nil:
			k = newDirNode(0, nil)
		case k.whiteout:
			k = newDirNode(0, nil)
			k.opaque = true
		case !k.isDir():
			return nil, fmt.Errorf("%s is not a directory", strings.Join(comps[:i+1], "/"))
		}
		n.kids[c] = k
		n = k
	}
	return n, nil
}

// inode reads an entry's metadata and, for a regular file, its content.
func (b *layerBuilder) inode(hdr *tar.Header, r io.Reader) (*inode, error) {
	if IsSparse(hdr) {
		// The image spec advises against sparse files, and a few bytes of
		// sparse map can claim terabytes of holes.
		return nil, errors.New("sparse files are not supported")
	}
	if hdr.Uid < 0 || hdr.Gid < 0 {
		return nil, errors.New("negative uid or gid")
	}
	ino := &inode{
		mode:  fileMode(hdr.Mode),
		uid:   hdr.Uid,
		gid:   hdr.Gid,
		mtime: hdr.ModTime,
		nlink: 1,
	}
	for k, v := range hdr.PAXRecords {
		if name, ok := strings.CutPrefix(k, paxXattr); ok {
			if ino.xattrs == nil {
				ino.xattrs = map[string]string{}
			}
			ino.xattrs[name] = v
		}
	}
	switch hdr.Typeflag {
	case tar.TypeReg, '\x00':
		data, err := b.content(r)
		if err != nil {
			return nil, err
		}
		ino.data = data
	case tar.TypeDir:
		ino.mode |= fs.ModeDir
		ino.nlink = 2
	case tar.TypeSymlink:
		ino.mode |= fs.ModeSymlink
		ino.target = hdr.Linkname
	case tar.TypeChar:
		ino.mode |= fs.ModeDevice | fs.ModeCharDevice
		ino.devmajor, ino.devminor = hdr.Devmajor, hdr.Devminor
	case tar.TypeBlock:
		ino.mode |= fs.ModeDevice
		ino.devmajor, ino.devminor = hdr.Devmajor, hdr.Devminor
	case tar.TypeFifo:
		ino.mode |= fs.ModeNamedPipe
	default:
		return nil, fmt.Errorf("unsupported tar entry type %q", hdr.Typeflag)
	}
	return ino, nil
}

// content reads a file's bytes. Files that are all zeros (as synthetic
// package files written by this package are) are kept as Zeros, so loading
// a saved image does not allocate their size.
func (b *layerBuilder) content(r io.Reader) (Content, error) {
	var zeros int64
	for {
		n, err := r.Read(b.buf)
		chunk := b.buf[:n]
		if !allZero(chunk) {
			data := make([]byte, zeros, zeros+int64(n)+4096)
			data = append(data, chunk...)
			rest, err2 := io.ReadAll(r)
			if err2 != nil {
				return nil, err2
			}
			return Bytes(append(data, rest...)), nil
		}
		zeros += int64(n)
		if err == io.EOF {
			return Zeros(zeros), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// IsSparse reports a GNU sparse entry: its holes cost nothing in the
// archive but read back as zeros, so a few bytes of input could claim
// terabytes. Docker never writes them into images or saves.
func IsSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}
