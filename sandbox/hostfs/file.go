package hostfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

// accMode is the access part of an open flag.
const accMode = os.O_RDONLY | os.O_WRONLY | os.O_RDWR

func (v *view) OpenFile(name string, flag int, perm fs.FileMode) (sandbox.File, error) {
	excl := flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0
	// O_CREATE|O_EXCL never follows a final symlink: the name must be new.
	l, err := v.walk(name, !excl)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	acc := flag & accMode
	write := acc == os.O_WRONLY || acc == os.O_RDWR
	if !l.exists() {
		if flag&os.O_CREATE == 0 {
			return nil, pathErr("open", name, syscall.ENOENT)
		}
		if l.isRoot() || l.dot || name[len(name)-1] == '/' {
			return nil, pathErr("open", name, syscall.EISDIR)
		}
		if v.t.ro {
			return nil, pathErr("open", name, syscall.EROFS)
		}
		if !v.allowed(l.parent(), mayWrite|mayExec) {
			return nil, pathErr("open", name, syscall.EACCES)
		}
		f, err := v.t.root.OpenFile(l.rel(), flag, perm&fs.ModePerm)
		if err != nil {
			return nil, pathErr("open", name, errnoOf(err))
		}
		// The shell applied the container's umask already; the host's
		// must not take more bits away.
		if err := f.Chmod(permBits(perm)); err != nil {
			f.Close()
			return nil, pathErr("open", name, errnoOf(err))
		}
		return &file{f: f, name: name}, nil
	}
	if excl {
		return nil, pathErr("open", name, syscall.EEXIST)
	}
	if l.isDir() && (write || flag&os.O_CREATE != 0) {
		return nil, pathErr("open", name, syscall.EISDIR)
	}
	if v.t.ro && (write || flag&os.O_TRUNC != 0) {
		return nil, pathErr("open", name, syscall.EROFS)
	}
	if (acc == os.O_RDONLY || acc == os.O_RDWR) && !v.allowed(l.info, mayRead) ||
		(write || flag&os.O_TRUNC != 0) && !v.allowed(l.info, mayWrite) {
		return nil, pathErr("open", name, syscall.EACCES)
	}
	f, err := v.t.root.OpenFile(l.rel(), flag&^os.O_CREATE, 0)
	if err != nil {
		return nil, pathErr("open", name, errnoOf(err))
	}
	return &file{f: f, name: name}, nil
}

// file is an open host file that reports errors and names as the
// container sees them.
type file struct {
	f    *os.File
	name string
}

// fileErr replaces the host path in err with the container name.
func (h *file) fileErr(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return pathErr(op, h.name, errnoOf(err))
}

func (h *file) Read(p []byte) (int, error) {
	n, err := h.f.Read(p)
	return n, h.fileErr("read", err)
}

func (h *file) Write(p []byte) (int, error) {
	n, err := h.f.Write(p)
	return n, h.fileErr("write", err)
}

func (h *file) Seek(offset int64, whence int) (int64, error) {
	n, err := h.f.Seek(offset, whence)
	return n, h.fileErr("seek", err)
}

func (h *file) Close() error {
	err := h.f.Close()
	if errors.Is(err, os.ErrClosed) {
		return pathErr("close", h.name, os.ErrClosed)
	}
	return h.fileErr("close", err)
}

func (h *file) Stat() (fs.FileInfo, error) {
	fi, err := h.f.Stat()
	if err != nil {
		return nil, h.fileErr("stat", err)
	}
	return newInfo(baseName(h.name), fi), nil
}

// Truncate sets the file's size; growing it leaves a hole (a sparse file).
func (h *file) Truncate(size int64) error {
	return h.fileErr("truncate", h.f.Truncate(size))
}

// ReadFrom lets io.Copy between two host files use copy_file_range (and
// reflinks where the host filesystem has them) instead of a user-space loop.
func (h *file) ReadFrom(r io.Reader) (int64, error) {
	if src, ok := r.(*file); ok {
		n, err := h.f.ReadFrom(src.f)
		return n, h.fileErr("write", err)
	}
	return io.Copy(struct{ io.Writer }{h}, r)
}
