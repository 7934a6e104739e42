package mountfs

import (
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

func (v *view) Lstat(name string) (fs.FileInfo, error) { return v.stat("lstat", name, false) }
func (v *view) Stat(name string) (fs.FileInfo, error)  { return v.stat("stat", name, true) }

func (v *view) stat(op, name string, follow bool) (fs.FileInfo, error) {
	l, err := v.walk(name, follow)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return withName(l.info, baseName(name)), nil
}

func (v *view) ReadDir(name string) ([]fs.DirEntry, error) {
	l, err := v.walk(name, true)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if !l.isDir() {
		return nil, pathErr("readdirent", name, syscall.ENOTDIR)
	}
	p := l.path()
	var ents []fs.DirEntry
	if !l.synthetic() {
		i, rel := v.t.route(p)
		ents, err = v.fsOf(i).ReadDir(rel)
		if err != nil {
			return nil, fixPath(err, rel, name)
		}
	}
	kids := v.t.kids[p]
	if len(kids) == 0 {
		return ents, nil
	}
	// Mountpoints and the directories leading to them are listed as what
	// they show, whether or not the filesystem below has them.
	ents = slices.DeleteFunc(ents, func(e fs.DirEntry) bool { return slices.Contains(kids, e.Name()) })
	for _, k := range kids {
		fi, err := v.lstatCanon(path.Join(p, k))
		if err != nil {
			return nil, pathErr("open", name, err)
		}
		ents = append(ents, fs.FileInfoToDirEntry(withName(fi, k)))
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, nil
}

func (v *view) Readlink(name string) (string, error) {
	l, err := v.walk(name, false)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	if l.info.Mode()&fs.ModeSymlink == 0 {
		return "", pathErr("readlink", name, syscall.EINVAL)
	}
	i, rel := v.t.route(l.path())
	target, err := v.fsOf(i).Readlink(rel)
	return target, fixPath(err, rel, name)
}

func (v *view) Open(name string) (sandbox.File, error) {
	return v.OpenFile(name, os.O_RDONLY, 0)
}

// accMode is the access part of an open flag.
const accMode = os.O_RDONLY | os.O_WRONLY | os.O_RDWR

func (v *view) OpenFile(name string, flag int, perm fs.FileMode) (sandbox.File, error) {
	excl := flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0
	l, err := v.walk(name, !excl)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	acc := flag & accMode
	write := acc == os.O_WRONLY || acc == os.O_RDWR
	p := l.path()
	i, rel := v.t.route(p)
	switch {
	case !l.exists() && flag&os.O_CREATE == 0:
		return nil, pathErr("open", name, syscall.ENOENT)
	case l.exists() && excl:
		return nil, pathErr("open", name, syscall.EEXIST)
	case l.isDir() && (write || flag&os.O_CREATE != 0):
		return nil, pathErr("open", name, syscall.EISDIR)
	case v.readOnly(i) && (write || flag&os.O_TRUNC != 0 || !l.exists()):
		return nil, pathErr("open", name, syscall.EROFS)
	case l.synthetic():
		return &dirFile{info: withName(l.info, baseName(name)), name: name}, nil
	}
	if !l.exists() {
		v.materialize(l.parentPath())
	}
	f, err := v.fsOf(i).OpenFile(rel, flag, perm)
	if err != nil {
		return nil, fixPath(err, rel, name)
	}
	return f, nil
}

// dirFile is an open synthetic directory: it has a Stat and nothing to read.
type dirFile struct {
	info   fs.FileInfo
	name   string
	closed bool
}

func (d *dirFile) Read([]byte) (int, error)  { return 0, pathErr("read", d.name, syscall.EISDIR) }
func (d *dirFile) Write([]byte) (int, error) { return 0, pathErr("write", d.name, syscall.EBADF) }
func (d *dirFile) Seek(int64, int) (int64, error) {
	return 0, nil
}
func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Close() error {
	if d.closed {
		return pathErr("close", d.name, os.ErrClosed)
	}
	d.closed = true
	return nil
}
