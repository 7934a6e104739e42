package tools

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"golang.org/x/term"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

func shellTools() Registry {
	return Registry{
		"sh": shTool, "bash": shTool, "dash": shTool, "ash": shTool,
		"xargs": xargsTool, "which": whichTool,
	}
}

// LookPath finds the executable a command name refers to inside fsys, the
// way execvp does: names with a slash are paths (relative to dir); others
// are searched in pathEnv's directories. Symlinks are followed inside the
// FS. The error wraps ENOENT when nothing was found, EACCES when the file
// is not executable for fsys's identity, EISDIR for a directory.
func LookPath(fsys sandbox.FS, dir, pathEnv, name string) (string, error) {
	if name == "" {
		return "", &fs.PathError{Op: "exec", Path: name, Err: syscall.ENOENT}
	}
	check := func(p string) error {
		fi, err := fsys.Stat(p)
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return &fs.PathError{Op: "exec", Path: p, Err: syscall.EISDIR}
		}
		if !canAccess(fsys.Identity(), fi, 1) {
			return &fs.PathError{Op: "exec", Path: p, Err: syscall.EACCES}
		}
		return nil
	}
	if strings.Contains(name, "/") {
		p := name
		if !path.IsAbs(p) {
			p = path.Join(dir, p)
		}
		if err := check(p); err != nil {
			return "", err
		}
		return p, nil
	}
	var firstErr error
	for _, d := range strings.Split(pathEnv, ":") {
		if d == "" || d == "." {
			d = dir
		} else if !path.IsAbs(d) {
			d = path.Join(dir, d)
		}
		p := path.Join(d, name)
		err := check(p)
		if err == nil {
			return p, nil
		}
		if firstErr == nil && !errors.Is(err, fs.ErrNotExist) && !isErrno(err, syscall.ENOTDIR) {
			firstErr = err
		}
	}
	// execvp reports EACCES if a candidate existed but was not executable.
	if firstErr != nil && isErrno(firstErr, syscall.EACCES) {
		return "", firstErr
	}
	return "", &fs.PathError{Op: "exec", Path: name, Err: syscall.ENOENT}
}

// ResolveLinks follows symlinks of name (inside fsys) to the file they end
// at, so busybox-style /bin/ls -> busybox can be recognised.
func ResolveLinks(fsys sandbox.FS, name string) string {
	p := &Proc{FS: fsys, Dir: "/"}
	r, err := p.resolve(name, false)
	if err != nil {
		return name
	}
	return r
}

// shTool is sh/bash/dash: -c SCRIPT [NAME [ARGS...]], a script file, or a
// script on stdin; -e/-u/-x/-o OPT are passed on as a leading `set`.
func shTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	var setOpts []string
	command := false
	readStdin := false
	interactive := false
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if a == "-" {
			args = args[1:]
			break
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		if strings.HasPrefix(a, "--") {
			switch a {
			case "--login", "--norc", "--noprofile", "--posix", "--noediting":
				args = args[1:]
				continue
			}
			p.Errorf("%s: invalid option", a)
			return 2
		}
		args = args[1:]
		for _, c := range a[1:] {
			switch c {
			case 'c':
				command = true
			case 's':
				readStdin = true
			case 'i':
				interactive = true
			case 'l':
				// Login shells read profiles the sandbox does not model.
			case 'o':
				if len(args) == 0 {
					p.Errorf("-o: option requires an argument")
					return 2
				}
				setOpts = append(setOpts, string(a[0])+"o "+args[0])
				args = args[1:]
			case 'e', 'u', 'x', 'f', 'v', 'n', 'a', 'C', 'h', 'm', 'b':
				setOpts = append(setOpts, string(a[0])+string(c))
			default:
				p.Errorf("Illegal option %c%c", a[0], c)
				return 2
			}
		}
	}
	prefix := ""
	if len(setOpts) > 0 {
		prefix = "set " + strings.Join(setOpts, " ") + "; "
	}
	sub := *p
	switch {
	case command:
		if len(args) == 0 {
			p.Errorf("-c requires an argument")
			return 2
		}
		script := args[0]
		if len(args) > 1 {
			sub.Args = args[1:]
		} else {
			sub.Args = []string{p.Name()}
		}
		return p.Run(ctx, &sub, prefix+script)
	case len(args) > 0 && !readStdin:
		f, err := p.Open(args[0])
		if err != nil {
			if p.Name() == "bash" {
				p.Errorf("%s: %s", args[0], ErrText(err))
				return 127
			}
			fmt.Fprintf(p.Stderr, "%s: 0: cannot open %s: No such file\n", p.Name(), args[0])
			return 2
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			p.Errorf("%s: %s", args[0], ErrText(err))
			return 2
		}
		sub.Args = args
		return p.Run(ctx, &sub, prefix+string(b))
	default:
		sub.Args = append([]string{p.Name()}, args...)
		if p.Interactive != nil && prefix == "" {
			// Commands run as they are read, with a prompt on a terminal
			// (docker run -it IMAGE sh) or with -i.
			return p.Interactive(ctx, &sub, p.stdin(), interactive || p.Tty || isTerminal(p.stdin()))
		}
		b, err := io.ReadAll(p.stdin())
		if err != nil {
			return 2
		}
		sub.Stdin = strings.NewReader("")
		return p.Run(ctx, &sub, prefix+string(b))
	}
}

// splitXargs splits input the way xargs does by default: blanks and
// newlines separate, quotes and backslashes protect.
func splitXargs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unmatched %s quote; by default quotes are special to xargs unless you use the -0 option", map[byte]string{'\'': "single", '"': "double"}[c])
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

func xargsTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "0d:n:I:i::L:rtP:s:xpE:a:", long: []string{"null/0", "delimiter:/d", "max-args:/n", "replace::/i", "max-lines:/L", "no-run-if-empty/r", "verbose/t", "max-procs:/P", "max-chars:/s", "exit/x", "arg-file:/a"}, posix: true})
	if !ok {
		return 1
	}
	maxArgs, maxLines := 0, 0
	replace := ""
	delim := ""
	noEmpty, trace := false, false
	argFile := ""
	for _, o := range opts {
		switch o.key {
		case "0":
			delim = "\x00"
		case "d":
			delim = unescapeC(o.val)
		case "n":
			n, err := strconv.Atoi(o.val)
			if err != nil || n < 1 {
				p.Errorf("invalid number %s for -n option", quote(o.val))
				return 1
			}
			maxArgs = n
		case "L":
			maxLines, _ = strconv.Atoi(o.val)
		case "I":
			replace = o.val
		case "i":
			replace = o.val
			if replace == "" {
				replace = "{}"
			}
		case "r":
			noEmpty = true
		case "t":
			trace = true
		case "a":
			argFile = o.val
		}
	}
	cmd := rest
	if len(cmd) == 0 {
		cmd = []string{"echo"}
	}
	var in io.Reader = p.stdin()
	if argFile != "" {
		f, err := p.Open(argFile)
		if err != nil {
			p.Errorf("Cannot open input file %s: %s", quote(argFile), ErrText(err))
			return 1
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(ctxReader{ctx, in})
	if err != nil {
		return 1
	}
	text := string(data)
	var items []string
	var groups [][]string
	switch {
	case replace != "":
		// -I: one command per input line, blanks at the start trimmed.
		sc := bufio.NewScanner(strings.NewReader(text))
		for sc.Scan() {
			line := strings.TrimLeft(sc.Text(), " \t")
			if line != "" {
				groups = append(groups, []string{line})
			}
		}
	case delim != "":
		items = strings.Split(text, delim)
		if len(items) > 0 && items[len(items)-1] == "" {
			items = items[:len(items)-1]
		}
	case maxLines > 0:
		sc := bufio.NewScanner(strings.NewReader(text))
		var cur []string
		n := 0
		for sc.Scan() {
			words, err := splitXargs(sc.Text())
			if err != nil {
				p.Errorf("%s", err)
				return 1
			}
			if len(words) == 0 {
				continue
			}
			cur = append(cur, words...)
			if n++; n == maxLines {
				groups = append(groups, cur)
				cur, n = nil, 0
			}
		}
		if len(cur) > 0 {
			groups = append(groups, cur)
		}
	default:
		items, err = splitXargs(text)
		if err != nil {
			p.Errorf("%s", err)
			return 1
		}
	}
	if replace == "" && maxLines == 0 {
		if maxArgs == 0 {
			maxArgs = len(items)
		}
		for i := 0; i < len(items); i += max(maxArgs, 1) {
			groups = append(groups, items[i:min(i+maxArgs, len(items))])
		}
	}
	if len(groups) == 0 && !noEmpty && replace == "" {
		groups = [][]string{nil}
	}
	status := 0
	for _, g := range groups {
		if ctx.Err() != nil {
			return 143
		}
		var argv []string
		if replace != "" {
			for _, a := range cmd {
				argv = append(argv, strings.ReplaceAll(a, replace, g[0]))
			}
		} else {
			argv = append(append([]string(nil), cmd...), g...)
		}
		if trace {
			fmt.Fprintln(p.Stderr, strings.Join(argv, " "))
		}
		code := p.Exec(ctx, p, argv)
		switch {
		case code == 127:
			p.Errorf("%s: No such file or directory", argv[0])
			return 127
		case code == 126:
			return 126
		case code == 255:
			p.Errorf("%s: exited with status 255; aborting", argv[0])
			return 124
		case code != 0:
			status = 123
		}
	}
	return status
}

func whichTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	all := false
	if len(args) > 0 && args[0] == "-a" {
		all, args = true, args[1:]
	}
	status := 0
	pathEnv := p.Getenv("PATH")
	for _, name := range args {
		if strings.Contains(name, "/") {
			if found, err := LookPath(p.FS, p.Dir, pathEnv, name); err == nil {
				fmt.Fprintln(p.Stdout, found)
			} else {
				status = 1
			}
			continue
		}
		found := false
		for _, d := range strings.Split(pathEnv, ":") {
			if d == "" {
				continue
			}
			if f, err := LookPath(p.FS, p.Dir, "", path.Join(d, name)); err == nil {
				fmt.Fprintln(p.Stdout, f)
				found = true
				if !all {
					break
				}
			}
		}
		if !found {
			status = 1
		}
	}
	return status
}

// isTerminal reports whether r is a terminal (learn's own stdin, passed on
// by docker run -it).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
