package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/tools"
)

// Config is the process a shell runs as.
type Config struct {
	// FS is the container root as the running user (FS.Identity()).
	FS sandbox.FS
	// Dir is the working directory inside the container ("/" if empty).
	Dir string
	// Env holds KEY=VALUE pairs; PATH comes from here. The host's
	// environment is never consulted.
	Env            []string
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Tools are the programs the sandbox can run.
	Tools    tools.Registry
	Hostname string
	// Resolve answers name lookups the container's network provides
	// (other containers by name or alias); nil resolves nothing.
	Resolve func(name string) []string
	// Terminate is closed when the container is asked to stop.
	Terminate <-chan struct{}
	// Tty says the process has a terminal (-t).
	Tty bool
}

// defaultPath is dash's search path when PATH is unset.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Run runs script like `/bin/sh -c script`. exitCode is the script's status;
// err reports failures of the sandbox itself (a tool that panicked, a
// broken filesystem) or the context's error when ctx was cancelled.
func Run(ctx context.Context, cfg Config, script string) (exitCode int, err error) {
	s := newSession(cfg)
	p := s.rootProc(cfg, []string{"sh"})
	return s.runScript(ctx, p, script)
}

// Exec runs argv without a shell, as Docker's exec form does: argv[0] is
// resolved on PATH inside the container. A missing program prints
// `exec: "NAME": executable file not found in $PATH` and returns 127.
func Exec(ctx context.Context, cfg Config, argv []string) (exitCode int, err error) {
	if len(argv) == 0 {
		return 0, errors.New("exec: no command")
	}
	s := newSession(cfg)
	p := s.rootProc(cfg, argv)
	code, err := s.execProc(ctx, p, func(name string, why error) {
		switch {
		case errors.Is(why, fs.ErrNotExist) && !strings.Contains(name, "/"):
			fmt.Fprintf(p.Stderr, "exec: %q: executable file not found in $PATH\n", name)
		case errors.Is(why, fs.ErrNotExist):
			fmt.Fprintf(p.Stderr, "exec: %q: stat %s: no such file or directory\n", name, name)
		case errors.As(why, new(noToolError)):
			fmt.Fprintf(p.Stderr, "exec: %q: %v\n", name, why)
		default:
			fmt.Fprintf(p.Stderr, "exec: %q: permission denied\n", name)
		}
	}, 0)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return code, err
}

// session is what every shell and program started from one Run or Exec
// shares: the tools, the hostname, the umask.
type session struct {
	tools    tools.Registry
	hostname string
	resolve  func(string) []string
	term     <-chan struct{}
	tty      bool
	mu       sync.Mutex
	umask    fs.FileMode
}

func newSession(cfg Config) *session {
	reg := cfg.Tools
	if reg == nil {
		reg = tools.Registry{}
	}
	return &session{tools: reg, hostname: cfg.Hostname, resolve: cfg.Resolve, term: cfg.Terminate, tty: cfg.Tty, umask: 0o022}
}

func (s *session) getUmask() fs.FileMode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.umask
}

func (s *session) setUmask(m fs.FileMode) {
	s.mu.Lock()
	s.umask = m & 0o777
	s.mu.Unlock()
}

// lockedWriter serialises writes: pipelines and background jobs write to
// the caller's stdout and stderr concurrently.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (s *session) rootProc(cfg Config, args []string) *tools.Proc {
	stdout, stderr := cfg.Stdout, cfg.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	var mu sync.Mutex
	outW := lockedWriter{&mu, stdout}
	errW := outW
	if stderr != stdout {
		errW = lockedWriter{new(sync.Mutex), stderr}
	}
	dir := cfg.Dir
	if dir == "" {
		dir = "/"
	}
	return s.proc(cfg.FS, path.Clean("/"+dir), cfg.Env, args, cfg.Stdin, outW, errW)
}

func (s *session) proc(fsys sandbox.FS, dir string, env, args []string, stdin io.Reader, stdout, stderr io.Writer) *tools.Proc {
	return &tools.Proc{
		FS: fsys, Dir: dir, Env: env, Args: args,
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Hostname:  s.hostname,
		Resolve:   s.resolve,
		Terminate: s.term,
		Tty:       s.tty,
		Umask:     s.getUmask(),
		Interactive: func(ctx context.Context, p *tools.Proc, in io.Reader, prompt bool) int {
			code, err := s.runInteractive(ctx, p, in, prompt)
			if err != nil && ctx.Err() == nil {
				fmt.Fprintf(p.Stderr, "%s: %v\n", p.Name(), err)
			}
			return code
		},
		Run: func(ctx context.Context, p *tools.Proc, script string) int {
			code, err := s.runScript(ctx, p, script)
			if err != nil && ctx.Err() == nil {
				fmt.Fprintf(p.Stderr, "%s: %v\n", p.Name(), err)
			}
			return code
		},
		Exec: func(ctx context.Context, p *tools.Proc, argv []string) int {
			if len(argv) == 0 {
				return 0
			}
			sub := *p
			sub.Args = argv
			sub.Umask = s.getUmask()
			// The calling tool prints its own "not found" message; other
			// failures are explained here.
			code, err := s.execProc(ctx, &sub, func(name string, why error) {
				if !errors.Is(why, fs.ErrNotExist) {
					fmt.Fprintf(p.Stderr, "%s: %s: %v\n", p.Name(), name, why)
				}
			}, 0)
			if err != nil && ctx.Err() == nil {
				fmt.Fprintf(p.Stderr, "%s: %v\n", argv[0], err)
				return 2
			}
			return code
		},
	}
}

// flavour describes how the shell names itself in messages: dash's
// "sh: 1: foo: not found" or bash's "bash: line 1: foo: command not found".
type flavour struct {
	name string
	bash bool
}

func flavourOf(argv0 string) flavour {
	n := path.Base(argv0)
	if n == "" || n == "." || n == "/" {
		n = "sh"
	}
	return flavour{name: n, bash: n == "bash"}
}

func (f flavour) prefix(line uint) string {
	if line == 0 {
		line = 1
	}
	if f.bash {
		return fmt.Sprintf("%s: line %d: ", f.name, line)
	}
	return fmt.Sprintf("%s: %d: ", f.name, line)
}

func (f flavour) notFound(line uint, name string) string {
	if f.bash {
		return f.prefix(line) + name + ": command not found\n"
	}
	return f.prefix(line) + name + ": not found\n"
}

// runScript parses and runs script in a new shell: $0 is p.Args[0], the
// positional parameters p.Args[1:].
func (s *session) runScript(ctx context.Context, p *tools.Proc, script string) (int, error) {
	fl := flavourOf(p.Name())
	// sh is dash in Debian images: a first POSIX parse rejects bash-only
	// syntax the way dash would. The script then runs from a bash-variant
	// parse, because mvdan.cc/sh only treats export, readonly and local as
	// declarations (not plain commands) in that variant.
	var err error
	if !fl.bash {
		_, err = syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(script), p.Args[0])
	}
	var file *syntax.File
	if err == nil {
		file, err = syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), p.Args[0])
	}
	if err != nil {
		msg := err.Error()
		line := uint(1)
		var perr syntax.ParseError
		var lerr syntax.LangError
		switch {
		case errors.As(err, &perr):
			line = perr.Pos.Line()
			msg = perr.Text
		case errors.As(err, &lerr):
			line = lerr.Pos.Line()
			msg = lerr.Feature + " need bash; " + fl.name + " here is a POSIX shell (use bash -c, or SHELL [\"/bin/bash\", \"-c\"])"
		}
		if fl.bash {
			fmt.Fprintf(p.Stderr, "%s: -c: line %d: syntax error: %s\n", fl.name, line, msg)
		} else {
			fmt.Fprintf(p.Stderr, "%s: %d: Syntax error: %s\n", fl.name, line, msg)
		}
		return 2, nil
	}
	if msg := guardSyntax(file); msg != "" {
		fmt.Fprintf(p.Stderr, "%s%s\n", fl.prefix(1), msg)
		return 2, nil
	}
	r, done, err := s.newRunner(p, fl)
	if err != nil {
		return 1, err
	}
	defer done()
	return exitOf(ctx, r.Run(ctx, file))
}

// exitOf turns a Run result into an exit status.
func exitOf(ctx context.Context, err error) (int, error) {
	var status interp.ExitStatus
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &status):
		return int(status), nil
	case ctx.Err() != nil:
		return 143, ctx.Err()
	}
	return 1, err
}

// newRunner makes the interpreter for one shell process: the container's
// files through our handlers, its environment, p's stdio and parameters.
func (s *session) newRunner(p *tools.Proc, fl flavour) (*interp.Runner, func(), error) {
	sh := &shellRun{s: s, fl: fl, fs: p.FS}
	env := newEnviron(p.Env, p.FS.Identity())
	stdin, closeStdin, err := stdinFor(p.Stdin)
	if err != nil {
		return nil, nil, err
	}
	var params []string
	if len(p.Args) > 1 {
		params = append([]string{"--"}, p.Args[1:]...)
	}
	opts := []interp.RunnerOption{
		interp.Env(env),
		func(r *interp.Runner) error { r.Dir = p.Dir; return nil },
		interp.StdIO(stdin, p.Stdout, p.Stderr),
		interp.OpenHandler(sh.open),
		interp.ReadDirHandler2(sh.readDir),
		interp.StatHandler(sh.stat),
		interp.AccessHandler(sh.access),
		interp.CallHandler(sh.call),
		interp.ExecHandlers(sh.execMiddleware),
	}
	if params != nil {
		opts = append(opts, interp.Params(params...))
	}
	r, err := interp.New(opts...)
	if err != nil {
		closeStdin()
		return nil, nil, fmt.Errorf("starting shell: %w", err)
	}
	sh.root = r
	env.resetting = true
	r.Reset()
	env.resetting = false
	return r, closeStdin, nil
}

// runInteractive reads commands from in and runs each complete one as it
// arrives, as dash does with no script; with prompt it shows PS1 ("# " for
// root, "$ " otherwise) and PS2 ("> ") on stderr.
func (s *session) runInteractive(ctx context.Context, p *tools.Proc, in io.Reader, prompt bool) (int, error) {
	fl := flavourOf(p.Name())
	// The parser owns in. A terminal (a file) is shared with the commands,
	// as in a real shell; any other stream would be split between the
	// parser and the runner's copy, so commands get an empty stdin.
	if _, ok := in.(*os.File); !ok {
		sub := *p
		sub.Stdin = strings.NewReader("")
		p = &sub
	}
	r, done, err := s.newRunner(p, fl)
	if err != nil {
		return 1, err
	}
	defer done()
	ps1 := "$ "
	if p.FS.Identity().IsRoot() {
		ps1 = "# "
	}
	show := func(ps string) {
		if prompt {
			fmt.Fprint(p.Stderr, ps)
		}
	}
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	code := 0
	var runErr error
	show(ps1)
	perr := parser.Interactive(in, func(stmts []*syntax.Stmt) bool {
		if parser.Incomplete() {
			show("> ")
			return true
		}
		if msg := guardSyntax(&syntax.File{Stmts: stmts}); msg != "" {
			fmt.Fprintf(p.Stderr, "%s%s\n", fl.prefix(1), msg)
			code = 2
		} else {
			for _, st := range stmts {
				code, runErr = exitOf(ctx, r.Run(ctx, st))
				if r.Exited() || runErr != nil {
					return false
				}
			}
		}
		show(ps1)
		return ctx.Err() == nil
	})
	if perr != nil && runErr == nil {
		fmt.Fprintf(p.Stderr, "%s%v\n", fl.prefix(1), perr)
		return 2, nil
	}
	if prompt && !r.Exited() {
		fmt.Fprintln(p.Stderr) // end of input at a prompt: a newline, as dash prints
	}
	return code, runErr
}

// stdinFor gives the interpreter our own pipe for non-file readers, so it
// can be closed when the shell ends and the copying goroutine stops.
func stdinFor(in io.Reader) (io.Reader, func(), error) {
	if in == nil {
		return nil, func() {}, nil
	}
	if f, ok := in.(*os.File); ok {
		return f, func() {}, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("creating stdin pipe: %w", err)
	}
	go func() {
		io.Copy(pw, in)
		pw.Close()
	}()
	return pr, func() { pr.Close() }, nil
}

// guardSyntax rejects or rewrites constructs that would reach the host:
// process substitution makes FIFOs in the host's temp dir, and [[ -O ]] /
// [[ -G ]] compare with the host user. It returns a message to print when
// the script cannot run.
func guardSyntax(file *syntax.File) string {
	msg := ""
	syntax.Walk(file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ProcSubst:
			if msg == "" {
				msg = "process substitution <(...) is not supported by the embedded sandbox; use a pipe or a temporary file, or --engine docker"
			}
		case *syntax.UnaryTest:
			if n.Op == syntax.TsUsrOwn || n.Op == syntax.TsGrpOwn {
				op := "-O"
				if n.Op == syntax.TsGrpOwn {
					op = "-G"
				}
				arg, ok := n.X.(*syntax.Word)
				if !ok {
					break
				}
				// [[ -n "$(<owns> -O FILE)" ]]: ask our test tool.
				call := &syntax.CallExpr{Args: []*syntax.Word{litWord(internalOwns), litWord(op), arg}}
				n.Op = syntax.TsNempStr
				n.X = &syntax.Word{Parts: []syntax.WordPart{&syntax.DblQuoted{Parts: []syntax.WordPart{
					&syntax.CmdSubst{Stmts: []*syntax.Stmt{{Cmd: call}}},
				}}}}
				return false
			}
		}
		return true
	})
	return msg
}

func litWord(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}

// Internal command names the call handler rewrites builtins to. The NUL
// byte keeps them from ever matching a user's command or function.
const (
	internalCommand = "\x00command"
	internalType    = "\x00type"
	internalFail    = "\x00fail"
	internalTool    = "\x00tool"
	internalUmask   = "\x00umask"
	internalOwns    = "\x00owns"
)

// shellRun is one interpreter instance's handlers.
type shellRun struct {
	s    *session
	fl   flavour
	fs   sandbox.FS
	root *interp.Runner
	mu   sync.Mutex
	line uint
}

func (sh *shellRun) setLine(pos syntax.Pos) {
	if pos.IsValid() {
		sh.mu.Lock()
		sh.line = pos.Line()
		sh.mu.Unlock()
	}
}

func (sh *shellRun) curLine() uint {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.line
}

func abs(dir, name string) string {
	if path.IsAbs(name) {
		return path.Clean(name)
	}
	if dir == "" {
		dir = "/"
	}
	return path.Join(dir, name)
}

// nopRWC adapts the handler's writers for /dev/stdout and /dev/stderr.
type nopRWC struct {
	io.Reader
	io.Writer
}

func (nopRWC) Close() error { return nil }

type errString string

func (e errString) Error() string { return string(e) }

func (sh *shellRun) open(ctx context.Context, name string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	hc := interp.HandlerCtx(ctx)
	// "." finds sourced scripts through a path the host cannot stat (see
	// call); strip the marker.
	name = strings.TrimSuffix(name, "\x00")
	switch name {
	case "/dev/null":
		return nopRWC{strings.NewReader(""), io.Discard}, nil
	case "/dev/stdout":
		return nopRWC{strings.NewReader(""), hc.Stdout}, nil
	case "/dev/stderr":
		return nopRWC{strings.NewReader(""), hc.Stderr}, nil
	case "/dev/stdin":
		if hc.Stdin != nil {
			return nopRWC{hc.Stdin, io.Discard}, nil
		}
		return nopRWC{strings.NewReader(""), io.Discard}, nil
	}
	full := abs(hc.Dir, name)
	f, err := sh.fs.OpenFile(full, flag, perm&^sh.s.getUmask())
	if err != nil {
		// Shape the message like dash's "cannot create x: Permission
		// denied"; the interpreter prints PathErrors as "op path: err".
		op := "cannot open"
		if flag&(os.O_WRONLY|os.O_RDWR) != 0 {
			op = "cannot create"
		}
		text := tools.ErrText(err)
		if !sh.fl.bash && op == "cannot open" && errors.Is(err, fs.ErrNotExist) {
			text = "No such file"
		}
		if sh.fl.bash {
			return nil, &os.PathError{Op: strings.TrimSuffix(sh.fl.prefix(sh.curLine()), " "), Path: name, Err: errString(text)}
		}
		return nil, &os.PathError{Op: sh.fl.prefix(sh.curLine()) + op, Path: name, Err: errString(text)}
	}
	return f, nil
}

func (sh *shellRun) readDir(ctx context.Context, name string) ([]fs.DirEntry, error) {
	hc := interp.HandlerCtx(ctx)
	return sh.fs.ReadDir(abs(hc.Dir, name))
}

func (sh *shellRun) stat(ctx context.Context, name string, follow bool) (fs.FileInfo, error) {
	hc := interp.HandlerCtx(ctx)
	full := abs(hc.Dir, name)
	var fi fs.FileInfo
	var err error
	if follow {
		fi, err = sh.fs.Stat(full)
	} else {
		fi, err = sh.fs.Lstat(full)
	}
	if err != nil {
		return nil, err
	}
	return wrapInfo(fi), nil
}

func (sh *shellRun) access(ctx context.Context, name string, mode interp.AccessMode) error {
	hc := interp.HandlerCtx(ctx)
	full := abs(hc.Dir, name)
	fi, err := sh.fs.Stat(full)
	if err != nil {
		return err
	}
	id := sh.fs.Identity()
	for _, bit := range []struct {
		m   interp.AccessMode
		bit fs.FileMode
	}{{interp.AccessRead, 4}, {interp.AccessWrite, 2}, {interp.AccessExec, 1}} {
		if mode&bit.m != 0 && !tools.CanAccess(id, fi, bit.bit) {
			return &fs.PathError{Op: "access", Path: full, Err: syscall.EACCES}
		}
	}
	return nil
}
