package layerfs

import (
	"io/fs"

	"github.com/layerlab/learn/sandbox"
)

// Access bits as in access(2).
const (
	mayExec  fs.FileMode = 1
	mayWrite fs.FileMode = 2
	mayRead  fs.FileMode = 4
)

// allowed reports whether id may access ino for want (a mask of may*), with
// Linux's rules: the owner class is used if id owns the file, else the group
// class if id is in its group, else other; root passes read and write always
// and exec when the file is a directory or has any x bit.
func allowed(ino *inode, id sandbox.Identity, want fs.FileMode) bool {
	perm := ino.mode.Perm()
	if id.IsRoot() {
		return want&mayExec == 0 || ino.isDir() || perm&0o111 != 0
	}
	var bits fs.FileMode
	switch {
	case id.UID == ino.uid:
		bits = perm >> 6
	case id.InGroup(ino.gid):
		bits = perm >> 3 & 7
	default:
		bits = perm & 7
	}
	return bits&want == want
}

// CanExec reports whether id may execute the file fi describes (fi from a
// layerfs view, or any FileInfo, in which case root owns it): a regular file
// with the x bit of id's class, or for root any x bit.
func CanExec(fi fs.FileInfo, id sandbox.Identity) bool {
	if !fi.Mode().IsRegular() {
		return false
	}
	o := sandbox.OwnerOf(fi)
	return allowed(&inode{mode: fi.Mode(), uid: o.UID, gid: o.GID}, id, mayExec)
}

// stickyDenies reports whether the sticky bit of dir forbids id from
// removing or renaming victim: only its owner, the directory's owner or
// root may (the rule that protects /tmp).
func stickyDenies(dir, victim *inode, id sandbox.Identity) bool {
	return dir.mode&fs.ModeSticky != 0 && !id.IsRoot() &&
		id.UID != dir.uid && id.UID != victim.uid
}

// permBits keeps the bits chmod may set: permissions and setuid/setgid/sticky.
func permBits(m fs.FileMode) fs.FileMode {
	return m & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}
