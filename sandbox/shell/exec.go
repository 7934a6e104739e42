package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/layerlab/learn/sandbox/tools"
)

// call rewrites builtins whose interp implementations would look at the
// host (command -v, type, ., test -O/-G) or are missing (umask) into
// internal commands that execMiddleware answers from the container.
func (sh *shellRun) call(ctx context.Context, args []string) ([]string, error) {
	hc := interp.HandlerCtx(ctx)
	sh.setLine(hc.Pos)
	switch args[0] {
	case "command":
		if len(args) > 1 && (args[1] == "-v" || args[1] == "-V" || args[1] == "-p" && len(args) > 2 && (args[2] == "-v" || args[2] == "-V")) {
			return append([]string{internalCommand}, args[1:]...), nil
		}
	case "type":
		return append([]string{internalType}, args[1:]...), nil
	case "printf":
		// The interpreter's printf lacks flags and precision (%05.2f);
		// ours is printf(1).
		if _, ok := sh.s.tools["printf"]; ok && (len(args) < 2 || args[1] != "-v") {
			return append([]string{internalTool}, args...), nil
		}
	case "umask":
		return append([]string{internalUmask}, args[1:]...), nil
	case "test", "[":
		for _, a := range args[1:] {
			if _, ok := sh.s.tools["test"]; ok && (a == "-O" || a == "-G") {
				return append([]string{internalTool}, args...), nil
			}
		}
	case "cd":
		if len(args) == 2 && args[1] != "-" && args[1] != "" {
			full := abs(hc.Dir, args[1])
			fi, err := sh.fs.Stat(full)
			if err == nil && fi.IsDir() && !tools.CanAccess(sh.fs.Identity(), fi, 1) {
				err = syscall.EACCES
			}
			if err != nil || !fi.IsDir() {
				code := "2"
				if sh.fl.bash {
					code = "1"
				}
				return []string{internalFail, code, sh.fl.cdError(sh.curLine(), args[1], err)}, nil
			}
		}
	case ".", "source":
		if len(args) >= 2 {
			name := args[1]
			found := ""
			if strings.Contains(name, "/") {
				found = abs(hc.Dir, name)
			} else {
				pathEnv := hc.Env.Get("PATH").String()
				for _, d := range strings.Split(pathEnv, ":") {
					if d == "" {
						continue
					}
					c := path.Join(abs(hc.Dir, d), name)
					if fi, err := sh.fs.Stat(c); err == nil && fi.Mode().IsRegular() {
						found = c
						break
					}
				}
				if found == "" && sh.fl.bash {
					found = abs(hc.Dir, name)
				}
			}
			if found == "" {
				return []string{internalFail, "2", fmt.Sprintf("%s.: cannot open %s: No such file\n", sh.fl.prefix(sh.curLine()), name)}, nil
			}
			if fi, err := sh.fs.Stat(found); err != nil || fi.IsDir() {
				return []string{internalFail, "2", fmt.Sprintf("%s.: cannot open %s: No such file\n", sh.fl.prefix(sh.curLine()), name)}, nil
			}
			// The interpreter stats this name on the host before opening
			// it through our handler; the NUL makes that stat fail
			// without a system call, and open strips it.
			out := append([]string{args[0], found + "\x00"}, args[2:]...)
			return out, nil
		}
	}
	return args, nil
}

func (f flavour) cdError(line uint, dir string, err error) string {
	if f.bash {
		text := "No such file or directory"
		if err == nil {
			text = "Not a directory"
		} else {
			text = tools.ErrText(err)
		}
		return fmt.Sprintf("%scd: %s: %s\n", f.prefix(line), dir, text)
	}
	return fmt.Sprintf("%scd: can't cd to %s\n", f.prefix(line), dir)
}

// execMiddleware ends the exec chain: nothing is ever passed to next, so
// no host program can run.
func (sh *shellRun) execMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return sh.exec
}

func exitErr(code int) error {
	if code == 0 {
		return nil
	}
	return interp.ExitStatus(uint8(code))
}

func (sh *shellRun) procFor(hc interp.HandlerContext, args []string) *tools.Proc {
	var stdin io.Reader
	if hc.Stdin != nil {
		stdin = hc.Stdin
	}
	return sh.s.proc(sh.fs, hc.Dir, exported(hc.Env), args, stdin, hc.Stdout, hc.Stderr)
}

func (sh *shellRun) exec(ctx context.Context, args []string) (err error) {
	hc := interp.HandlerCtx(ctx)
	sh.setLine(hc.Pos)
	p := sh.procFor(hc, args)
	switch args[0] {
	case internalFail:
		io.WriteString(hc.Stderr, args[2])
		n, _ := strconv.Atoi(args[1])
		return exitErr(n)
	case internalCommand:
		return exitErr(sh.commandV(hc, p, args[1:]))
	case internalType:
		return exitErr(sh.typeBuiltin(hc, p, args[1:]))
	case internalUmask:
		return exitErr(sh.umaskBuiltin(p, args[1:]))
	case internalTool:
		p.Args = args[1:]
		if t, ok := sh.s.tools[args[1]]; ok {
			code, err := runTool(ctx, t, p)
			if err != nil {
				return err
			}
			return exitErr(code)
		}
		return exitErr(2)
	case internalOwns:
		p.Args = []string{"test", args[1], args[2]}
		if t, ok := sh.s.tools["test"]; ok && t(ctx, p) == 0 {
			io.WriteString(hc.Stdout, "1")
		}
		return nil
	}
	code, err := sh.s.execProc(ctx, p, func(name string, why error) {
		line := sh.curLine()
		switch {
		case errors.Is(why, fs.ErrNotExist):
			io.WriteString(p.Stderr, sh.fl.notFound(line, name))
		case errors.As(why, new(noToolError)):
			fmt.Fprintf(p.Stderr, "%s%s: %v\n", sh.fl.prefix(line), name, why)
		case isErrno(why, syscall.EISDIR) && sh.fl.bash:
			fmt.Fprintf(p.Stderr, "%s%s: Is a directory\n", sh.fl.prefix(line), name)
		default:
			fmt.Fprintf(p.Stderr, "%s%s: Permission denied\n", sh.fl.prefix(line), name)
		}
	}, 0)
	if err != nil {
		return err
	}
	return exitErr(code)
}

// noToolError reports a program that exists in the image but has no
// sandbox implementation (a compiled binary, node, java ...).
type noToolError struct{ path string }

func (e noToolError) Error() string {
	return "the embedded sandbox cannot execute " + e.path + "; run with --engine docker to use a real Docker engine"
}

func isErrno(err error, e syscall.Errno) bool {
	var x syscall.Errno
	return errors.As(err, &x) && x == e
}

// execProc resolves p.Args[0] in the container and runs the matching tool.
// notFound prints the caller's message for a missing (ENOENT) or
// unexecutable (EACCES, EISDIR) program; the exit codes are 127 and 126.
func (s *session) execProc(ctx context.Context, p *tools.Proc, notFound func(name string, why error), depth int) (code int, err error) {
	name := p.Args[0]
	pathEnv, ok := envGet(p.Env, "PATH")
	if !ok {
		pathEnv = defaultPath
	}
	resolved, lerr := tools.LookPath(p.FS, p.Dir, pathEnv, name)
	if lerr != nil {
		notFound(name, lerr)
		if errors.Is(lerr, fs.ErrNotExist) {
			return 127, nil
		}
		return 126, nil
	}
	args := p.Args
	toolName := path.Base(name)
	target := path.Base(tools.ResolveLinks(p.FS, resolved))
	if toolName == "busybox" && target == "busybox" {
		// busybox APPLET ARGS...
		if len(args) < 2 {
			fmt.Fprintf(p.Stdout, "BusyBox (layerlab sandbox) multi-call binary.\n\nUsage: busybox [function [arguments]...]\n")
			return 0, nil
		}
		args = args[1:]
		toolName = path.Base(args[0])
	}
	if tool, ok := s.tools[toolName]; ok {
		sub := *p
		sub.Args = args
		return runTool(ctx, tool, &sub)
	}
	if target == "busybox" {
		fmt.Fprintf(p.Stderr, "%s: applet not found\n", toolName)
		return 127, nil
	}
	// Not one of our programs: maybe a script we can interpret.
	head, herr := readHead(p, resolved)
	if herr == nil && depth < 8 {
		if bytes.HasPrefix(head, []byte("#!")) {
			line, _, _ := bytes.Cut(head[2:], []byte("\n"))
			fields := strings.Fields(strings.TrimSpace(string(line)))
			if len(fields) > 0 {
				interpArgs := []string{fields[0]}
				if len(fields) > 1 {
					// Linux passes everything after the interpreter as one
					// argument.
					interpArgs = append(interpArgs, strings.Join(fields[1:], " "))
				}
				sub := *p
				sub.Args = append(append(interpArgs, name), args[1:]...)
				return s.execProc(ctx, &sub, func(n string, why error) {
					notFound(name, why)
				}, depth+1)
			}
		} else if !isBinary(head) {
			// No #! line: the shell runs it as a script (ENOEXEC rule).
			script, rerr := readAll(p, resolved)
			if rerr != nil {
				notFound(name, rerr)
				return 126, nil
			}
			sub := *p
			sub.Args = args
			return s.runScript(ctx, &sub, script)
		}
	}
	notFound(name, noToolError{resolved})
	return 126, nil
}

// runTool runs one tool, turning a panic into a sandbox error rather than
// crashing the process.
func runTool(ctx context.Context, tool tools.Tool, p *tools.Proc) (code int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error in %s: %v", p.Name(), r)
			code = 2
		}
	}()
	return tool(ctx, p), nil
}

func readHead(p *tools.Proc, name string) ([]byte, error) {
	f, err := p.FS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

func readAll(p *tools.Proc, name string) (string, error) {
	f, err := p.FS.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return string(b), err
}

func isBinary(head []byte) bool {
	return bytes.HasPrefix(head, []byte("\x7fELF")) || bytes.IndexByte(head, 0) >= 0
}

// commandV is `command -v/-V NAME...` answered from the container.
func (sh *shellRun) commandV(hc interp.HandlerContext, p *tools.Proc, args []string) int {
	verbose := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "-V" {
			verbose = true
		}
		args = args[1:]
	}
	status := 0
	for _, name := range args {
		kind, where := sh.classify(hc, p, name)
		switch {
		case kind == "":
			status = 1
			if verbose {
				fmt.Fprintf(p.Stderr, "%s: not found\n", name)
				status = 127
			}
		case !verbose && kind == "file":
			fmt.Fprintln(p.Stdout, where)
		case !verbose:
			fmt.Fprintln(p.Stdout, name)
		default:
			fmt.Fprintln(p.Stdout, describe(name, kind, where))
		}
	}
	return status
}

func describe(name, kind, where string) string {
	switch kind {
	case "keyword":
		return name + " is a shell keyword"
	case "function":
		return name + " is a shell function"
	case "builtin":
		return name + " is a shell builtin"
	}
	return name + " is " + where
}

// classify says what a command name would run: a keyword, function,
// builtin, or a file found on the container's PATH.
func (sh *shellRun) classify(hc interp.HandlerContext, p *tools.Proc, name string) (kind, where string) {
	switch {
	case syntax.IsKeyword(name):
		return "keyword", ""
	case sh.root != nil && sh.root.Funcs[name] != nil:
		return "function", ""
	case interp.IsBuiltin(name) || name == "umask":
		return "builtin", ""
	}
	pathEnv := hc.Env.Get("PATH").String()
	if !hc.Env.Get("PATH").IsSet() {
		pathEnv = defaultPath
	}
	if found, err := tools.LookPath(p.FS, p.Dir, pathEnv, name); err == nil {
		return "file", found
	}
	return "", ""
}

func (sh *shellRun) typeBuiltin(hc interp.HandlerContext, p *tools.Proc, args []string) int {
	mode := ""
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		mode = args[0]
		args = args[1:]
	}
	status := 0
	for _, name := range args {
		kind, where := sh.classify(hc, p, name)
		switch {
		case kind == "":
			if sh.fl.bash {
				if mode != "-t" {
					fmt.Fprintf(p.Stderr, "%stype: %s: not found\n", sh.fl.prefix(sh.curLine()), name)
				}
				status = 1
			} else {
				fmt.Fprintf(p.Stdout, "%s: not found\n", name)
				status = 127
			}
		case mode == "-t":
			fmt.Fprintln(p.Stdout, kind)
		case mode == "-p" || mode == "-P":
			if kind == "file" {
				fmt.Fprintln(p.Stdout, where)
			}
		default:
			fmt.Fprintln(p.Stdout, describe(name, kind, where))
		}
	}
	return status
}

// umaskBuiltin implements umask [-S] [MODE]; the interpreter has none.
func (sh *shellRun) umaskBuiltin(p *tools.Proc, args []string) int {
	symbolic := false
	if len(args) > 0 && args[0] == "-S" {
		symbolic, args = true, args[1:]
	}
	cur := sh.s.getUmask()
	if len(args) == 0 {
		if symbolic {
			perm := 0o777 &^ cur
			class := func(shift uint) string {
				var b strings.Builder
				for i, c := range "rwx" {
					if perm&(1<<(shift+2-uint(i))) != 0 {
						b.WriteRune(c)
					}
				}
				return b.String()
			}
			fmt.Fprintf(p.Stdout, "u=%s,g=%s,o=%s\n", class(6), class(3), class(0))
		} else {
			fmt.Fprintf(p.Stdout, "%04o\n", uint32(cur))
		}
		return 0
	}
	spec := args[0]
	if n, err := strconv.ParseUint(spec, 8, 32); err == nil {
		sh.s.setUmask(fs.FileMode(n))
		return 0
	}
	// Symbolic: compute the permitted bits, then invert.
	perm, err := tools.ApplyMode(spec, uint32(0o777&^cur))
	if err != nil {
		fmt.Fprintf(p.Stderr, "%sumask: Illegal mode: %s\n", sh.fl.prefix(sh.curLine()), spec)
		return 2
	}
	sh.s.setUmask(fs.FileMode(0o777 &^ perm))
	return 0
}
