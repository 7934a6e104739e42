package layerfs

import (
	"io/fs"
	"maps"
	"time"

	"github.com/layerlab/learn/sandbox"
)

// fileInfo describes one entry; Sys returns *sandbox.Owner.
type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
	owner sandbox.Owner
}

func newInfo(name string, ino *inode) *fileInfo {
	nlink := ino.nlink
	if nlink < 1 {
		nlink = 1
	}
	return &fileInfo{
		name:  name,
		size:  ino.size(),
		mode:  ino.mode,
		mtime: ino.mtime,
		owner: sandbox.Owner{
			UID: ino.uid, GID: ino.gid, Nlink: nlink,
			Devmajor: ino.devmajor, Devminor: ino.devminor,
			Xattrs: maps.Clone(ino.xattrs),
		},
	}
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fileInfo) Sys() any           { o := fi.owner; return &o }

// baseName is what FileInfo.Name reports for a path, as os.Stat does.
func baseName(name string) string {
	c := splitPath(name)
	if len(c) == 0 {
		return "/"
	}
	return c[len(c)-1]
}
