package hostfs

import (
	"errors"
	"io/fs"
	"syscall"
)

// errnoOf is the errno behind a host error, so that callers see the same
// syscall.Errno as from any sandbox.FS and never a host path.
func errnoOf(err error) error {
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		return errno
	case errors.Is(err, fs.ErrNotExist):
		return syscall.ENOENT
	case errors.Is(err, fs.ErrExist):
		return syscall.EEXIST
	case errors.Is(err, fs.ErrPermission):
		return syscall.EACCES
	}
	// os.Root's "path escapes from parent": a component was swapped for a
	// symlink leading out between our walk and the operation. The host
	// was not touched; refuse as a permission problem.
	return syscall.EACCES
}
