package hostfs

import (
	"github.com/layerlab/learn/sandbox"
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

func (v *view) Mkdir(name string, perm fs.FileMode) error {
	// mkdir("x/") names x itself: a file or link there is "File exists".
	trimmed := strings.TrimRight(name, "/")
	if trimmed == "" {
		trimmed = "/"
	}
	l, err := v.walk(trimmed, false)
	switch {
	case err != nil:
	case l.exists() || l.isRoot() || l.dot:
		// Linux looks the name up first: an existing path is "File
		// exists" even on a read-only mount or where id may not write.
		err = syscall.EEXIST
	case v.t.ro:
		err = syscall.EROFS
	case !v.allowed(l.parent(), mayWrite|mayExec):
		err = syscall.EACCES
	}
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	rel := l.rel()
	if err := v.t.root.Mkdir(rel, perm&fs.ModePerm); err != nil {
		return pathErr("mkdir", name, errnoOf(err))
	}
	// As for files, the container's umask was applied by the caller; put
	// back what the host's took away. A setgid parent's bit is inherited.
	bits := permBits(perm)
	if l.parent().Mode()&fs.ModeSetgid != 0 {
		bits |= fs.ModeSetgid
	}
	if err := v.t.root.Chmod(rel, bits); err != nil {
		return pathErr("mkdir", name, errnoOf(err))
	}
	return nil
}

func (v *view) MkdirAll(name string, perm fs.FileMode) error {
	return sandbox.MkdirAll(v, name, perm)
}

func (v *view) Remove(name string) error {
	l, err := v.walk(name, false)
	if err == nil {
		err = v.mayRemove(l)
	}
	if err == nil {
		err = v.t.root.Remove(l.rel())
		if err != nil {
			err = errnoOf(err)
		}
	}
	if err != nil {
		return pathErr("remove", name, err)
	}
	return nil
}

// mayRemove checks unlink(2)/rmdir(2) of l in Linux's order: existence,
// read-only mount, permission on the parent, the sticky bit. Emptiness is
// the host's to report.
func (v *view) mayRemove(l *loc) error {
	switch {
	case l.isRoot():
		return syscall.EBUSY
	case !l.exists():
		return syscall.ENOENT
	case l.dot:
		return syscall.EINVAL
	case v.t.ro:
		return syscall.EROFS
	}
	return v.mayDelete(l)
}

// mayDelete checks that the identity may take the entry at l out of its
// directory (remove, or rename away or over).
func (v *view) mayDelete(l *loc) error {
	d := l.parent()
	if !v.allowed(d, mayWrite|mayExec) {
		return syscall.EACCES
	}
	if v.stickyDenies(d, l.info) {
		return syscall.EPERM
	}
	return nil
}

func (v *view) RemoveAll(name string) error {
	// Entries go one by one through Remove, so that a non-root identity
	// meets the same checks as rm -r.
	return sandbox.RemoveAll(v, name)
}

func (v *view) Rename(oldname, newname string) error {
	if err := v.rename(oldname, newname); err != nil {
		return linkErr("rename", oldname, newname, err)
	}
	return nil
}

func (v *view) rename(oldname, newname string) error {
	lo, err := v.walk(oldname, false)
	if err != nil {
		return err
	}
	if !lo.exists() {
		return syscall.ENOENT
	}
	ln, err := v.walk(newname, false)
	if err != nil {
		return err
	}
	switch {
	case lo.isRoot() || ln.isRoot():
		return syscall.EBUSY
	case lo.dot || ln.dot:
		return syscall.EINVAL
	case v.t.ro:
		return syscall.EROFS
	}
	po, pn := lo.comps(), ln.comps()
	if slices.Equal(po, pn) {
		return nil // same name: rename(2) does nothing
	}
	if err := v.mayDelete(lo); err != nil {
		return err
	}
	if ln.exists() {
		if err := v.mayDelete(ln); err != nil {
			return err
		}
	} else if !v.allowed(ln.parent(), mayWrite|mayExec) {
		return syscall.EACCES
	}
	if lo.isDir() {
		if len(pn) > len(po) && slices.Equal(pn[:len(po)], po) {
			return syscall.EINVAL // into its own subtree
		}
		// Moving a directory to another parent rewrites its "..": that
		// needs write permission on the directory itself.
		if !slices.Equal(lo.parentComps(), ln.parentComps()) && !v.allowed(lo.info, mayWrite) {
			return syscall.EACCES
		}
	}
	if err := v.t.root.Rename(lo.rel(), ln.rel()); err != nil {
		return errnoOf(err)
	}
	return nil
}

func (v *view) Symlink(target, linkname string) error {
	l, err := v.walk(linkname, false)
	switch {
	case err != nil:
	case l.exists() || l.isRoot() || l.dot:
		err = syscall.EEXIST
	case v.t.ro:
		err = syscall.EROFS
	case !v.allowed(l.parent(), mayWrite|mayExec):
		err = syscall.EACCES
	}
	if err == nil {
		// The target is stored as given: it is resolved later, inside
		// the tree (or the container), never by the host.
		if err = v.t.root.Symlink(target, l.rel()); err != nil {
			err = errnoOf(err)
		}
	}
	if err != nil {
		return linkErr("symlink", target, linkname, err)
	}
	return nil
}

func (v *view) Link(oldname, newname string) error {
	if err := v.link(oldname, newname); err != nil {
		return linkErr("link", oldname, newname, err)
	}
	return nil
}

func (v *view) link(oldname, newname string) error {
	// link(2) does not follow a final symlink in oldname.
	lo, err := v.walk(oldname, false)
	if err != nil {
		return err
	}
	if !lo.exists() {
		return syscall.ENOENT
	}
	ln, err := v.walk(newname, false)
	if err != nil {
		return err
	}
	switch {
	case ln.exists() || ln.isRoot() || ln.dot:
		return syscall.EEXIST
	case v.t.ro:
		return syscall.EROFS
	case lo.isDir():
		return syscall.EPERM
	}
	// fs.protected_hardlinks (on by default): only the owner, or someone
	// who may read and write a regular file, may link to it. Linux checks
	// this before the permission to create the new name.
	if !v.owns(lo.info) && !(lo.info.Mode().IsRegular() && v.allowed(lo.info, mayRead|mayWrite)) {
		return syscall.EPERM
	}
	if !v.allowed(ln.parent(), mayWrite|mayExec) {
		return syscall.EACCES
	}
	if err := v.t.root.Link(lo.rel(), ln.rel()); err != nil {
		return errnoOf(err)
	}
	return nil
}

// existing resolves a name that must exist, for a change to its metadata.
func (v *view) existing(name string, follow bool) (*loc, error) {
	l, err := v.walk(name, follow)
	switch {
	case err != nil:
		return nil, err
	case !l.exists():
		return nil, syscall.ENOENT
	case v.t.ro:
		return nil, syscall.EROFS
	}
	return l, nil
}

func (v *view) Chmod(name string, mode fs.FileMode) error {
	l, err := v.existing(name, true)
	if err == nil && !v.owns(l.info) {
		err = syscall.EPERM
	}
	if err == nil {
		bits := permBits(mode)
		// Linux silently drops setgid when the caller is not in the file's group.
		if !v.id.IsRoot() && !v.id.InGroup(ownerOf(l.info).GID) {
			bits &^= fs.ModeSetgid
		}
		if err = v.t.root.Chmod(l.rel(), bits); err != nil {
			err = errnoOf(err)
		}
	}
	if err != nil {
		return pathErr("chmod", name, err)
	}
	return nil
}

func (v *view) Chown(name string, uid, gid int) error { return v.chown("chown", name, uid, gid, true) }
func (v *view) Lchown(name string, uid, gid int) error {
	return v.chown("lchown", name, uid, gid, false)
}

func (v *view) chown(op, name string, uid, gid int, follow bool) error {
	l, err := v.existing(name, follow)
	if err != nil {
		return pathErr(op, name, err)
	}
	if !v.id.IsRoot() {
		// A non-root owner may only change the group, to one of its own.
		o := ownerOf(l.info)
		if v.id.UID != o.UID || uid != -1 && uid != o.UID || gid != -1 && gid != o.GID && !v.id.InGroup(gid) {
			return pathErr(op, name, syscall.EPERM)
		}
	}
	if uid == -1 && gid == -1 {
		return nil
	}
	if follow {
		err = v.t.root.Chown(l.rel(), uid, gid)
	} else {
		err = v.t.root.Lchown(l.rel(), uid, gid)
	}
	if err != nil {
		err = errnoOf(err)
		// Root in the container is the host user, who may not give files
		// away: like rootless Docker, keep the host's owner and succeed,
		// so that cp -a, tar and chown -R work on bind mounts.
		if err == syscall.EPERM && v.id.IsRoot() {
			return nil
		}
		return pathErr(op, name, err)
	}
	return nil
}

func (v *view) Chtimes(name string, atime, mtime time.Time) error {
	l, err := v.existing(name, true)
	// The owner may set any time; others with write permission may touch
	// (we cannot tell "now" from an explicit time, so they may set any).
	if err == nil && !v.owns(l.info) && !v.allowed(l.info, mayWrite) {
		err = syscall.EACCES
	}
	if err == nil {
		if err = v.t.root.Chtimes(l.rel(), atime, mtime); err != nil {
			err = errnoOf(err)
		}
	}
	if err != nil {
		return pathErr("chtimes", name, err)
	}
	return nil
}

// WriteSynthetic creates or replaces name as a sparse file of size zero
// bytes, after the checks a create by the view's identity passes
// (sandbox.SyntheticWriter): the host stores a hole, not the bytes.
func (v *view) WriteSynthetic(name string, size int64, perm fs.FileMode) error {
	f, err := v.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	h := f.(*file)
	if err := h.Truncate(size); err != nil {
		h.Close()
		return err
	}
	return h.Close()
}
