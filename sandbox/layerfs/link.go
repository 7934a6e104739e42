package layerfs

import (
	"io/fs"
)

func (v *view) Symlink(target, linkname string) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := f.walk(v.id, linkname, false)
	if err == nil && (l.e != nil || l.isRoot() || l.dot) {
		err = errExist
	}
	if err == nil {
		err = v.mayCreate(l)
	}
	if err != nil {
		return linkErr("symlink", target, linkname, err)
	}
	ino := v.newInode(l, fs.ModeSymlink|0o777)
	ino.mode &^= fs.ModeSetgid
	ino.target = target
	f.put(l, &node{ino: ino})
	return nil
}

func (v *view) Link(oldname, newname string) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := v.link(oldname, newname); err != nil {
		return linkErr("link", oldname, newname, err)
	}
	return nil
}

func (v *view) link(oldname, newname string) error {
	f := v.f
	// link(2) does not follow a final symlink in oldname.
	lo, err := f.walk(v.id, oldname, false)
	if err != nil {
		return err
	}
	if lo.e == nil {
		return errNotExist
	}
	ln, err := f.walk(v.id, newname, false)
	if err != nil {
		return err
	}
	if ln.e != nil || ln.isRoot() || ln.dot {
		return errExist
	}
	if lo.e.isDir() {
		return errPerm
	}
	if err := v.mayCreate(ln); err != nil {
		return err
	}
	// fs.protected_hardlinks (on by default): only the owner, or someone
	// who may read and write a regular file, may link to it.
	if src := lo.e.ino(); !v.id.IsRoot() && v.id.UID != src.uid &&
		!(src.isRegular() && allowed(src, v.id, mayRead|mayWrite)) {
		return errPerm
	}
	ino := f.ownIno(lo)
	ino.nlink++
	f.put(ln, &node{ino: ino})
	return nil
}
