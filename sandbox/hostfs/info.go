package hostfs

import (
	"io/fs"
	"time"

	"github.com/layerlab/learn/sandbox"
)

// fileInfo describes a host entry under its container name; Sys returns
// *sandbox.Owner with the host's uid and gid.
type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
	owner sandbox.Owner
}

func newInfo(name string, fi fs.FileInfo) *fileInfo {
	return &fileInfo{name: name, size: fi.Size(), mode: fi.Mode(), mtime: fi.ModTime(), owner: ownerOf(fi)}
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fileInfo) Sys() any           { o := fi.owner; return &o }

// dirEntry is one name from ReadDir; its Info is read when asked for, from
// inside the tree, so listing a large directory costs one getdents.
type dirEntry struct {
	v    *view
	rel  string // host-relative path of the entry
	name string
	typ  fs.FileMode
}

func (d *dirEntry) Name() string      { return d.name }
func (d *dirEntry) IsDir() bool       { return d.typ.IsDir() }
func (d *dirEntry) Type() fs.FileMode { return d.typ }
func (d *dirEntry) Info() (fs.FileInfo, error) {
	fi, err := d.v.t.root.Lstat(d.rel)
	if err != nil {
		return nil, pathErr("lstat", d.name, errnoOf(err))
	}
	return newInfo(d.name, fi), nil
}
func (d *dirEntry) String() string { return fs.FormatDirEntry(d) }
