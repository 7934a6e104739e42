//go:build unix

package hostfs

import (
	"io/fs"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

// ownerOf reads the host's ownership and link count of fi (from os.Root).
func ownerOf(fi fs.FileInfo) sandbox.Owner {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return sandbox.Owner{Nlink: 1}
	}
	o := sandbox.Owner{UID: int(st.Uid), GID: int(st.Gid), Nlink: int(st.Nlink)}
	if fi.Mode()&fs.ModeDevice != 0 {
		// Linux's dev_t encoding (glibc major/minor).
		dev := uint64(st.Rdev)
		o.Devmajor = int64((dev>>8)&0xfff | (dev>>32)&^0xfff)
		o.Devminor = int64(dev&0xff | (dev>>12)&^0xff)
	}
	return o
}
