package hostfs

import (
	"io/fs"
)

// Access bits as in access(2).
const (
	mayExec  fs.FileMode = 1
	mayWrite fs.FileMode = 2
	mayRead  fs.FileMode = 4
)

// allowed reports whether the view's identity may access the host entry fi
// for want, with Linux's owner/group/other rules against the host's modes
// and owners. Root is not checked here: it stands for the host user, and
// the host's own answer to the real syscall is the one that counts.
func (v *view) allowed(fi fs.FileInfo, want fs.FileMode) bool {
	if v.id.IsRoot() {
		return true
	}
	o := ownerOf(fi)
	perm := fi.Mode().Perm()
	var bits fs.FileMode
	switch {
	case v.id.UID == o.UID:
		bits = perm >> 6
	case v.id.InGroup(o.GID):
		bits = perm >> 3 & 7
	default:
		bits = perm & 7
	}
	return bits&want == want
}

// owns reports whether the identity owns fi (root owns everything).
func (v *view) owns(fi fs.FileInfo) bool {
	return v.id.IsRoot() || v.id.UID == ownerOf(fi).UID
}

// stickyDenies reports whether the sticky bit of dir forbids removing or
// renaming victim: only its owner, the directory's owner or root may.
func (v *view) stickyDenies(dir, victim fs.FileInfo) bool {
	return dir.Mode()&fs.ModeSticky != 0 && !v.id.IsRoot() &&
		v.id.UID != ownerOf(dir).UID && v.id.UID != ownerOf(victim).UID
}

// permBits keeps the bits chmod may set: permissions and setuid/setgid/sticky.
func permBits(m fs.FileMode) fs.FileMode {
	return m & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}
