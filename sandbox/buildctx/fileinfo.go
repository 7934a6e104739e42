package buildctx

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/layerlab/learn/sandbox"
	"golang.org/x/sys/unix"
)

// fileInfo is a host FileInfo as the daemon sees it after the transfer: the
// docker client resets uid and gid to 0, everything else is the host's.
type fileInfo struct {
	name  string
	fi    os.FileInfo
	host  string
	once  sync.Once // xattrs are read on first Sys: most infos never need them
	owner sandbox.Owner
	dev   uint64
	ino   uint64
	ctime int64
}

func (c *Context) newInfo(rel, name string, fi os.FileInfo) *fileInfo {
	if rel == "" {
		name = "/"
	}
	info := &fileInfo{name: name, fi: fi, owner: sandbox.Owner{Nlink: 1}}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		info.owner.Nlink = int(st.Nlink)
		info.dev, info.ino = uint64(st.Dev), st.Ino
		info.ctime = st.Ctim.Sec*1e9 + st.Ctim.Nsec
		if fi.Mode()&fs.ModeDevice != 0 {
			info.owner.Devmajor = int64(unix.Major(uint64(st.Rdev)))
			info.owner.Devminor = int64(unix.Minor(uint64(st.Rdev)))
		}
	}
	info.host = c.host(rel)
	return info
}

func (f *fileInfo) Name() string       { return f.name }
func (f *fileInfo) Size() int64        { return f.fi.Size() }
func (f *fileInfo) Mode() fs.FileMode  { return f.fi.Mode() }
func (f *fileInfo) ModTime() time.Time { return f.fi.ModTime() }
func (f *fileInfo) IsDir() bool        { return f.fi.IsDir() }

// Sys returns *sandbox.Owner, never the host's stat: host ownership must not
// leak into hashes or images.
func (f *fileInfo) Sys() any {
	f.once.Do(func() { f.owner.Xattrs = readXattrs(f.host) })
	return &f.owner
}

// FileIdentity lets contenthash's cache tell a replaced file from the one it
// hashed before (contenthash.FileIdentity).
func (f *fileInfo) FileIdentity() (dev, ino uint64, ctimeNs int64) {
	return f.dev, f.ino, f.ctime
}

// readXattrs reads a file's extended attributes the way the docker client
// does (without following links, skipping macOS's com.apple.* bookkeeping).
// Filesystems without xattr support give none.
func readXattrs(host string) map[string]string {
	var buf [1024]byte
	n, err := unix.Llistxattr(host, buf[:])
	names := buf[:max(n, 0)]
	if errors.Is(err, unix.ERANGE) {
		sz, err2 := unix.Llistxattr(host, nil)
		if err2 != nil || sz <= 0 {
			return nil
		}
		big := make([]byte, sz)
		n, err = unix.Llistxattr(host, big)
		names = big[:max(n, 0)]
	}
	if err != nil || n <= 0 {
		return nil
	}
	var out map[string]string
	for _, name := range strings.Split(strings.TrimRight(string(names), "\x00"), "\x00") {
		if name == "" || strings.HasPrefix(name, "com.apple.") {
			continue
		}
		sz, err := unix.Lgetxattr(host, name, nil)
		if err != nil || sz < 0 {
			continue
		}
		val := make([]byte, sz)
		sz, err = unix.Lgetxattr(host, name, val)
		if err != nil {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = string(val[:sz])
	}
	return out
}
