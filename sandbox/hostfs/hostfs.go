package hostfs

import (
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/layerlab/learn/sandbox"
)

// Options say how a host directory is shown.
type Options struct {
	// ReadOnly refuses every change with EROFS, as a `:ro` mount does.
	ReadOnly bool
	// Identity is who the returned view acts as.
	Identity sandbox.Identity
}

// tree is one host directory, shared by every view of it.
type tree struct {
	// root confines every host operation to the directory (openat with
	// O_NOFOLLOW per component): names reaching it are already resolved by
	// walk, so it only ever follows a symlink when one appears behind our
	// back, and then only inside the directory.
	root *os.Root
	ro   bool
}

// view is the tree seen by one identity; it implements sandbox.FS.
type view struct {
	t  *tree
	id sandbox.Identity
}

var (
	_ sandbox.FS              = (*view)(nil)
	_ sandbox.SyntheticWriter = (*view)(nil)
)

// New shows the host directory dir as a sandbox.FS whose "/" is dir.
//
// Ownership is the host's: entries show their real uid and gid, and files
// created through the view belong to the user running learn, whatever the
// view's identity (we are not root on the host and cannot give them away).
// A non-root identity is checked with Linux's rules against the host modes
// and owners before the host is asked; root skips those checks and can do
// what the host user can, the host's EACCES and EPERM being reported as
// they come. The one exception is Chown by root: when the host refuses
// with EPERM the change is silently dropped, as in rootless Docker, so
// that `cp -a` or `chown -R` in a container do not fail on a bind mount.
//
// The directory stays open (a file descriptor) for the life of the result.
func New(dir string, opts Options) (sandbox.FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening host directory %s: %w", dir, err)
	}
	return &view{t: &tree{root: r, ro: opts.ReadOnly}, id: opts.Identity}, nil
}

func (v *view) As(id sandbox.Identity) sandbox.FS { return &view{t: v.t, id: id} }
func (v *view) Identity() sandbox.Identity        { return v.id }

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func linkErr(op, oldname, newname string, err error) error {
	return &os.LinkError{Op: op, Old: oldname, New: newname, Err: err}
}

// splitPath splits a slash-separated path into its non-empty components.
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// baseName is what FileInfo.Name reports for a path, as os.Stat does.
func baseName(name string) string {
	c := splitPath(name)
	if len(c) == 0 {
		return "/"
	}
	return c[len(c)-1]
}
