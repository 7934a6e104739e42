package mountfs

import (
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/layerlab/learn/sandbox"
)

func (v *view) Mkdir(name string, perm fs.FileMode) error {
	trimmed := strings.TrimRight(name, "/")
	if trimmed == "" {
		trimmed = "/"
	}
	l, err := v.walk(trimmed, false)
	if err == nil && (l.exists() || l.dot) {
		err = syscall.EEXIST // before EROFS, as Linux looks the name up first
	}
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	i, rel := v.t.route(l.path())
	if v.readOnly(i) {
		return pathErr("mkdir", name, syscall.EROFS)
	}
	v.materialize(l.parentPath())
	return fixPath(v.fsOf(i).Mkdir(rel, perm), rel, name)
}

func (v *view) MkdirAll(name string, perm fs.FileMode) error {
	return sandbox.MkdirAll(v, name, perm)
}

func (v *view) Remove(name string) error {
	l, err := v.walk(name, false)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return pathErr("remove", name, err)
	}
	p := l.path()
	if err := v.pinnedErr(p); err != nil {
		return pathErr("remove", name, err)
	}
	if l.dot {
		return pathErr("remove", name, syscall.EINVAL) // rmdir("d/.")
	}
	i, rel := v.t.route(p)
	if v.readOnly(i) {
		return pathErr("remove", name, syscall.EROFS)
	}
	return fixPath(v.fsOf(i).Remove(rel), rel, name)
}

// pinnedErr is why the canonical path p cannot be removed or renamed:
// a mountpoint (or the root) is busy; a directory above one is not empty.
func (v *view) pinnedErr(p string) error {
	if _, ok := v.t.byTarget[p]; ok || p == "/" {
		return syscall.EBUSY
	}
	if v.t.anc[p] {
		return syscall.ENOTEMPTY
	}
	return nil
}

func (v *view) RemoveAll(name string) error {
	if name == "." || strings.HasSuffix(name, "/.") {
		return pathErr("RemoveAll", name, syscall.EINVAL)
	}
	l, err := v.walk(name, false)
	if err == nil && !l.exists() {
		return nil
	}
	if err != nil {
		if err == syscall.ENOENT {
			return nil
		}
		return pathErr("RemoveAll", name, err)
	}
	p := l.path()
	if _, ok := v.t.byTarget[p]; ok || p == "/" {
		return pathErr("remove", name, syscall.EBUSY)
	}
	if !v.t.anc[p] && !l.dot {
		// No mountpoint below: the filesystem it lives in does it all.
		i, rel := v.t.route(p)
		if v.readOnly(i) {
			return pathErr("remove", name, syscall.EROFS)
		}
		return fixPath(v.fsOf(i).RemoveAll(rel), rel, name)
	}
	// Mountpoints below: remove around them and stop at each with EBUSY,
	// leaving what is mounted alone. (A name ending in ".." also goes
	// this way, so that the final Remove refuses it by that name.)
	ents, err := v.ReadDir(name)
	if err != nil {
		return err
	}
	var first error
	for _, e := range ents {
		if err := v.RemoveAll(strings.TrimRight(name, "/") + "/" + e.Name()); err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return first
	}
	return v.Remove(name)
}

func (v *view) Rename(oldname, newname string) error {
	if err := v.rename(oldname, newname); err != nil {
		return linkErr("rename", oldname, newname, err)
	}
	return nil
}

// twoNames resolves the two names of a rename or link, without following
// final symlinks, and checks they are on one filesystem that may change.
func (v *view) twoNames(oldname, newname string, mayExist bool) (i int, relOld, relNew string, err error) {
	lo, err := v.walk(oldname, false)
	if err == nil && !lo.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return 0, "", "", err
	}
	ln, err := v.walk(newname, false)
	if err != nil {
		return 0, "", "", err
	}
	if !mayExist && (ln.exists() || ln.dot) {
		return 0, "", "", syscall.EEXIST
	}
	po, pn := lo.path(), ln.path()
	if err := v.pinnedErr(po); err != nil {
		return 0, "", "", syscall.EBUSY
	}
	if ln.exists() {
		if err := v.pinnedErr(pn); err != nil {
			return 0, "", "", syscall.EBUSY
		}
	}
	iOld, relOld := v.t.route(po)
	iNew, relNew := v.t.route(pn)
	switch {
	case iOld != iNew:
		// Across mounts: mv copies instead, as it does on Linux.
		return 0, "", "", syscall.EXDEV
	case lo.dot || ln.dot:
		return 0, "", "", syscall.EBUSY // as rename(2) for a name ending in . or ..
	case v.readOnly(iOld):
		return 0, "", "", syscall.EROFS
	}
	if !ln.exists() {
		v.materialize(ln.parentPath())
	}
	return iOld, relOld, relNew, nil
}

func (v *view) rename(oldname, newname string) error {
	i, ro, rn, err := v.twoNames(oldname, newname, true)
	if err != nil {
		return err
	}
	return errnoOf(v.fsOf(i).Rename(ro, rn))
}

func (v *view) Link(oldname, newname string) error {
	i, ro, rn, err := v.twoNames(oldname, newname, false)
	if err == nil {
		err = v.fsOf(i).Link(ro, rn)
	}
	if err != nil {
		return linkErr("link", oldname, newname, errnoOf(err))
	}
	return nil
}

func (v *view) Symlink(target, linkname string) error {
	l, err := v.walk(linkname, false)
	if err == nil && (l.exists() || l.dot) {
		err = syscall.EEXIST
	}
	if err == nil {
		i, rel := v.t.route(l.path())
		if v.readOnly(i) {
			err = syscall.EROFS
		} else {
			v.materialize(l.parentPath())
			err = v.fsOf(i).Symlink(target, rel)
		}
	}
	if err != nil {
		return linkErr("symlink", target, linkname, errnoOf(err))
	}
	return nil
}

// existing resolves a name whose metadata is about to change and returns
// the filesystem and name to change it in; a synthetic directory is made
// real first, so the change has somewhere to live.
func (v *view) existing(name string, follow bool) (sandbox.FS, string, error) {
	l, err := v.walk(name, follow)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, "", err
	}
	p := l.path()
	i, rel := v.t.route(p)
	if v.readOnly(i) {
		return nil, "", syscall.EROFS
	}
	if l.synthetic() {
		v.materialize(p)
	}
	return v.fsOf(i), rel, nil
}

func (v *view) Chmod(name string, mode fs.FileMode) error {
	f, rel, err := v.existing(name, true)
	if err != nil {
		return pathErr("chmod", name, err)
	}
	return fixPath(f.Chmod(rel, mode), rel, name)
}

func (v *view) Chown(name string, uid, gid int) error {
	f, rel, err := v.existing(name, true)
	if err != nil {
		return pathErr("chown", name, err)
	}
	return fixPath(f.Chown(rel, uid, gid), rel, name)
}

func (v *view) Lchown(name string, uid, gid int) error {
	f, rel, err := v.existing(name, false)
	if err != nil {
		return pathErr("lchown", name, err)
	}
	return fixPath(f.Lchown(rel, uid, gid), rel, name)
}

func (v *view) Chtimes(name string, atime, mtime time.Time) error {
	f, rel, err := v.existing(name, true)
	if err != nil {
		return pathErr("chtimes", name, err)
	}
	return fixPath(f.Chtimes(rel, atime, mtime), rel, name)
}

// WriteSynthetic passes a synthetic file to the filesystem it lands in
// when that one can hold it; otherwise it makes a file of that size the
// cheapest way the file allows (a hole where it can truncate).
func (v *view) WriteSynthetic(name string, size int64, perm fs.FileMode) error {
	l, err := v.walk(name, true)
	switch {
	case err != nil:
	case l.isDir() || l.dot:
		err = syscall.EISDIR
	}
	if err != nil {
		return pathErr("open", name, err)
	}
	i, rel := v.t.route(l.path())
	if v.readOnly(i) {
		return pathErr("open", name, syscall.EROFS)
	}
	if !l.exists() {
		v.materialize(l.parentPath())
	}
	f := v.fsOf(i)
	if sw, ok := f.(sandbox.SyntheticWriter); ok {
		return fixPath(sw.WriteSynthetic(rel, size, perm), rel, name)
	}
	h, err := f.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return fixPath(err, rel, name)
	}
	if t, ok := h.(interface{ Truncate(int64) error }); ok {
		err = t.Truncate(size)
	} else if size > 0 {
		if _, err = h.Seek(size-1, io.SeekStart); err == nil {
			_, err = h.Write([]byte{0})
		}
	}
	if cerr := h.Close(); err == nil {
		err = cerr
	}
	return fixPath(err, rel, name)
}
