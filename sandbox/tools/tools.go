package tools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

// Proc is one running program: its filesystem view, working directory,
// environment, arguments and standard streams.
type Proc struct {
	FS  sandbox.FS
	Dir string
	// Env is the environment as the process sees it (KEY=VALUE).
	Env []string
	// Args[0] is the name the program was invoked as.
	Args           []string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Hostname       string
	// Terminate is closed when the container is asked to stop (docker
	// stop's SIGTERM, or the image's STOPSIGNAL). Programs that handle it
	// (the modelled services) shut down cleanly; the rest ignore it, as a
	// PID 1 without a handler does, and are killed after the timeout.
	Terminate <-chan struct{}
	// Tty is set when the process has a terminal (docker run/exec -t), so
	// an interactive shell prompts.
	Tty bool
	// Resolve answers name lookups the container's network provides (nil:
	// none); getent and friends consult /etc/hosts first.
	Resolve func(name string) []string
	// Umask holds the permission bits cleared from files and directories
	// the program creates; the shell sets it (022 unless `umask` changed it).
	Umask fs.FileMode
	// Run runs script in a new shell whose $0 is p.Args[0] and whose
	// positional parameters are p.Args[1:] (sh -c, sh FILE).
	Run func(ctx context.Context, p *Proc, script string) int
	// Exec resolves argv[0] on p's PATH and runs it (xargs, env CMD,
	// find -exec), returning its exit status (127 when not found).
	Exec func(ctx context.Context, p *Proc, argv []string) int
	// Interactive runs commands read from in as they arrive (sh with no
	// script), showing prompts when prompt is set.
	Interactive func(ctx context.Context, p *Proc, in io.Reader, prompt bool) int
}

// Tool is a program: it returns its exit status.
type Tool func(ctx context.Context, p *Proc) int

// Registry maps program names (the basename an image's PATH entry is invoked
// as) to tools.
type Registry map[string]Tool

// Default returns every tool in this package; callers add more (pip,
// apt-get, python ...) to the returned map.
func Default() Registry {
	r := Registry{}
	for _, reg := range []Registry{fileTools(), listTools(), modeTools(), findTools(), textTools(),
		grepTools(), sedTools(), printTools(), testTools(), systemTools(), shellTools(),
		archiveTools(), userTools(), netTools()} {
		for k, v := range reg {
			r[k] = v
		}
	}
	return r
}

// Names returns the registered names, sorted.
func (r Registry) Names() []string {
	out := make([]string, 0, len(r))
	for k := range r {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Name is the program name used in messages: argv[0]'s basename.
func (p *Proc) Name() string {
	if len(p.Args) == 0 {
		return "sh"
	}
	return path.Base(p.Args[0])
}

// Errorf prints "name: message" to stderr, the coreutils way.
func (p *Proc) Errorf(format string, args ...any) {
	fmt.Fprintf(p.Stderr, "%s: %s\n", p.Name(), fmt.Sprintf(format, args...))
}

// Getenv returns the value of key in p.Env.
func (p *Proc) Getenv(key string) string {
	v, _ := p.LookupEnv(key)
	return v
}

// LookupEnv is os.LookupEnv over p.Env (the last assignment wins).
func (p *Proc) LookupEnv(key string) (string, bool) {
	for i := len(p.Env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(p.Env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// Abs makes name absolute against the working directory.
func (p *Proc) Abs(name string) string {
	if name == "" {
		return ""
	}
	if path.IsAbs(name) {
		return path.Clean(name)
	}
	dir := p.Dir
	if dir == "" {
		dir = "/"
	}
	return path.Join(dir, name)
}

// Identity is who the process runs as.
func (p *Proc) Identity() sandbox.Identity { return p.FS.Identity() }

// stdin never returns nil, so tools can read it unconditionally.
func (p *Proc) stdin() io.Reader {
	if p.Stdin == nil {
		return strings.NewReader("")
	}
	return p.Stdin
}

// Open opens a file for reading; "-" and the /dev/std* names mean the
// process's own streams and /dev/null reads empty, since images' /dev is not
// part of their layers.
func (p *Proc) Open(name string) (io.ReadCloser, error) {
	switch name {
	case "-", "/dev/stdin", "/proc/self/fd/0":
		return io.NopCloser(p.stdin()), nil
	case "/dev/null":
		return io.NopCloser(strings.NewReader("")), nil
	case "/dev/zero":
		return io.NopCloser(zeroReader{}), nil
	}
	return p.FS.Open(p.Abs(name))
}

// Create opens name for writing (truncating unless appending), applying the
// umask; the /dev/std* and /dev/null names go to the process's streams.
func (p *Proc) Create(name string, appendMode bool) (io.WriteCloser, error) {
	switch name {
	case "/dev/null":
		return nopWriteCloser{io.Discard}, nil
	case "/dev/stdout", "/proc/self/fd/1":
		return nopWriteCloser{p.Stdout}, nil
	case "/dev/stderr", "/proc/self/fd/2":
		return nopWriteCloser{p.Stderr}, nil
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if appendMode {
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	return p.FS.OpenFile(p.Abs(name), flag, 0o666&^p.Umask)
}

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// ErrText is the C library's strerror text for an error from a sandbox.FS,
// which coreutils prints after the file name.
func ErrText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s == "" {
			return "Unknown error"
		}
		return strings.ToUpper(s[:1]) + s[1:]
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// isErrno reports whether err wraps the given errno.
func isErrno(err error, errno syscall.Errno) bool {
	var e syscall.Errno
	return errors.As(err, &e) && e == errno
}

// quote is how coreutils (since 8.25) quotes file names in messages: plain
// names in single quotes, names with a single quote in double quotes.
func quote(s string) string {
	if strings.ContainsRune(s, '\'') {
		return `"` + s + `"`
	}
	return "'" + s + "'"
}

// canWrite, canRead and canExec check Unix permission bits for id the way
// the kernel does (owner, then group, then other; root bypasses read and
// write, and exec when any x bit is set).
func canAccess(id sandbox.Identity, fi fs.FileInfo, bit fs.FileMode) bool {
	mode := fi.Mode().Perm()
	if id.IsRoot() {
		if bit == 1 && !fi.IsDir() {
			return mode&0o111 != 0
		}
		return true
	}
	o := sandbox.OwnerOf(fi)
	switch {
	case o.UID == id.UID:
		return mode&(bit<<6) != 0
	case id.InGroup(o.GID):
		return mode&(bit<<3) != 0
	default:
		return mode&bit != 0
	}
}

// CanAccess reports whether id may read (4), write (2) or execute (1) the
// entry described by fi.
func CanAccess(id sandbox.Identity, fi fs.FileInfo, bit fs.FileMode) bool {
	return canAccess(id, fi, bit)
}

func ownerOf(fi fs.FileInfo) sandbox.Owner { return sandbox.OwnerOf(fi) }
