package layerfs

import (
	"io/fs"
	"syscall"
	"time"
)

func (v *view) Chmod(name string, mode fs.FileMode) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := v.existing(name, true)
	if err != nil {
		return pathErr("chmod", name, err)
	}
	if !v.id.IsRoot() && v.id.UID != l.e.ino().uid {
		return pathErr("chmod", name, errPerm)
	}
	ino := f.ownIno(l)
	bits := permBits(mode)
	// Linux silently drops setgid when the caller is not in the file's group.
	if !v.id.IsRoot() && !v.id.InGroup(ino.gid) {
		bits &^= fs.ModeSetgid
	}
	ino.mode = ino.mode.Type() | bits
	return nil
}

func (v *view) Chown(name string, uid, gid int) error { return v.chown("chown", name, uid, gid, true) }
func (v *view) Lchown(name string, uid, gid int) error {
	return v.chown("lchown", name, uid, gid, false)
}

func (v *view) chown(op, name string, uid, gid int, follow bool) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := v.existing(name, follow)
	if err != nil {
		return pathErr(op, name, err)
	}
	cur := l.e.ino()
	if !v.id.IsRoot() {
		// A non-root owner may only change the group, to one of its own.
		if v.id.UID != cur.uid || uid != -1 && uid != cur.uid || gid != -1 && gid != cur.gid && !v.id.InGroup(gid) {
			return pathErr(op, name, errPerm)
		}
	}
	if uid == -1 && gid == -1 {
		return nil
	}
	ino := f.ownIno(l)
	if uid != -1 {
		ino.uid = uid
	}
	if gid != -1 {
		ino.gid = gid
	}
	// chown(2) clears setuid, and setgid when group-executable, on files.
	if !ino.isDir() && !ino.isSymlink() {
		ino.mode &^= fs.ModeSetuid
		if ino.mode&0o010 != 0 {
			ino.mode &^= fs.ModeSetgid
		}
	}
	return nil
}

func (v *view) Chtimes(name string, atime, mtime time.Time) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := v.existing(name, true)
	if err != nil {
		return pathErr("chtimes", name, err)
	}
	// The owner may set any time; others with write permission may touch
	// (we cannot tell "now" from an explicit time, so they may set any).
	if cur := l.e.ino(); !v.id.IsRoot() && v.id.UID != cur.uid && !allowed(cur, v.id, mayWrite) {
		return pathErr("chtimes", name, errAccess)
	}
	if mtime.IsZero() {
		return nil // as os.Chtimes: a zero time leaves it unchanged
	}
	f.ownIno(l).mtime = mtime
	return nil
}

// existing resolves a name that must exist.
func (v *view) existing(name string, follow bool) (*loc, error) {
	l, err := v.f.walk(v.id, name, follow)
	if err != nil {
		return nil, err
	}
	if l.e == nil {
		return nil, syscall.ENOENT
	}
	return l, nil
}
