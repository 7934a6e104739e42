package layerfs

import (
	"io/fs"
	"os"
	"syscall"
)

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func linkErr(op, oldname, newname string, err error) error {
	return &os.LinkError{Op: op, Old: oldname, New: newname, Err: err}
}

var (
	errNotExist = syscall.ENOENT
	errAccess   = syscall.EACCES
	errPerm     = syscall.EPERM
	errExist    = syscall.EEXIST
	errNotDir   = syscall.ENOTDIR
	errIsDir    = syscall.EISDIR
	errNotEmpty = syscall.ENOTEMPTY
	errInval    = syscall.EINVAL
	errBusy     = syscall.EBUSY
	errBadF     = syscall.EBADF
)
