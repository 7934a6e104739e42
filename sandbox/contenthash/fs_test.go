package contenthash

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
	"time"

	"github.com/layerlab/learn/sandbox"
)

// hostFS is a minimal sandbox.ReadFS over a host directory for tests, with
// ownership taken from owners (default root), like a stage's filesystem
// would report it. It trusts its test trees: no escape checks.
type hostFS struct {
	dir    string
	owners map[string]sandbox.Owner
}

func (h *hostFS) host(name string) string {
	return filepath.Join(h.dir, filepath.FromSlash(path.Clean("/"+name)))
}

type ownedInfo struct {
	fs.FileInfo
	o *sandbox.Owner
}

func (o ownedInfo) Sys() any { return o.o }

func (h *hostFS) wrap(name string, fi fs.FileInfo) fs.FileInfo {
	o, ok := h.owners[path.Clean("/"+name)]
	if !ok {
		o = sandbox.Owner{Nlink: 1}
	}
	return ownedInfo{fi, &o}
}

func (h *hostFS) Lstat(name string) (fs.FileInfo, error) {
	fi, err := os.Lstat(h.host(name))
	if err != nil {
		return nil, err
	}
	return h.wrap(name, fi), nil
}

func (h *hostFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := os.Stat(h.host(name))
	if err != nil {
		return nil, err
	}
	return h.wrap(name, fi), nil
}

type ownedEntry struct {
	fs.DirEntry
	h   *hostFS
	dir string
}

func (e ownedEntry) Info() (fs.FileInfo, error) {
	return e.h.Lstat(path.Join(e.dir, e.Name()))
}

func (h *hostFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := os.ReadDir(h.host(name))
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, len(ents))
	for i, e := range ents {
		out[i] = ownedEntry{e, h, path.Clean("/" + name)}
	}
	return out, nil
}

func (h *hostFS) Readlink(name string) (string, error) { return os.Readlink(h.host(name)) }

func (h *hostFS) Open(name string) (sandbox.File, error) { return os.Open(h.host(name)) }

// tree writes files (name -> content; a name ending in "/" is a directory,
// content "->x" makes a symlink to x) under a new temp dir with old mtimes,
// so that the cache's racy-clean guard does not apply.
func tree(dir string, files map[string]string) {
	old := time.Now().Add(-time.Hour)
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		switch {
		case name[len(name)-1] == '/':
			if err := os.MkdirAll(p, 0o755); err != nil {
				panic(err)
			}
		case len(content) > 2 && content[:2] == "->":
			if err := os.Symlink(content[2:], p); err != nil {
				panic(err)
			}
			continue
		default:
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				panic(err)
			}
		}
		if err := os.Chtimes(p, old, old); err != nil {
			panic(err)
		}
	}
}

// FileIdentity makes hostFS behave like a build context for the cache.
func (o ownedInfo) FileIdentity() (dev, ino uint64, ctimeNs int64) {
	if st, ok := o.FileInfo.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev), st.Ino, st.Ctim.Sec*1e9 + st.Ctim.Nsec
	}
	return 0, 0, 0
}

// localFS is hostFS marked as a build context.
type localFS struct{ *hostFS }

func (localFS) IsLocalContext() bool { return true }

// countingFS counts Open calls, to tell cache hits from re-reads.
type countingFS struct {
	sandbox.ReadFS
	opens int
}

func (c *countingFS) Open(name string) (sandbox.File, error) {
	c.opens++
	return c.ReadFS.Open(name)
}
