package python

import (
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/tools"
)

// mirror is a host directory that shadows the container's tree, filled on
// demand: a directory's entries appear when the program first looks inside
// it (regular files as sparse placeholders of the right size, mode and
// mtime), and a file's bytes are copied in when the program opens it.
// Changes are applied to the container first, as the running identity, and
// then to the mirror; the bytes of files opened for writing are copied back
// when the program ends.
type mirror struct {
	mu   sync.Mutex
	fs   sandbox.FS // the program's identity
	root sandbox.FS // materialising reads everything
	dir  string     // host directory standing for the container's "/"
	// addBits keeps the mirror writable by a non-root host user; the
	// container's own checks have already run.
	addBits bool
	umask   fs.FileMode

	populated map[string]bool // container dirs whose entries are on the host
	filled    map[string]bool // container files whose bytes are on the host
	dirty     map[string]bool // container files opened for writing
	listed    int             // entries materialised (for tests and tuning)
	// lookupHost resolves names the container's network knows (nil: none).
	lookupHost func(string) []string
}

func newMirror(fsys sandbox.FS, dir string, umask fs.FileMode) *mirror {
	return &mirror{
		fs: fsys, root: fsys.As(sandbox.Root), dir: dir,
		addBits: os.Geteuid() != 0, umask: umask,
		populated: map[string]bool{}, filled: map[string]bool{}, dirty: map[string]bool{},
	}
}

func (m *mirror) host(c string) string { return m.dir + c }

// populate makes the entries of container directory d exist in the mirror.
func (m *mirror) populate(d string) error {
	if m.populated[d] {
		return nil
	}
	ents, err := m.root.ReadDir(d)
	if err != nil {
		return err
	}
	hd := m.host(d)
	for _, e := range ents {
		c := path.Join(d, e.Name())
		h := hd + "/" + e.Name()
		if _, err := os.Lstat(h); err == nil {
			continue // made by the program or an earlier partial walk
		}
		if err := m.place(c, h); err != nil {
			return err
		}
	}
	m.populated[d] = true
	return nil
}

// place creates the placeholder for container entry c at host path h.
func (m *mirror) place(c, h string) error {
	fi, err := m.root.Lstat(c)
	if err != nil {
		return err
	}
	m.listed++
	mode := fi.Mode()
	switch {
	case mode.IsDir():
		return os.Mkdir(h, m.hostPerm(mode.Perm(), 0o700))
	case mode&fs.ModeSymlink != 0:
		t, err := m.root.Readlink(c)
		if err != nil {
			return err
		}
		if strings.HasPrefix(t, "/") {
			// Absolute targets must resolve inside the mirror when the
			// kernel follows them.
			t = m.dir + t
		}
		return os.Symlink(t, h)
	default:
		// Regular files, and devices or fifos as empty files: the bytes
		// come later, only if the program opens the file.
		f, err := os.OpenFile(h, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if mode.IsRegular() && fi.Size() > 0 {
			err = f.Truncate(fi.Size())
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if err := os.Chmod(h, m.hostPerm(mode.Perm(), 0o600)); err != nil {
			return err
		}
		return os.Chtimes(h, fi.ModTime(), fi.ModTime())
	}
}

func (m *mirror) hostPerm(p fs.FileMode, keep fs.FileMode) fs.FileMode {
	if m.addBits {
		return p | keep
	}
	return p
}

// fill copies the bytes of container file c into its placeholder.
func (m *mirror) fill(c string) error {
	if m.filled[c] {
		return nil
	}
	src, err := m.root.Open(c)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		m.filled[c] = true
		return nil
	}
	h := m.host(c)
	dst, err := os.OpenFile(h, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	zw := &zeroWatch{w: dst, zero: true}
	_, err = io.Copy(zw, src)
	if err == nil && zw.zero && zw.n > 0 {
		err = m.modelledContent(c, dst)
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	m.filled[c] = true
	return os.Chtimes(h, fi.ModTime(), fi.ModTime())
}

// modelledContent replaces an all-zero file with the host's file of the
// same path. The image catalogue and package managers model the bulk of an
// image as zero-filled files of realistic size; a program that reads one
// (pytz parsing /usr/share/zoneinfo/zone1970.tab) gets the host's real
// copy instead, as it gets the host's Python modules. Files the container
// wrote itself are never all zeros in practice, and when the host has no
// such file the zeros stay.
func (m *mirror) modelledContent(c string, dst *os.File) error {
	fi, err := os.Stat(c)
	if err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	src, err := os.Open(c)
	if err != nil {
		return nil
	}
	defer src.Close()
	if _, err := dst.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := dst.Truncate(0); err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return err
}

// zeroWatch notes whether everything written through it was zero bytes.
type zeroWatch struct {
	w    io.Writer
	n    int64
	zero bool
}

func (z *zeroWatch) Write(p []byte) (int, error) {
	if z.zero {
		for _, b := range p {
			if b != 0 {
				z.zero = false
				break
			}
		}
	}
	n, err := z.w.Write(p)
	z.n += int64(n)
	return n, err
}

// errLoop is ELOOP: too many symlinks while resolving.
var errLoop = &fs.PathError{Op: "resolve", Err: syscall.ELOOP}

// resolve walks container path c (absolute and clean), populating every
// directory on the way and following symlinks, the last one only when
// follow is set. It returns the real path (which may not exist when only
// its last component is missing) and the lexical prefixes of c that now
// stand for populated directories, which the program may cache.
func (m *mirror) resolve(c string, follow bool) (string, []string, error) {
	var ready []string
	real, err := m.walk(c, follow, 0, func(lex string) { ready = append(ready, lex) })
	return real, ready, err
}

func (m *mirror) walk(c string, follow bool, depth int, ready func(string)) (string, error) {
	if depth > 40 {
		return "", errLoop
	}
	if err := m.populate("/"); err != nil {
		return "", err
	}
	if ready != nil {
		ready("/")
	}
	cur, lex := "/", "/"
	comps := strings.Split(strings.Trim(c, "/"), "/")
	if c == "/" {
		comps = nil
	}
	for i, name := range comps {
		last := i == len(comps)-1
		next := path.Join(cur, name)
		lex = path.Join(lex, name)
		fi, err := m.root.Lstat(next)
		if err != nil {
			if last && errors.Is(err, fs.ErrNotExist) {
				return next, nil
			}
			return "", err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0 && (!last || follow):
			t, err := m.root.Readlink(next)
			if err != nil {
				return "", err
			}
			if !strings.HasPrefix(t, "/") {
				t = path.Join(cur, t)
			}
			t = path.Clean(t)
			r, err := m.walk(t, true, depth+1, nil)
			if err != nil {
				return "", err
			}
			if last {
				return r, nil
			}
			cur = r
		case last:
			return next, nil
		case fi.IsDir():
			cur = next
		default:
			return "", syscall.ENOTDIR
		}
		// cur is a directory the rest of the walk goes through.
		if fi, err := m.root.Stat(cur); err != nil || !fi.IsDir() {
			return "", syscall.ENOTDIR
		}
		if err := m.populate(cur); err != nil {
			return "", err
		}
		if ready != nil {
			ready(lex)
		}
	}
	return cur, nil
}

// realName is c with its directory's symlinks resolved (the name itself is
// not followed): the key for records about that entry.
func (m *mirror) realName(c string) (string, error) {
	if c == "/" {
		return c, nil
	}
	dir, _, err := m.resolve(path.Dir(c), true)
	if err != nil {
		return "", err
	}
	// The host's copy of the directory must hold the entry too.
	if fi, err := m.root.Stat(dir); err == nil && fi.IsDir() {
		if err := m.populate(dir); err != nil {
			return "", err
		}
	}
	return path.Join(dir, path.Base(c)), nil
}

// rekey moves every record at or under from to the same place under to,
// after a rename.
func rekey(set map[string]bool, from, to string) {
	for k, v := range set {
		if k == from || strings.HasPrefix(k, from+"/") {
			delete(set, k)
			set[to+k[len(from):]] = v
		}
	}
}

func drop(set map[string]bool, c string) {
	for k := range set {
		if k == c || strings.HasPrefix(k, c+"/") {
			delete(set, k)
		}
	}
}

// serve answers the program's requests on l until it is closed.
func (m *mirror) serve(l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go m.conn(conn)
	}
}

func (m *mirror) conn(c net.Conn) {
	defer c.Close()
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		buf := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		reply := m.handle(strings.Split(string(buf), "\x00"))
		out := make([]byte, 4+len(reply))
		binary.BigEndian.PutUint32(out, uint32(len(reply)))
		copy(out[4:], reply)
		if _, err := c.Write(out); err != nil {
			return
		}
	}
}

// handle runs one request and encodes the reply: an errno, then extra
// fields ("r" + a ready directory, "p" + a real path, "d" for a directory).
func (m *mirror) handle(req []string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	extra, err := m.op(req)
	var b strings.Builder
	b.WriteString(strconv.Itoa(errnoOf(err)))
	for _, e := range extra {
		b.WriteByte(0)
		b.WriteString(e)
	}
	return b.String()
}

func readyFields(ready []string) []string {
	out := make([]string, len(ready))
	for i, r := range ready {
		out[i] = "r" + r
	}
	return out
}

func arg(req []string, i int) string {
	if i < len(req) {
		return req[i]
	}
	return ""
}

func num(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func (m *mirror) op(req []string) ([]string, error) {
	c := path.Clean("/" + arg(req, 1))
	switch req[0] {
	case "host":
		// A name lookup: the container's /etc/hosts, then its network.
		return m.hostIPs(arg(req, 1)), nil
	case "stat":
		follow := arg(req, 2) == "1"
		_, ready, err := m.resolve(c, follow)
		if err != nil {
			return nil, err
		}
		// The identity's own lookup decides errors such as EACCES.
		if follow {
			_, err = m.fs.Stat(c)
		} else {
			_, err = m.fs.Lstat(c)
		}
		return readyFields(ready), err
	case "list", "chdir":
		real, ready, err := m.resolve(c, true)
		if err != nil {
			return nil, err
		}
		fi, err := m.fs.Stat(c)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			return nil, syscall.ENOTDIR
		}
		if req[0] == "chdir" {
			if !tools.CanAccess(m.fs.Identity(), fi, 1) {
				return nil, syscall.EACCES
			}
		} else if _, err := m.fs.ReadDir(c); err != nil {
			return nil, err
		}
		if err := m.populate(real); err != nil {
			return nil, err
		}
		if real == c {
			ready = append(ready, c)
		}
		return append(readyFields(ready), "p"+real), nil
	case "open":
		return nil, m.open(c, int(num(arg(req, 2))), fs.FileMode(num(arg(req, 3))))
	case "mkdir":
		real, err := m.realName(c)
		if err != nil {
			return nil, err
		}
		if err := m.fs.Mkdir(real, fs.FileMode(num(arg(req, 2)))&0o777&^m.umask); err != nil {
			return nil, err
		}
		m.populated[real] = true
		return nil, nil
	case "rmdir", "unlink":
		real, err := m.realName(c)
		if err != nil {
			return nil, err
		}
		c = real
		fi, err := m.fs.Lstat(c)
		if err != nil {
			return nil, err
		}
		if req[0] == "unlink" && fi.IsDir() {
			return nil, syscall.EISDIR
		}
		if req[0] == "rmdir" {
			if !fi.IsDir() {
				return nil, syscall.ENOTDIR
			}
			// The mirror's copy must be complete before the host removes it.
			if err := m.populate(c); err != nil {
				return nil, err
			}
		}
		if err := m.fs.Remove(c); err != nil {
			return nil, err
		}
		drop(m.populated, c)
		drop(m.filled, c)
		drop(m.dirty, c)
		return nil, nil
	case "rename", "link":
		from, err := m.realName(c)
		if err != nil {
			return nil, err
		}
		to, err := m.realName(path.Clean("/" + arg(req, 2)))
		if err != nil {
			return nil, err
		}
		c = from
		if req[0] == "link" {
			if err := m.fill(c); err != nil {
				return nil, err
			}
			return nil, m.fs.Link(c, to)
		}
		if fi, err := m.fs.Lstat(to); err == nil && fi.IsDir() {
			// Replacing an empty directory: the host needs its real contents
			// to agree.
			if err := m.populate(to); err != nil {
				return nil, err
			}
		}
		if err := m.fs.Rename(c, to); err != nil {
			return nil, err
		}
		for _, set := range []map[string]bool{m.populated, m.filled, m.dirty} {
			drop(set, to)
			rekey(set, c, to)
		}
		return nil, nil
	case "symlink":
		link, err := m.realName(path.Clean("/" + arg(req, 2)))
		if err != nil {
			return nil, err
		}
		return nil, m.fs.Symlink(arg(req, 1), link)
	case "chmod":
		if _, _, err := m.resolve(c, true); err != nil {
			return nil, err
		}
		if err := m.fs.Chmod(c, sandbox.FileMode(uint32(num(arg(req, 2))&0o7777))); err != nil {
			return nil, err
		}
		if fi, err := m.fs.Stat(c); err == nil && fi.IsDir() {
			return []string{"d"}, nil
		}
		return nil, nil
	case "chown":
		if _, _, err := m.resolve(c, true); err != nil {
			return nil, err
		}
		uid, gid := int(num(arg(req, 2))), int(num(arg(req, 3)))
		if arg(req, 4) == "1" {
			return nil, m.fs.Chown(c, uid, gid)
		}
		return nil, m.fs.Lchown(c, uid, gid)
	case "utime":
		if _, _, err := m.resolve(c, true); err != nil {
			return nil, err
		}
		return nil, m.fs.Chtimes(c, time.Unix(0, num(arg(req, 2))), time.Unix(0, num(arg(req, 3))))
	case "access":
		if _, _, err := m.resolve(c, true); err != nil {
			return nil, err
		}
		fi, err := m.fs.Stat(c)
		if err != nil {
			return nil, err
		}
		mode := num(arg(req, 2))
		for _, bit := range []fs.FileMode{4, 2, 1} {
			if mode&int64(bit) != 0 && !tools.CanAccess(m.fs.Identity(), fi, bit) {
				return nil, syscall.EACCES
			}
		}
		return nil, nil
	}
	return nil, syscall.ENOSYS
}

// open is open(2) in the container: it creates, truncates and checks
// permissions there, then makes sure the mirror holds the file's bytes
// unless they are about to be thrown away.
func (m *mirror) open(c string, flags int, perm fs.FileMode) error {
	excl := flags&os.O_CREATE != 0 && flags&os.O_EXCL != 0
	real, _, err := m.resolve(c, !excl && flags&syscall.O_NOFOLLOW == 0)
	if err != nil {
		return err
	}
	_, statErr := m.fs.Lstat(real)
	existed := statErr == nil
	// O_CLOEXEC and friends mean nothing to the container's OpenFile.
	f, err := m.fs.OpenFile(real, flags&(os.O_RDONLY|os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_EXCL|os.O_TRUNC|os.O_APPEND),
		perm&0o777&^m.umask)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	f.Close()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	switch {
	case !existed || flags&os.O_TRUNC != 0:
		// The host open creates or truncates its copy the same way.
		m.filled[real] = true
	default:
		if err := m.fill(real); err != nil {
			return err
		}
	}
	if flags&(os.O_WRONLY|os.O_RDWR) != 0 {
		m.dirty[real] = true
	}
	return nil
}

// sync copies the bytes of every file the program opened for writing back
// into the container. Ownership and modes were set when the files were
// created; the write itself is done as root because the program held the
// file open for writing (a later chmod does not take that away).
func (m *mirror) sync() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var first error
	for c := range m.dirty {
		h := m.host(c)
		hi, err := os.Lstat(h)
		if err != nil || !hi.Mode().IsRegular() {
			continue
		}
		if err := m.copyBack(c, h, hi); err != nil && first == nil {
			first = err
		}
	}
	m.dirty = map[string]bool{}
	return first
}

func (m *mirror) copyBack(c, h string, hi fs.FileInfo) error {
	src, err := os.Open(h)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := m.root.OpenFile(c, os.O_WRONLY|os.O_TRUNC, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return m.root.Chtimes(c, hi.ModTime(), hi.ModTime())
}

// errnoOf maps a sandbox error to the errno the program sees.
func errnoOf(err error) int {
	if err == nil {
		return 0
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return int(syscall.ENOENT)
	case errors.Is(err, fs.ErrPermission):
		return int(syscall.EACCES)
	case errors.Is(err, fs.ErrExist):
		return int(syscall.EEXIST)
	}
	return int(syscall.EIO)
}

// hostIPs answers a program's name lookup as the container would.
func (m *mirror) hostIPs(name string) []string {
	if f, err := m.root.Open("/etc/hosts"); err == nil {
		data, _ := io.ReadAll(f)
		f.Close()
		for _, line := range strings.Split(string(data), "\n") {
			line, _, _ = strings.Cut(line, "#")
			fields := strings.Fields(line)
			for _, h := range fields[min(1, len(fields)):] {
				if h == name {
					return []string{fields[0]}
				}
			}
		}
	}
	if m.lookupHost != nil {
		return m.lookupHost(name)
	}
	return nil
}
