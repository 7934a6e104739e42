package layerfs

import (
	"io/fs"
	"os"

	"github.com/layerlab/learn/sandbox"
)

// view is an FS seen by one identity; it implements sandbox.FS.
type view struct {
	f  *FS
	id sandbox.Identity
}

var _ sandbox.FS = (*view)(nil)

func (v *view) As(id sandbox.Identity) sandbox.FS { return &view{f: v.f, id: id} }
func (v *view) Identity() sandbox.Identity        { return v.id }

func (v *view) Lstat(name string) (fs.FileInfo, error) { return v.stat("lstat", name, false) }
func (v *view) Stat(name string) (fs.FileInfo, error)  { return v.stat("stat", name, true) }

func (v *view) stat(op, name string, follow bool) (fs.FileInfo, error) {
	v.f.mu.RLock()
	defer v.f.mu.RUnlock()
	l, err := v.f.walk(v.id, name, follow)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	if l.e == nil {
		return nil, pathErr(op, name, errNotExist)
	}
	return newInfo(baseName(name), l.e.ino()), nil
}

func (v *view) ReadDir(name string) ([]fs.DirEntry, error) {
	v.f.mu.RLock()
	defer v.f.mu.RUnlock()
	l, err := v.f.walk(v.id, name, true)
	if err == nil && l.e == nil {
		err = errNotExist
	}
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if !l.e.isDir() {
		return nil, pathErr("readdirent", name, errNotDir)
	}
	if !allowed(l.e.ino(), v.id, mayRead) {
		return nil, pathErr("open", name, errAccess)
	}
	var out []fs.DirEntry
	for _, n := range names(l.e) {
		out = append(out, fs.FileInfoToDirEntry(newInfo(n, v.f.child(l.e, n).ino())))
	}
	return out, nil
}

func (v *view) Readlink(name string) (string, error) {
	v.f.mu.RLock()
	defer v.f.mu.RUnlock()
	l, err := v.f.walk(v.id, name, false)
	if err == nil && l.e == nil {
		err = errNotExist
	}
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	if !l.e.ino().isSymlink() {
		return "", pathErr("readlink", name, errInval)
	}
	return l.e.ino().target, nil
}

func (v *view) Open(name string) (sandbox.File, error) {
	return v.OpenFile(name, os.O_RDONLY, 0)
}
