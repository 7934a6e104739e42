package layerfs

import (
	"github.com/layerlab/learn/sandbox"
	"io/fs"
	"strings"
)

func (v *view) Mkdir(name string, perm fs.FileMode) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	// mkdir("x/") names x itself: a file or link there is "File exists".
	trimmed := strings.TrimRight(name, "/")
	if trimmed == "" {
		trimmed = "/"
	}
	l, err := f.walk(v.id, trimmed, false)
	if err == nil && (l.e != nil || l.isRoot() || l.dot) {
		// Linux looks the name up before checking permissions: mkdir of an
		// existing path says "File exists" even where id may not write.
		err = errExist
	}
	if err == nil {
		err = v.mayCreate(l)
	}
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	ino := v.newInode(l, fs.ModeDir|permBits(perm))
	ino.nlink = 2
	f.put(l, f.newDir(l, ino))
	return nil
}

func (v *view) MkdirAll(name string, perm fs.FileMode) error {
	return sandbox.MkdirAll(v, name, perm)
}

func (v *view) Remove(name string) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := f.walk(v.id, name, false)
	if err == nil {
		err = v.remove(l)
	}
	if err != nil {
		return pathErr("remove", name, err)
	}
	return nil
}

// remove is unlink(2), or rmdir(2) for a directory, in the order Linux
// checks: existence, permission on the parent, the sticky bit, emptiness.
func (v *view) remove(l *loc) error {
	f := v.f
	switch {
	case l.isRoot():
		return errBusy
	case l.e == nil:
		return errNotExist
	case l.dot:
		return errInval
	}
	if err := v.mayDelete(l); err != nil {
		return err
	}
	if l.e.isDir() && len(names(l.e)) > 0 {
		return errNotEmpty
	}
	var ino *inode
	if !l.e.isDir() && l.e.ino().nlink > 1 {
		ino = f.ownIno(l) // the other names must see the link count drop
	}
	f.del(l)
	if ino != nil {
		ino.nlink--
	}
	return nil
}

// mayDelete checks that id may remove or rename away the entry at l.
func (v *view) mayDelete(l *loc) error {
	d := l.parent().ino()
	if !allowed(d, v.id, mayWrite|mayExec) {
		return errAccess
	}
	if stickyDenies(d, l.e.ino(), v.id) {
		return errPerm
	}
	return nil
}

func (v *view) RemoveAll(name string) error {
	return sandbox.RemoveAll(v, name)
}
