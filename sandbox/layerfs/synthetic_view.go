package layerfs

import (
	"io/fs"
	"os"

	"github.com/layerlab/learn/sandbox"
)

// WriteSynthetic creates or replaces name as a file of size zero bytes,
// owned by the view's identity, after the permission checks a create by
// that identity would pass (sandbox.SyntheticWriter).
func (v *view) WriteSynthetic(name string, size int64, perm fs.FileMode) error {
	// Creating through OpenFile applies this identity's permission checks
	// and ownership rules (setgid directories); the content is then swapped
	// for zeros that take no memory.
	f, err := v.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fi, err := v.Stat(name)
	if err != nil {
		return err
	}
	o := sandbox.OwnerOf(fi)
	return v.f.WriteContent(name, Zeros(size), fi.Mode().Perm()|fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky), o.UID, o.GID)
}
