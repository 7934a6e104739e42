//go:build unix

package shell

import (
	"io/fs"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

// sysInfo wraps a sandbox FileInfo so that code in mvdan.cc/sh which
// asserts Sys() to *syscall.Stat_t (the -O/-G tests that reach the builtin
// through eval, atime for -N) reads our ownership instead of panicking.
type sysInfo struct{ fs.FileInfo }

func (s sysInfo) Sys() any {
	o := sandbox.OwnerOf(s.FileInfo)
	return &syscall.Stat_t{Uid: uint32(o.UID), Gid: uint32(o.GID)}
}

func wrapInfo(fi fs.FileInfo) fs.FileInfo { return sysInfo{fi} }
