package layerfs

import (
	"io/fs"
	"maps"
	"time"
)

// inode is the metadata and content of one file; hard links share it.
//
// gen says which FS may change it in place: only the FS whose current
// generation equals gen. Everyone else (lower layers, a forked sibling, a
// committed layer) copies it first, which is what makes Fork and Commit cheap.
type inode struct {
	gen      uint64
	mode     fs.FileMode // type bits, permissions, setuid/setgid/sticky
	uid, gid int
	mtime    time.Time
	target   string // symlink target as stored
	devmajor int64
	devminor int64
	xattrs   map[string]string
	data     Content // regular files; nil means empty
	own      bool    // data is a *memData this inode may change in place
	nlink    int
}

func (i *inode) clone(gen uint64) *inode {
	c := *i
	c.gen = gen
	c.own = false
	c.xattrs = maps.Clone(i.xattrs)
	return &c
}

func (i *inode) isDir() bool     { return i.mode.IsDir() }
func (i *inode) isSymlink() bool { return i.mode&fs.ModeSymlink != 0 }
func (i *inode) isRegular() bool { return i.mode.IsRegular() }

func (i *inode) size() int64 {
	switch {
	case i.isRegular():
		return contentSize(i.data)
	case i.isSymlink():
		return int64(len(i.target))
	case i.isDir():
		return 4096 // what ls -l shows for a directory on ext4/overlay
	}
	return 0
}

// defaultDir is the metadata of a directory no layer describes (a tar that
// lists a/b without a/). Its gen is 0, so nobody changes it in place.
var defaultDir = &inode{mode: fs.ModeDir | 0o755, nlink: 2}

// node is one name in one layer's tree.
type node struct {
	gen      uint64
	ino      *inode           // nil for whiteouts and for directories a layer only passes through
	kids     map[string]*node // non-nil exactly for directories
	whiteout bool             // hides this name in the layers below
	opaque   bool             // a directory hiding everything below it in lower layers
}

func (n *node) isDir() bool { return n.kids != nil }

func (n *node) clone(gen uint64) *node {
	c := *n
	c.gen = gen
	if n.kids != nil {
		c.kids = maps.Clone(n.kids)
	}
	return &c
}

func newDirNode(gen uint64, ino *inode) *node {
	return &node{gen: gen, ino: ino, kids: map[string]*node{}}
}
