package sandbox

import (
	"io"
	"io/fs"
	"time"
)

// ReadFS is a read-only view of a tree: a build context, a stage's root
// filesystem, a layer. Names are absolute, slash-separated paths inside the
// tree ("/", "/app/src/pipeline.py"); implementations clean them and never
// resolve anything outside the tree's root.
type ReadFS interface {
	// Lstat describes name without following a final symlink.
	Lstat(name string) (fs.FileInfo, error)
	// Stat follows symlinks (inside the tree only).
	Stat(name string) (fs.FileInfo, error)
	// ReadDir lists a directory sorted by name.
	ReadDir(name string) ([]fs.DirEntry, error)
	// Readlink returns a symlink's target as stored.
	Readlink(name string) (string, error)
	// Open opens a regular file (following symlinks) for reading.
	Open(name string) (File, error)
}

// FS is a writable container root filesystem as seen by one Identity:
// permission checks apply to that identity the way Linux applies them
// (root bypasses modes but not read-only mounts). Errors are *fs.PathError
// (or *os.LinkError for Rename/Symlink) wrapping a syscall.Errno such as
// ENOENT, EACCES, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY or EROFS, so tools can
// print the messages coreutils prints.
type FS interface {
	ReadFS
	// OpenFile is os.OpenFile inside the container: flags are os.O_*, perm
	// is masked by nothing (the shell applies umask before calling).
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	Mkdir(name string, perm fs.FileMode) error
	MkdirAll(name string, perm fs.FileMode) error
	Remove(name string) error
	RemoveAll(name string) error
	Rename(oldname, newname string) error
	Symlink(target, linkname string) error
	// Link makes a hard link; the two names share content from then on.
	Link(oldname, newname string) error
	Chmod(name string, mode fs.FileMode) error
	Chown(name string, uid, gid int) error
	Lchown(name string, uid, gid int) error
	Chtimes(name string, atime, mtime time.Time) error
	// As returns the same tree seen by another identity.
	As(id Identity) FS
	// Identity is who this view acts as.
	Identity() Identity
}

// File is an open file in a sandbox filesystem.
type File interface {
	io.Reader
	io.Writer
	io.Seeker
	io.Closer
	Stat() (fs.FileInfo, error)
}

// Owner is what FileInfo.Sys() returns for every entry of a sandbox
// filesystem, so callers can read ownership without a syscall type.
type Owner struct {
	UID, GID int
	// Nlink is the number of hard links (1 for most files).
	Nlink int
	// Devmajor and Devminor are set for character and block devices.
	Devmajor, Devminor int64
	// Xattrs holds extended attributes (PAX "SCHILY.xattr." records).
	Xattrs map[string]string
}

// OwnerOf returns the ownership recorded in fi, or root's when fi did not
// come from a sandbox filesystem.
func OwnerOf(fi fs.FileInfo) Owner {
	if o, ok := fi.Sys().(*Owner); ok && o != nil {
		return *o
	}
	return Owner{Nlink: 1}
}

// Identity is the user a process or a filesystem view acts as.
type Identity struct {
	UID, GID int
	// Groups are supplementary group ids.
	Groups []int
	// Name and Home come from /etc/passwd when known (for $HOME, whoami).
	Name, Home string
}

// Root is uid 0, gid 0.
var Root = Identity{UID: 0, GID: 0, Name: "root", Home: "/root"}

// IsRoot reports whether id bypasses permission checks.
func (id Identity) IsRoot() bool { return id.UID == 0 }

// InGroup reports whether gid is id's primary or a supplementary group.
func (id Identity) InGroup(gid int) bool {
	if id.GID == gid {
		return true
	}
	for _, g := range id.Groups {
		if g == gid {
			return true
		}
	}
	return false
}

// SyntheticWriter is implemented by filesystems that can hold a file of a
// given size without its bytes (zeros, generated when read): package
// managers and the base-image catalogue use it so image and layer sizes are
// realistic while memory stays small. Permission checks are those of
// creating the file as the view's identity, which owns it.
type SyntheticWriter interface {
	WriteSynthetic(name string, size int64, perm fs.FileMode) error
}
