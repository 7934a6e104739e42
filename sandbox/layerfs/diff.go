package layerfs

import (
	"archive/tar"
	"fmt"
	"github.com/layerlab/learn/sandbox"
	"io"
	"io/fs"
	"maps"
	"slices"
	"time"
)

// OCI whiteout names (image-spec layer.md).
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// WriteDiff writes the upper layer as an OCI tar diff: parents before
// children, whiteouts for removed lower entries, an opaque marker for a
// replaced directory, and the same bytes for the same changes.
func (f *FS) WriteDiff(w io.Writer) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return writeTar(w, f.diffTree())
}

// diffTree is the upper layer as a self-contained layer tree: directories
// it only passes through get the merged metadata (a diff lists the parents
// of what changed), and ones left empty by later removals are dropped.
func (f *FS) diffTree() *node {
	root := f.rootEnt()
	out := newDirNode(0, f.upper.ino)
	for name, k := range f.upper.kids {
		if d := f.diffNode(k, root, name); d != nil {
			out.kids[name] = d
		}
	}
	return out
}

func (f *FS) diffNode(n *node, parent *ent, name string) *node {
	if n.whiteout || !n.isDir() {
		return n
	}
	e := f.child(parent, name)
	out := newDirNode(0, n.ino)
	out.opaque = n.opaque
	for kname, k := range n.kids {
		if d := f.diffNode(k, e, kname); d != nil {
			out.kids[kname] = d
		}
	}
	if n.ino == nil {
		if len(out.kids) == 0 && !n.opaque {
			return nil
		}
		out.ino = e.ino()
	}
	return out
}

// epoch is the time written for entries that have none (whiteouts,
// directories no layer describes), so output does not depend on the clock.
var epoch = time.Unix(0, 0).UTC()

// tarWriter writes a layer tree; links remembers the first name written for
// each hard-linked inode so later names become hard links to it.
type tarWriter struct {
	tw    *tar.Writer
	links map[*inode]string
	buf   []byte // one copy buffer for every file: io.Copy would allocate one each
}

func writeTar(w io.Writer, root *node) error {
	t := &tarWriter{tw: tar.NewWriter(w), links: map[*inode]string{}}
	if root.ino != nil {
		if err := t.entry("./", root.ino); err != nil {
			return err
		}
	}
	if root.opaque {
		if err := t.marker(opaqueMarker); err != nil {
			return err
		}
	}
	if err := t.dir(root, ""); err != nil {
		return err
	}
	return t.tw.Close()
}

// dir writes n's children depth-first in name order: parents come before
// children and the order never depends on map iteration. Whiteouts come
// before their siblings, as the image spec asks of layer writers.
func (t *tarWriter) dir(n *node, prefix string) error {
	names := slices.Sorted(maps.Keys(n.kids))
	for _, name := range names {
		if n.kids[name].whiteout {
			if err := t.marker(prefix + whiteoutPrefix + name); err != nil {
				return err
			}
		}
	}
	for _, name := range names {
		k := n.kids[name]
		p := prefix + name
		var err error
		switch {
		case k.whiteout:
		case k.isDir():
			if k.ino != nil {
				err = t.entry(p+"/", k.ino)
			}
			if err == nil && k.opaque {
				err = t.marker(p + "/" + opaqueMarker)
			}
			if err == nil {
				err = t.dir(k, p+"/")
			}
		default:
			err = t.entry(p, k.ino)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *tarWriter) marker(name string) error {
	return t.tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg, Name: name, ModTime: epoch, Format: tar.FormatPAX,
	})
}

func (t *tarWriter) entry(name string, ino *inode) error {
	hdr := header(name, ino)
	if ino.isRegular() && ino.nlink > 1 {
		if first, ok := t.links[ino]; ok {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
			return t.tw.WriteHeader(hdr)
		}
		t.links[ino] = name
	}
	if err := t.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if hdr.Typeflag != tar.TypeReg || hdr.Size == 0 {
		return nil
	}
	var err error
	if m, ok := ino.data.(*memData); ok {
		_, err = t.tw.Write(m.b)
	} else {
		if t.buf == nil {
			t.buf = make([]byte, 32<<10)
		}
		_, err = io.CopyBuffer(t.tw, Open(ino.data), t.buf)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// header is the tar header of an entry, built the way Docker's archive
// package builds them: PAX format, mtime in whole seconds, no atime/ctime,
// no user or group names.
func header(name string, ino *inode) *tar.Header {
	hdr := &tar.Header{
		Name:     name,
		Mode:     tarMode(ino.mode),
		Uid:      ino.uid,
		Gid:      ino.gid,
		ModTime:  ino.mtime.Truncate(time.Second),
		Format:   tar.FormatPAX,
		Typeflag: tar.TypeReg,
	}
	if ino.mtime.IsZero() {
		hdr.ModTime = epoch
	}
	m := ino.mode
	switch {
	case m.IsDir():
		hdr.Typeflag = tar.TypeDir
	case m&fs.ModeSymlink != 0:
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, ino.target
	case m&fs.ModeCharDevice != 0:
		hdr.Typeflag = tar.TypeChar
	case m&fs.ModeDevice != 0:
		hdr.Typeflag = tar.TypeBlock
	case m&fs.ModeNamedPipe != 0:
		hdr.Typeflag = tar.TypeFifo
	default:
		hdr.Size = contentSize(ino.data)
	}
	if m&fs.ModeDevice != 0 {
		hdr.Devmajor, hdr.Devminor = ino.devmajor, ino.devminor
	}
	if len(ino.xattrs) > 0 {
		hdr.PAXRecords = map[string]string{}
		for k, v := range ino.xattrs {
			hdr.PAXRecords[paxXattr+k] = v
		}
	}
	return hdr
}

const paxXattr = "SCHILY.xattr."

// tarMode is the mode field of a tar header.
func tarMode(m fs.FileMode) int64 { return int64(sandbox.UnixMode(m)) }

// fileMode is the inverse of tarMode.
func fileMode(v int64) fs.FileMode { return sandbox.FileMode(uint32(v & 0o7777)) }
