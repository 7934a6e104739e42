package python

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/layerlab/learn/sandbox/tools"
)

//go:embed boot.py
var bootSource []byte

// Program says what the interpreter runs, as parsed from its command line.
type Program struct {
	// Kind is "c" (Code is source), "m" (Code is a module name), "file"
	// (Code is a container path) or "stdin".
	Kind string
	Code string
	// Args are sys.argv[1:].
	Args []string
	// Flags are passed to the host interpreter (-u, -O, -W x, -X y, -B ...).
	Flags []string
}

// Process is a Python program running against a container's filesystem.
type Process struct {
	cmd    *exec.Cmd
	mirror *mirror
	ln     net.Listener
	tmp    string
	done   chan struct{}
	code   int
	err    error
}

var bootOnce struct {
	sync.Once
	dir string
	err error
}

// bootDir writes the bootstrap once per content into a private cache
// directory, so the interpreter can keep its compiled bytecode there.
func bootDir() (string, error) {
	bootOnce.Do(func() {
		sum := sha256.Sum256(bootSource)
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("layerlab-python-%d", os.Getuid()), hex.EncodeToString(sum[:6]))
		file := filepath.Join(dir, "_layerlab_boot.py")
		if b, err := os.ReadFile(file); err == nil && string(b) == string(bootSource) {
			bootOnce.dir = dir
			return
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			bootOnce.err = err
			return
		}
		tmp, err := os.CreateTemp(dir, "boot-*.tmp")
		if err != nil {
			bootOnce.err = err
			return
		}
		_, err = tmp.Write(bootSource)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), file)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
		bootOnce.dir, bootOnce.err = dir, err
	})
	return bootOnce.dir, bootOnce.err
}

// pyStr quotes s as a Python string literal.
func pyStr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == 0xfffd:
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func pyList(xs []string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = pyStr(x)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// Start runs prog with interpreter in on p's container: p.Dir, p.Env,
// p.FS as p.FS.Identity(), p's standard streams. It returns once the
// process is running; Wait collects it. Cancelling ctx kills it.
func Start(ctx context.Context, p *tools.Proc, in *Interpreter, img *Image, prog Program) (*Process, error) {
	boot, err := bootDir()
	if err != nil {
		return nil, fmt.Errorf("writing the Python bootstrap: %w", err)
	}
	tmp, err := os.MkdirTemp("", "learn-py-")
	if err != nil {
		return nil, fmt.Errorf("creating the container mirror: %w", err)
	}
	pr := &Process{tmp: tmp, done: make(chan struct{})}
	fail := func(err error) (*Process, error) {
		if pr.ln != nil {
			pr.ln.Close()
		}
		os.RemoveAll(tmp)
		return nil, err
	}
	root := filepath.Join(tmp, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		return fail(err)
	}
	m := newMirror(p.FS, root, p.Umask)
	m.lookupHost = p.Resolve
	pr.mirror = m
	cwd := p.Dir
	if cwd == "" {
		cwd = "/"
	}
	realCwd, _, err := m.resolve(path.Clean(cwd), true)
	if err == nil {
		err = m.populate(realCwd)
	}
	if err != nil {
		realCwd = "/"
	}
	sock := filepath.Join(tmp, "s")
	pr.ln, err = net.Listen("unix", sock)
	if err != nil {
		return fail(fmt.Errorf("opening the sandbox channel: %w", err))
	}
	go m.serve(pr.ln)

	// sys.path: the script's directory (or the working directory), then
	// PYTHONPATH, as the container's python would put them.
	var search []string
	switch prog.Kind {
	case "file":
		search = append(search, path.Dir(p.Abs(prog.Code)))
	default:
		search = append(search, realCwd)
	}
	if pp := p.Getenv("PYTHONPATH"); pp != "" {
		for _, d := range strings.Split(pp, ":") {
			if d != "" {
				search = append(search, p.Abs(d))
			}
		}
	}
	names := make([]string, 0, len(img.Packages))
	for k := range img.Packages {
		names = append(names, k)
	}
	sort.Strings(names)
	var mods strings.Builder
	for _, k := range names {
		fmt.Fprintf(&mods, "%s:%s,", pyStr(k), pyStr(img.Packages[k]))
	}
	argv := append([]string{}, prog.Args...)
	switch prog.Kind {
	case "c":
		argv = append([]string{"-c"}, argv...)
	case "m":
		argv = append([]string{prog.Code}, argv...) // runpy replaces it with the file
	case "file":
		argv = append([]string{prog.Code}, argv...)
	default:
		argv = append([]string{prog.Code}, argv...) // "" or "-"
	}
	addBits := "False"
	if m.addBits {
		addBits = "True"
	}
	env := append([]string{}, p.Env...)
	var scrub []string
	if v, ok := os.LookupEnv("LD_LIBRARY_PATH"); ok {
		// A relocated host interpreter may need its libraries; the program
		// must not see the variable.
		if _, mine := p.LookupEnv("LD_LIBRARY_PATH"); !mine {
			env = append(env, "LD_LIBRARY_PATH="+v)
			scrub = append(scrub, "LD_LIBRARY_PATH")
		}
	}
	cfg := fmt.Sprintf(`{"root":%s,"sock":%s,"cwd":%s,"bootdir":%s,"umask":%d,"addbits":%s,`+
		`"hostmods":{%s},"search":%s,"site":%s,"removed":%s,"interp":%s,"exe":%s,"prog":%s,`+
		`"argv":%s,"kind":%s,"what":%s,"syspath":%s,"scrub":%s}`,
		pyStr(root), pyStr(sock), pyStr(realCwd), pyStr(boot), int(p.Umask), addBits,
		mods.String(), pyList(search), pyList(img.Site), pyList(img.removed()), pyStr(in.Path),
		pyStr(img.Exe), pyStr(p.Name()), pyList(argv), pyStr(prog.Kind), pyStr(prog.Code),
		pyList(append(search, img.Site...)), pyList(scrub))

	args := []string{"-I"}
	args = append(args, prog.Flags...)
	args = append(args, "-c", "import sys;sys.path.insert(0,"+pyStr(boot)+");import _layerlab_boot as b;b.main()", cfg)
	cmd := exec.Command(in.Path, args...)
	cmd.Dir = root + realCwd
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = p.Stdout, p.Stderr
	// If the program exits with its stdout still held by a child, stop
	// waiting for it after a while.
	cmd.WaitDelay = 2 * time.Second
	var stdinW *os.File
	switch in := p.Stdin.(type) {
	case *os.File:
		cmd.Stdin = in
	case nil:
	default:
		// Our own pipe, closed when the program ends: exec's copier would
		// otherwise keep Wait blocked on a reader that never ends.
		r, w, err := os.Pipe()
		if err != nil {
			return fail(err)
		}
		cmd.Stdin, stdinW = r, w
		go func() {
			io.Copy(w, in)
			w.Close()
		}()
		defer r.Close()
	}
	// Its own process group, so cancelling also stops anything it forked.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("starting %s: %w", in.Path, err))
	}
	pr.cmd = cmd
	waited := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		case <-waited:
		}
	}()
	go func() {
		err := cmd.Wait()
		if errors.Is(err, exec.ErrWaitDelay) {
			err = nil
		}
		close(waited)
		if stdinW != nil {
			stdinW.Close()
		}
		pr.code, pr.err = exitCode(err)
		if ctx.Err() != nil && pr.err == nil {
			pr.err = ctx.Err()
		}
		pr.ln.Close()
		if serr := m.sync(); serr != nil && pr.err == nil {
			pr.err = fmt.Errorf("copying the program's files into the container: %w", serr)
		}
		os.RemoveAll(tmp)
		close(pr.done)
	}()
	return pr, nil
}

// Wait waits for the program to end and its files to be in the container.
// The code is the exit status (128+n when killed by signal n).
func (pr *Process) Wait() (int, error) {
	<-pr.done
	return pr.code, pr.err
}

// Pid is the host process id.
func (pr *Process) Pid() int { return pr.cmd.Process.Pid }

func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return 1, err
}
