package buildctx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/layerlab/learn/sandbox"
	"github.com/moby/patternmatcher/ignorefile"
	"golang.org/x/sys/unix"
)

// maxLinks bounds symlink resolution, as the kernel does (ELOOP).
const maxLinks = 40

// Context is a build context: the directory given to `docker build`, filtered
// by .dockerignore. It implements sandbox.ReadFS with "/" as the context
// root; ignored paths behave as absent, every entry is owned by root (the
// docker client resets ownership), and nothing outside the directory is ever
// read. It is safe for concurrent use.
type Context struct {
	dir  string   // absolute, symlinks resolved
	root *os.Root // reads file bytes when openat2 is unavailable
	// rootDir is the directory's handle for openat2.
	rootDir   *os.File
	noOpenat2 atomic.Bool

	dockerfile     string // host path
	dockerfileName string // context-relative, or the host path if outside
	dockerfileRel  string // context-relative, "" if outside the context
	ignoreFile     string
	patterns       []string
	match          *matcher
}

var _ sandbox.ReadFS = (*Context)(nil)

// Open prepares the context at dir for a build of dockerfile, a path relative
// to dir or absolute ("" means Dockerfile, or dockerfile when only that
// exists, as docker does). It reads the ignore file: <Dockerfile>.dockerignore
// next to the Dockerfile when present, else .dockerignore at the root. A
// missing Dockerfile is reported by Dockerfile, not here.
func Open(dir, dockerfile string) (*Context, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("opening build context %s: %w", dir, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("opening build context: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("opening build context: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("opening build context: %s is not a directory", dir)
	}
	root, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("opening build context: %w", err)
	}
	rootDir, err := os.Open(real)
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("opening build context: %w", err)
	}
	c := &Context{dir: real, root: root, rootDir: rootDir, match: &matcher{}}

	if dockerfile == "" {
		dockerfile = "Dockerfile"
		if _, err := c.lstatRaw("Dockerfile"); errors.Is(err, fs.ErrNotExist) {
			if _, err := c.lstatRaw("dockerfile"); err == nil {
				dockerfile = "dockerfile"
			}
		}
	}
	c.dockerfile = dockerfile
	if !filepath.IsAbs(dockerfile) {
		c.dockerfile = filepath.Join(real, dockerfile)
	}
	c.dockerfile = filepath.Clean(c.dockerfile)
	c.dockerfileName = c.dockerfile
	if rel, ok := c.relOf(c.dockerfile, abs); ok {
		c.dockerfileRel, c.dockerfileName = rel, rel
	}

	if err := c.loadIgnore(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// relOf returns host's slash path relative to the context when it lies
// inside it (given through the resolved or the unresolved directory).
func (c *Context) relOf(host, abs string) (string, bool) {
	for _, base := range []string{c.dir, abs} {
		rel, err := filepath.Rel(base, host)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if rel == "." {
			return "", false
		}
		return filepath.ToSlash(rel), true
	}
	return "", false
}

func (c *Context) loadIgnore() error {
	// docker looks for <Dockerfile>.dockerignore beside the Dockerfile first;
	// when it exists the root .dockerignore is not read at all.
	var data []byte
	specific := c.dockerfile + ".dockerignore"
	if rel, ok := c.relOf(specific, c.dir); ok {
		b, err := c.readFileRaw(rel)
		switch {
		case err == nil:
			data, c.ignoreFile = b, rel
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("reading %s: %w", rel, err)
		}
	} else {
		b, err := os.ReadFile(specific)
		switch {
		case err == nil:
			data, c.ignoreFile = b, specific
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("reading %s: %w", specific, err)
		}
	}
	if c.ignoreFile == "" {
		b, err := c.readFileRaw(".dockerignore")
		switch {
		case err == nil:
			data, c.ignoreFile = b, ".dockerignore"
		case errors.Is(err, fs.ErrNotExist):
			return nil
		default:
			return fmt.Errorf("reading .dockerignore: %w", err)
		}
	}
	patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("reading %s: %w", c.ignoreFile, err)
	}
	m, err := newMatcher(patterns)
	if err != nil {
		return fmt.Errorf("parsing %s: %w", c.ignoreFile, err)
	}
	c.patterns, c.match = patterns, m
	return nil
}

// Close releases the directory handle. A Context is unusable afterwards.
func (c *Context) Close() error {
	return errors.Join(c.root.Close(), c.rootDir.Close())
}

// Dir is the context directory on the host (absolute, links resolved).
func (c *Context) Dir() string { return c.dir }

// IsLocalContext marks the tree as a build context for contenthash: BuildKit
// never receives the context root's own metadata.
func (c *Context) IsLocalContext() bool { return true }

// Dockerfile returns the Dockerfile's contents and its name relative to the
// context ("Dockerfile", "build/app.Dockerfile"), or its host path when it
// lives outside the context. It is read even when .dockerignore excludes it,
// as docker does; a link out of the context is still refused.
func (c *Context) Dockerfile() ([]byte, string, error) {
	var (
		data []byte
		err  error
	)
	if c.dockerfileRel != "" {
		data, err = c.readFileRaw(c.dockerfileRel)
	} else {
		data, err = os.ReadFile(c.dockerfile)
	}
	if err != nil {
		return nil, c.dockerfileName, fmt.Errorf("failed to read dockerfile: %w", err)
	}
	return data, c.dockerfileName, nil
}

// IgnoreFile is the ignore file in use: ".dockerignore",
// "Dockerfile.dockerignore" (relative to the context) or "" when none.
func (c *Context) IgnoreFile() string { return c.ignoreFile }

// Patterns are the ignore patterns as ignorefile.ReadAll returned them.
func (c *Context) Patterns() []string { return append([]string(nil), c.patterns...) }

// Excluded reports whether .dockerignore leaves rel (relative to the context,
// slash-separated; a leading "/" is allowed) out of the context: the last
// matching pattern excludes it, or it lies in an excluded directory no
// exception reaches into. An excluded directory still appears in ReadDir when
// an exception re-includes something inside it.
func (c *Context) Excluded(rel string) bool {
	r := relName(rel)
	if r == "" {
		return false
	}
	isDir := false
	if fi, err := c.lstatRaw(r); err == nil {
		isDir = fi.IsDir()
	}
	ex, _ := c.match.state(r, isDir)
	return ex
}

// relName cleans name against the root and drops the leading slash: "" is
// the root itself, and no result contains "..".
func relName(name string) string {
	return strings.TrimPrefix(path.Clean("/"+name), "/")
}

func (c *Context) host(rel string) string {
	if rel == "" {
		return c.dir
	}
	return filepath.Join(c.dir, filepath.FromSlash(rel))
}

// EscapeError reports a symlink whose target lies outside the context. It
// matches fs.ErrNotExist with errors.Is because, for the build, the target
// does not exist: docker never sends anything outside the context.
type EscapeError struct {
	Link   string // context path of the link
	Target string // the link's target as stored
}

func (e *EscapeError) Error() string {
	return fmt.Sprintf("symlink %s -> %s points outside the build context", e.Link, e.Target)
}

func (e *EscapeError) Is(target error) bool { return target == fs.ErrNotExist }

// resolve walks name from the root one component at a time with Lstat,
// following symlinks (the final one only if follow) and refusing any that
// leave the context; when ignore is set, ignored components do not exist.
// It returns the resolved path relative to the root and its host Lstat.
func (c *Context) resolve(op, name string, follow, ignore bool) (string, os.FileInfo, error) {
	p := path.Clean("/" + name)
	fail := func(err error) (string, os.FileInfo, error) {
		return "", nil, &fs.PathError{Op: op, Path: p, Err: err}
	}
	pending := splitPath(p)
	var (
		cur   []string
		last  os.FileInfo // Lstat of cur, nil when cur changed without one
		links int
	)
	for len(pending) > 0 {
		comp := pending[0]
		pending = pending[1:]
		switch comp {
		case "", ".":
			continue
		case "..":
			// Only link targets bring ".." here: names were cleaned.
			if len(cur) == 0 {
				return fail(errOutside)
			}
			cur, last = cur[:len(cur)-1], nil
			continue
		}
		cand := strings.Join(append(cur, comp), "/")
		fi, err := os.Lstat(c.host(cand))
		if err != nil {
			return fail(underlying(err))
		}
		if ignore && !c.visible(cand, fi) {
			return fail(fs.ErrNotExist)
		}
		if fi.Mode()&fs.ModeSymlink != 0 && (len(pending) > 0 || follow) {
			links++
			if links > maxLinks {
				return fail(syscall.ELOOP)
			}
			target, err := os.Readlink(c.host(cand))
			if err != nil {
				return fail(underlying(err))
			}
			if path.IsAbs(filepath.ToSlash(target)) || !staysInside(cur, target) {
				return fail(&EscapeError{Link: "/" + cand, Target: target})
			}
			pending = append(splitPath(filepath.ToSlash(target)), pending...)
			continue
		}
		if len(pending) > 0 && !fi.IsDir() {
			return fail(syscall.ENOTDIR)
		}
		cur, last = append(cur, comp), fi
	}
	rel := strings.Join(cur, "/")
	if last == nil {
		fi, err := os.Lstat(c.host(rel))
		if err != nil {
			return fail(underlying(err))
		}
		last = fi
	}
	return rel, last, nil
}

// errOutside is only reached if staysInside was bypassed; kept as a second
// line of defence.
var errOutside = errors.New("path escapes the build context")

// staysInside reports whether a relative link target, applied in directory
// cur, never climbs above the context root.
func staysInside(cur []string, target string) bool {
	depth := len(cur)
	for _, s := range splitPath(filepath.ToSlash(target)) {
		switch s {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return false
			}
		default:
			depth++
		}
	}
	return true
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// underlying strips the host path from an *fs.PathError so that errors name
// context paths only.
func underlying(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// visible reports whether rel (whose host Lstat is fi) is part of the
// context as docker sends it: not excluded, or an excluded directory that
// still holds something re-included by an exception.
func (c *Context) visible(rel string, fi os.FileInfo) bool {
	ex, skipped := c.match.state(rel, fi.IsDir())
	if !ex {
		return true
	}
	if skipped || !fi.IsDir() {
		return false
	}
	return c.hasVisible(rel)
}

// hasVisible reports whether directory rel holds anything visible; only
// needed for excluded directories that exceptions may reach into.
func (c *Context) hasVisible(rel string) bool {
	ents, err := os.ReadDir(c.host(rel))
	if err != nil {
		return false
	}
	for _, e := range ents {
		crel := rel + "/" + e.Name()
		ex, skipped := c.match.state(crel, e.IsDir())
		if !ex {
			return true
		}
		if !skipped && e.IsDir() && c.hasVisible(crel) {
			return true
		}
	}
	return false
}

// lstatRaw is Lstat without .dockerignore, for the Dockerfile and the
// ignore file themselves.
func (c *Context) lstatRaw(rel string) (os.FileInfo, error) {
	_, fi, err := c.resolve("lstat", rel, false, false)
	return fi, err
}

func (c *Context) readFileRaw(rel string) ([]byte, error) {
	f, err := c.open("open", rel, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Lstat describes name without following a final symlink.
func (c *Context) Lstat(name string) (fs.FileInfo, error) {
	rel, fi, err := c.resolve("lstat", name, false, true)
	if err != nil {
		return nil, err
	}
	return c.newInfo(rel, path.Base(path.Clean("/"+name)), fi), nil
}

// Stat describes name, following symlinks inside the context.
func (c *Context) Stat(name string) (fs.FileInfo, error) {
	rel, fi, err := c.resolve("stat", name, true, true)
	if err != nil {
		return nil, err
	}
	return c.newInfo(rel, path.Base(path.Clean("/"+name)), fi), nil
}

// Readlink returns a symlink's target as stored, even one that points out of
// the context (reading the link itself reads nothing outside).
func (c *Context) Readlink(name string) (string, error) {
	rel, fi, err := c.resolve("readlink", name, false, true)
	if err != nil {
		return "", err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", &fs.PathError{Op: "readlink", Path: path.Clean("/" + name), Err: syscall.EINVAL}
	}
	target, err := os.Readlink(c.host(rel))
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: path.Clean("/" + name), Err: underlying(err)}
	}
	return target, nil
}

// ReadDir lists a directory sorted by name, leaving out ignored entries.
func (c *Context) ReadDir(name string) ([]fs.DirEntry, error) {
	p := path.Clean("/" + name)
	rel, fi, err := c.resolve("readdir", name, true, true)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: p, Err: syscall.ENOTDIR}
	}
	ents, err := os.ReadDir(c.host(rel))
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: p, Err: underlying(err)}
	}
	out := make([]fs.DirEntry, 0, len(ents))
	for _, e := range ents {
		crel := e.Name()
		if rel != "" {
			crel = rel + "/" + e.Name()
		}
		ex, skipped := c.match.state(crel, e.IsDir())
		if ex && (skipped || !e.IsDir() || !c.hasVisible(crel)) {
			continue
		}
		out = append(out, &dirEntry{c: c, rel: crel, e: e})
	}
	return out, nil
}

// Open opens a regular file, following symlinks inside the context.
func (c *Context) Open(name string) (sandbox.File, error) {
	return c.open("open", name, true)
}

func (c *Context) open(op, name string, ignore bool) (*file, error) {
	p := path.Clean("/" + name)
	if f, ok := c.openFast(p, ignore); ok {
		return f, nil
	}
	rel, fi, err := c.resolve(op, name, true, ignore)
	if err != nil {
		return nil, err
	}
	switch {
	case fi.IsDir():
		return nil, &fs.PathError{Op: op, Path: p, Err: syscall.EISDIR}
	case !fi.Mode().IsRegular():
		// A FIFO would block the build forever; devices are not content.
		return nil, &fs.PathError{Op: op, Path: p, Err: fmt.Errorf("not a regular file")}
	}
	f, err := c.openBeneath(rel)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: p, Err: underlying(err)}
	}
	return &file{f: f, info: c.newInfo(rel, path.Base(p), fi)}, nil
}

// openFast opens p when no component is a link: the ignore rules are
// checked by name (no syscalls), and openat2 refuses any link, so a path that
// needs one falls back to resolve. Hashing opens every file of the context,
// and this saves one Lstat per path component.
func (c *Context) openFast(p string, ignore bool) (*file, bool) {
	rel := strings.TrimPrefix(p, "/")
	if rel == "" || c.noOpenat2.Load() {
		return nil, false
	}
	if ignore && c.match.pm != nil {
		comps := splitPath(rel)
		for i := range comps {
			sub := strings.Join(comps[:i+1], "/")
			last := i == len(comps)-1
			ex, skipped := c.match.state(sub, !last)
			// An excluded directory is fine when the file itself is
			// included: that is what keeps the directory in the context.
			if skipped || (last && ex) {
				return nil, false
			}
		}
	}
	f, err := c.openBeneath(rel)
	if err != nil {
		return nil, false
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, false
	}
	return &file{f: f, info: c.newInfo(rel, path.Base(p), fi)}, true
}

// openBeneath opens the resolved, link-free rel for reading with a
// kernel-side guarantee that it cannot leave the directory even if a
// component was swapped for a link after resolve: openat2 with
// RESOLVE_BENEATH and no symlinks in one syscall, else os.Root. O_NONBLOCK
// keeps a FIFO swapped in meanwhile from blocking the build.
func (c *Context) openBeneath(rel string) (*os.File, error) {
	const flags = unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC
	if !c.noOpenat2.Load() {
		fd, err := unix.Openat2(int(c.rootDir.Fd()), rel, &unix.OpenHow{
			Flags:   flags,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
		})
		if err == nil {
			return os.NewFile(uintptr(fd), rel), nil
		}
		if err != unix.ENOSYS && err != unix.EPERM {
			return nil, err
		}
		c.noOpenat2.Store(true)
	}
	return c.root.OpenFile(rel, flags, 0)
}

// file is a read-only open context file whose Stat reports root ownership.
type file struct {
	f    *os.File
	info fs.FileInfo
}

func (f *file) Read(b []byte) (int, error)                { return f.f.Read(b) }
func (f *file) Seek(off int64, whence int) (int64, error) { return f.f.Seek(off, whence) }
func (f *file) Close() error                              { return f.f.Close() }
func (f *file) Stat() (fs.FileInfo, error)                { return f.info, nil }

func (f *file) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: f.info.Name(), Err: syscall.EROFS}
}

type dirEntry struct {
	c   *Context
	rel string
	e   fs.DirEntry
}

func (d *dirEntry) Name() string      { return d.e.Name() }
func (d *dirEntry) IsDir() bool       { return d.e.IsDir() }
func (d *dirEntry) Type() fs.FileMode { return d.e.Type() }
func (d *dirEntry) String() string    { return fs.FormatDirEntry(d) }

func (d *dirEntry) Info() (fs.FileInfo, error) {
	fi, err := os.Lstat(d.c.host(d.rel))
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: "/" + d.rel, Err: underlying(err)}
	}
	return d.c.newInfo(d.rel, d.e.Name(), fi), nil
}
