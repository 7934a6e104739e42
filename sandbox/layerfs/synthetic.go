package layerfs

import (
	"io/fs"
	"path"

	"github.com/layerlab/learn/sandbox"
)

// WriteContent creates or replaces the regular file name with content c,
// acting as root: package managers and image catalogues use it to lay down
// files without holding their bytes. Missing parents are created (0755, root).
func (f *FS) WriteContent(name string, c Content, perm fs.FileMode, uid, gid int) error {
	root := f.View(sandbox.Root).(*view)
	if dir := path.Dir(path.Join("/", name)); dir != "/" {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := f.walk(sandbox.Root, name, true)
	if err == nil && (l.isRoot() || l.dot || l.e != nil && l.e.isDir()) {
		err = errIsDir
	}
	if err != nil {
		return pathErr("open", name, err)
	}
	f.put(l, &node{ino: &inode{
		gen: f.gen, mode: permBits(perm), uid: uid, gid: gid,
		mtime: f.now(), data: c, nlink: 1,
	}})
	return nil
}

// WriteSynthetic writes a file of size zero bytes that costs no memory: the
// layer's size and tar bytes (and so its digest) are real.
func (f *FS) WriteSynthetic(name string, size int64, perm fs.FileMode, uid, gid int) error {
	return f.WriteContent(name, Zeros(size), perm, uid, gid)
}
