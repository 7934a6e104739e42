package layerfs

import (
	"io"
	"io/fs"
	"os"

	"github.com/layerlab/learn/sandbox"
)

// accMode is the access part of an open flag.
const accMode = os.O_RDONLY | os.O_WRONLY | os.O_RDWR

func (v *view) OpenFile(name string, flag int, perm fs.FileMode) (sandbox.File, error) {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	excl := flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0
	// O_CREATE|O_EXCL never follows a final symlink: the name must be new.
	l, err := f.walk(v.id, name, !excl)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	acc := flag & accMode
	h := &handle{f: f, name: name, flag: flag}
	h.read = acc == os.O_RDONLY || acc == os.O_RDWR
	h.write = acc == os.O_WRONLY || acc == os.O_RDWR
	if l.e == nil {
		if flag&os.O_CREATE == 0 {
			return nil, pathErr("open", name, errNotExist)
		}
		if l.isRoot() || l.dot || name[len(name)-1] == '/' {
			return nil, pathErr("open", name, errIsDir)
		}
		if err := v.mayCreate(l); err != nil {
			return nil, pathErr("open", name, err)
		}
		h.ino = v.newInode(l, permBits(perm))
		h.ino.data, h.ino.own = &memData{}, true
		f.put(l, &node{ino: h.ino})
		return h, nil
	}
	if excl {
		return nil, pathErr("open", name, errExist)
	}
	ino := l.e.ino()
	if h.read && !allowed(ino, v.id, mayRead) || (h.write || flag&os.O_TRUNC != 0) && !allowed(ino, v.id, mayWrite) {
		return nil, pathErr("open", name, errAccess)
	}
	switch {
	case ino.isDir():
		if h.write || flag&os.O_CREATE != 0 {
			return nil, pathErr("open", name, errIsDir)
		}
		h.kind = kindDir
	case ino.isRegular():
		if h.write || flag&os.O_TRUNC != 0 {
			// Writing copies the file up into the upper layer.
			ino = f.ownIno(l)
		}
		if flag&os.O_TRUNC != 0 {
			ino.data, ino.own = &memData{}, true
			ino.mtime = f.now()
		}
	case ino.mode&fs.ModeCharDevice != 0 && ino.devmajor == 1 && ino.devminor == 5:
		h.kind = kindZero
	default:
		// Other devices and fifos behave like /dev/null: nothing to read,
		// writes vanish. Writing to them copies nothing up, as overlayfs.
		h.kind = kindNull
	}
	h.ino = ino
	return h, nil
}

// mayCreate checks that id may add a name to l's parent directory.
func (v *view) mayCreate(l *loc) error {
	if !allowed(l.parent().ino(), v.id, mayWrite|mayExec) {
		return errAccess
	}
	return nil
}

// newInode is the metadata of a file id creates at l: owned by id, or by
// the directory's group when the directory is setgid (BSD group semantics).
func (v *view) newInode(l *loc, mode fs.FileMode) *inode {
	ino := &inode{gen: v.f.gen, mode: mode, uid: v.id.UID, gid: v.id.GID, mtime: v.f.now(), nlink: 1}
	if d := l.parent().ino(); d.mode&fs.ModeSetgid != 0 {
		ino.gid = d.gid
		if mode.IsDir() {
			ino.mode |= fs.ModeSetgid
		}
	}
	return ino
}

type fileKind int

const (
	kindRegular fileKind = iota
	kindDir
	kindNull
	kindZero
)

// handle is an open file. It holds the inode, not the name, as Linux does:
// a file removed while open can still be read and written.
type handle struct {
	f           *FS
	ino         *inode
	name        string
	flag        int
	kind        fileKind
	read, write bool
	off         int64
	closed      bool
}

func (h *handle) Read(p []byte) (int, error) {
	h.f.mu.RLock()
	defer h.f.mu.RUnlock()
	switch {
	case h.closed:
		return 0, pathErr("read", h.name, os.ErrClosed)
	case !h.read:
		return 0, pathErr("read", h.name, errBadF)
	case h.kind == kindDir:
		return 0, pathErr("read", h.name, errIsDir)
	case h.kind == kindNull:
		return 0, io.EOF
	case h.kind == kindZero:
		clear(p)
		return len(p), nil
	}
	if len(p) == 0 {
		return 0, nil
	}
	if h.ino.data == nil {
		return 0, io.EOF
	}
	n, err := h.ino.data.ReadAt(p, h.off)
	h.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (h *handle) Write(p []byte) (int, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	switch {
	case h.closed:
		return 0, pathErr("write", h.name, os.ErrClosed)
	case !h.write:
		return 0, pathErr("write", h.name, errBadF)
	case h.kind != kindRegular:
		return len(p), nil
	}
	// After a Fork or Commit the inode is shared: copy it first.
	h.ino = h.f.reown(h.ino)
	m := writable(h.ino)
	if h.flag&os.O_APPEND != 0 {
		h.off = int64(len(m.b))
	}
	end := h.off + int64(len(p))
	if end > int64(len(m.b)) {
		if end > int64(cap(m.b)) {
			nb := make([]byte, end, max(end, 2*int64(cap(m.b))))
			copy(nb, m.b)
			m.b = nb
		} else {
			m.b = m.b[:end]
		}
	}
	copy(m.b[h.off:], p)
	h.off = end
	h.ino.mtime = h.f.now()
	return len(p), nil
}

func (h *handle) Seek(offset int64, whence int) (int64, error) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if h.closed {
		return 0, pathErr("seek", h.name, os.ErrClosed)
	}
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = h.off
	case io.SeekEnd:
		base = h.ino.size()
	default:
		return 0, pathErr("seek", h.name, errInval)
	}
	if base+offset < 0 {
		return 0, pathErr("seek", h.name, errInval)
	}
	h.off = base + offset
	return h.off, nil
}

func (h *handle) Stat() (fs.FileInfo, error) {
	h.f.mu.RLock()
	defer h.f.mu.RUnlock()
	if h.closed {
		return nil, pathErr("stat", h.name, os.ErrClosed)
	}
	return newInfo(baseName(h.name), h.ino), nil
}

func (h *handle) Close() error {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if h.closed {
		return pathErr("close", h.name, os.ErrClosed)
	}
	h.closed = true
	return nil
}

// ReadFrom lets io.Copy from one open file to a fresh one share the content
// instead of copying it, so `cp` of a large synthetic file stays free. Any
// other copy goes through Write.
func (h *handle) ReadFrom(r io.Reader) (int64, error) {
	src, ok := r.(*handle)
	if !ok {
		return io.Copy(struct{ io.Writer }{h}, r)
	}
	c, ok := src.shareContent()
	if !ok || !h.adopt(c) {
		return io.Copy(struct{ io.Writer }{h}, struct{ io.Reader }{r})
	}
	return c.Size(), nil
}

// shareContent returns the whole content of a regular file opened for
// reading at offset 0, frozen so that neither side changes it in place, and
// moves the offset to the end as a full read would.
func (h *handle) shareContent() (Content, bool) {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if h.closed || !h.read || h.kind != kindRegular || h.off != 0 || h.ino.data == nil {
		return nil, false
	}
	if h.ino.gen == h.f.gen {
		h.ino.own = false // the next write through this inode copies
	} else if h.ino.own {
		return nil, false // shared inode with a private buffer: copy instead
	}
	h.off = h.ino.data.Size()
	return h.ino.data, true
}

// adopt makes c the content of an empty file opened for writing at offset 0.
func (h *handle) adopt(c Content) bool {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	if h.closed || !h.write || h.kind != kindRegular || h.off != 0 || h.ino.size() != 0 {
		return false
	}
	h.ino = h.f.reown(h.ino)
	h.ino.data, h.ino.own = c, false
	h.ino.mtime = h.f.now()
	h.off = c.Size()
	return true
}
