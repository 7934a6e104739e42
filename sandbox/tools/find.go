package tools

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"mvdan.cc/sh/v3/pattern"

	"github.com/layerlab/learn/sandbox/users"
)

func findTools() Registry {
	return Registry{"find": findTool}
}

var globCache sync.Map

// globMatch is fnmatch(3) without FNM_PATHNAME/FNM_PERIOD, which is what
// find -name/-path and case patterns use.
func globMatch(pat, s string, fold bool) bool {
	key := pat
	if fold {
		key = "\x00i" + pat
	}
	re, ok := globCache.Load(key)
	if !ok {
		mode := pattern.EntireString | pattern.NoGlobStar | pattern.GlobLeadingDot
		if fold {
			mode |= pattern.NoGlobCase
		}
		expr, err := pattern.Regexp(pat, mode)
		if err != nil {
			return pat == s
		}
		c, err := regexp.Compile(expr)
		if err != nil {
			return pat == s
		}
		re, _ = globCache.LoadOrStore(key, c)
	}
	return re.(*regexp.Regexp).MatchString(s)
}

// findNode is one parsed find expression.
type findNode struct {
	kind        string // and, or, not, pred
	left, right *findNode
	eval        func(f *finder, e *findEntry) bool
}

type findEntry struct {
	full, shown string
	fi          fs.FileInfo
	depth       int
}

type finder struct {
	ctx                context.Context
	p                  *Proc
	minDepth, maxDepth int
	depthFirst         bool
	followLinks        bool
	expr               *findNode
	hasAction          bool
	status             int
	pruned             bool
	batches            []*execBatch
	names              *users.Names
}

type execBatch struct {
	argv  []string // with "{}" where the names go
	names []string
}

func findTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	f := &finder{ctx: ctx, p: p, maxDepth: -1}
	// Leading -H/-L/-P options.
	for len(args) > 0 && (args[0] == "-L" || args[0] == "-H" || args[0] == "-P") {
		f.followLinks = args[0] == "-L"
		args = args[1:]
	}
	var starts []string
	for len(args) > 0 && !isFindExprStart(args[0]) {
		starts = append(starts, args[0])
		args = args[1:]
	}
	if len(starts) == 0 {
		starts = []string{"."}
	}
	fp := &findParser{f: f, args: args}
	if len(args) > 0 {
		expr, err := fp.parseOr()
		if err == nil && fp.pos < len(fp.args) {
			err = fmt.Errorf("paths must precede expression: %s", quote(fp.args[fp.pos]))
		}
		if err != nil {
			p.Errorf("%s", err)
			return 1
		}
		f.expr = expr
	}
	for _, s := range starts {
		full := p.Abs(s)
		var fi fs.FileInfo
		var err error
		if f.followLinks {
			fi, err = p.FS.Stat(full)
		} else {
			// Without -L, find reports a command-line symlink itself.
			fi, err = p.FS.Lstat(full)
		}
		if err != nil {
			p.Errorf("%s: %s", quote(s), ErrText(err))
			f.status = 1
			continue
		}
		f.walk(&findEntry{full: full, shown: s, fi: fi, depth: 0})
	}
	for _, b := range f.batches {
		f.flush(b)
	}
	if ctx.Err() != nil {
		return 130
	}
	return f.status
}

func isFindExprStart(a string) bool {
	return (strings.HasPrefix(a, "-") && len(a) > 1) || a == "(" || a == "!" || a == ")" || a == ","
}

func (f *finder) walk(e *findEntry) {
	if f.ctx.Err() != nil {
		return
	}
	if !f.depthFirst {
		f.visit(e)
	}
	prune := f.pruned
	f.pruned = false
	if e.fi.IsDir() && !prune && (f.maxDepth < 0 || e.depth < f.maxDepth) {
		ents, err := f.p.FS.ReadDir(e.full)
		if err != nil {
			f.p.Errorf("%s: %s", quote(e.shown), ErrText(err))
			f.status = 1
		}
		for _, c := range ents {
			full := path.Join(e.full, c.Name())
			var fi fs.FileInfo
			if f.followLinks {
				fi, err = f.p.FS.Stat(full)
				if err != nil {
					fi, err = f.p.FS.Lstat(full)
				}
			} else {
				fi, err = f.p.FS.Lstat(full)
			}
			shown := e.shown + "/" + c.Name()
			if strings.HasSuffix(e.shown, "/") {
				shown = e.shown + c.Name()
			}
			if err != nil {
				f.p.Errorf("%s: %s", quote(shown), ErrText(err))
				f.status = 1
				continue
			}
			f.walk(&findEntry{full: full, shown: shown, fi: fi, depth: e.depth + 1})
		}
	}
	if f.depthFirst {
		f.visit(e)
	}
}

func (f *finder) visit(e *findEntry) {
	if e.depth < f.minDepth || (f.maxDepth >= 0 && e.depth > f.maxDepth) {
		return
	}
	matched := f.expr == nil || f.expr.eval(f, e)
	if matched && !f.hasAction {
		fmt.Fprintln(f.p.Stdout, e.shown)
	}
}

type findParser struct {
	f    *finder
	args []string
	pos  int
}

func (fp *findParser) peek() string {
	if fp.pos < len(fp.args) {
		return fp.args[fp.pos]
	}
	return ""
}

func (fp *findParser) parseOr() (*findNode, error) {
	left, err := fp.parseAnd()
	if err != nil {
		return nil, err
	}
	for fp.peek() == "-o" || fp.peek() == "-or" || fp.peek() == "," {
		comma := fp.peek() == ","
		fp.pos++
		right, err := fp.parseAnd()
		if err != nil {
			return nil, err
		}
		l, r := left, right
		if comma {
			left = &findNode{kind: "comma", eval: func(f *finder, e *findEntry) bool { l.eval(f, e); return r.eval(f, e) }}
		} else {
			left = &findNode{kind: "or", eval: func(f *finder, e *findEntry) bool { return l.eval(f, e) || r.eval(f, e) }}
		}
	}
	return left, nil
}

func (fp *findParser) parseAnd() (*findNode, error) {
	left, err := fp.parseNot()
	if err != nil {
		return nil, err
	}
	for {
		t := fp.peek()
		if t == "" || t == "-o" || t == "-or" || t == ")" || t == "," {
			return left, nil
		}
		if t == "-a" || t == "-and" {
			fp.pos++
		}
		right, err := fp.parseNot()
		if err != nil {
			return nil, err
		}
		l, r := left, right
		left = &findNode{kind: "and", eval: func(f *finder, e *findEntry) bool { return l.eval(f, e) && r.eval(f, e) }}
	}
}

func (fp *findParser) parseNot() (*findNode, error) {
	if t := fp.peek(); t == "!" || t == "-not" {
		fp.pos++
		x, err := fp.parseNot()
		if err != nil {
			return nil, err
		}
		return &findNode{kind: "not", eval: func(f *finder, e *findEntry) bool { return !x.eval(f, e) }}, nil
	}
	return fp.parsePrimary()
}

func (fp *findParser) arg(name string) (string, error) {
	if fp.pos >= len(fp.args) {
		return "", fmt.Errorf("missing argument to `%s'", name)
	}
	a := fp.args[fp.pos]
	fp.pos++
	return a, nil
}

func always() func(*finder, *findEntry) bool {
	return func(*finder, *findEntry) bool { return true }
}

// numCmp handles find's +N / -N / N numeric arguments.
func numCmp(spec string) (func(int64) bool, error) {
	switch {
	case strings.HasPrefix(spec, "+"):
		n, err := strconv.ParseInt(spec[1:], 10, 64)
		return func(v int64) bool { return v > n }, err
	case strings.HasPrefix(spec, "-"):
		n, err := strconv.ParseInt(spec[1:], 10, 64)
		return func(v int64) bool { return v < n }, err
	default:
		n, err := strconv.ParseInt(spec, 10, 64)
		return func(v int64) bool { return v == n }, err
	}
}

func (fp *findParser) parsePrimary() (*findNode, error) {
	f := fp.f
	t, _ := fp.arg("")
	pred := func(ev func(*finder, *findEntry) bool) (*findNode, error) {
		return &findNode{kind: "pred", eval: ev}, nil
	}
	switch t {
	case "(":
		x, err := fp.parseOr()
		if err != nil {
			return nil, err
		}
		if fp.peek() != ")" {
			return nil, fmt.Errorf("invalid expression; I was expecting to find a ')' somewhere but did not see one.")
		}
		fp.pos++
		return x, nil
	case "-print":
		f.hasAction = true
		return pred(func(f *finder, e *findEntry) bool { fmt.Fprintln(f.p.Stdout, e.shown); return true })
	case "-print0":
		f.hasAction = true
		return pred(func(f *finder, e *findEntry) bool { fmt.Fprint(f.p.Stdout, e.shown+"\x00"); return true })
	case "-true":
		return pred(always())
	case "-false":
		return pred(func(*finder, *findEntry) bool { return false })
	case "-prune":
		return pred(func(f *finder, e *findEntry) bool { f.pruned = true; return true })
	case "-quit":
		return pred(func(f *finder, e *findEntry) bool { return true })
	case "-depth", "-d":
		f.depthFirst = true
		return pred(always())
	case "-xdev", "-mount", "-noleaf", "-ignore_readdir_race":
		return pred(always())
	case "-follow":
		f.followLinks = true
		return pred(always())
	case "-maxdepth", "-mindepth":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("Expected a positive decimal integer argument to %s, but got %s", t, quote(a))
		}
		if t == "-maxdepth" {
			f.maxDepth = n
		} else {
			f.minDepth = n
		}
		return pred(always())
	case "-delete":
		f.hasAction, f.depthFirst = true, true
		return pred(func(f *finder, e *findEntry) bool {
			if e.depth == 0 && (e.shown == "." || e.shown == "./") {
				return true
			}
			if err := f.p.FS.Remove(e.full); err != nil {
				f.p.Errorf("cannot delete %s: %s", quote(e.shown), ErrText(err))
				f.status = 1
				return false
			}
			return true
		})
	case "-type", "-xtype":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		types := strings.Split(a, ",")
		for _, ty := range types {
			if len(ty) != 1 || !strings.Contains("fdlbcps", ty) {
				return nil, fmt.Errorf("Unknown argument to %s: %s", t, a)
			}
		}
		return pred(func(f *finder, e *findEntry) bool {
			m := e.fi.Mode()
			for _, ty := range types {
				var ok bool
				switch ty {
				case "f":
					ok = m.IsRegular()
				case "d":
					ok = m.IsDir()
				case "l":
					ok = m&fs.ModeSymlink != 0
				case "b":
					ok = m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0
				case "c":
					ok = m&fs.ModeCharDevice != 0
				case "p":
					ok = m&fs.ModeNamedPipe != 0
				case "s":
					ok = m&fs.ModeSocket != 0
				}
				if ok {
					return true
				}
			}
			return false
		})
	case "-name", "-iname":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		fold := t == "-iname"
		return pred(func(f *finder, e *findEntry) bool { return globMatch(a, baseName(e.shown), fold) })
	case "-path", "-ipath", "-wholename", "-iwholename":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		fold := strings.HasPrefix(t, "-i")
		return pred(func(f *finder, e *findEntry) bool { return globMatch(a, e.shown, fold) })
	case "-regex", "-iregex":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		expr := "^(?:" + breToERE(a, false) + ")$"
		if t == "-iregex" {
			expr = "(?i)" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("invalid regular expression %s", quote(a))
		}
		return pred(func(f *finder, e *findEntry) bool { return re.MatchString(e.shown) })
	case "-empty":
		return pred(func(f *finder, e *findEntry) bool {
			if e.fi.IsDir() {
				ents, err := f.p.FS.ReadDir(e.full)
				return err == nil && len(ents) == 0
			}
			return e.fi.Mode().IsRegular() && e.fi.Size() == 0
		})
	case "-executable", "-readable", "-writable":
		bit := map[string]fs.FileMode{"-executable": 1, "-readable": 4, "-writable": 2}[t]
		return pred(func(f *finder, e *findEntry) bool { return canAccess(f.p.Identity(), e.fi, bit) })
	case "-user", "-group", "-uid", "-gid":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		if f.names == nil {
			f.names = users.LoadNames(f.p.FS)
		}
		var id int
		var ok bool
		if t == "-user" || t == "-uid" {
			id, ok = f.names.UID(a)
		} else {
			id, ok = f.names.GID(a)
		}
		if !ok {
			kind := "user"
			if t == "-group" {
				kind = "group"
			}
			return nil, fmt.Errorf("%s %s: unknown %s", t[1:], a, kind)
		}
		isUser := t == "-user" || t == "-uid"
		return pred(func(f *finder, e *findEntry) bool {
			o := ownerOf(e.fi)
			if isUser {
				return o.UID == id
			}
			return o.GID == id
		})
	case "-nouser", "-nogroup":
		if f.names == nil {
			f.names = users.LoadNames(f.p.FS)
		}
		return pred(func(f *finder, e *findEntry) bool {
			o := ownerOf(e.fi)
			if t == "-nouser" {
				return !f.names.UIDTaken(o.UID)
			}
			return !f.names.GIDTaken(o.GID)
		})
	case "-perm":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		kind := byte(0)
		if a != "" && (a[0] == '-' || a[0] == '/') {
			kind, a = a[0], a[1:]
		}
		want, err := parseMode(a, 0, false, 0)
		if err != nil {
			return nil, fmt.Errorf("invalid mode %s", quote(a))
		}
		return pred(func(f *finder, e *findEntry) bool {
			m := unixMode(e.fi.Mode())
			switch kind {
			case '-':
				return m&want == want
			case '/':
				return want == 0 || m&want != 0
			}
			return m == want
		})
	case "-size":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		unit := int64(512)
		num := a
		if n := len(a); n > 0 {
			switch a[n-1] {
			case 'c':
				unit, num = 1, a[:n-1]
			case 'w':
				unit, num = 2, a[:n-1]
			case 'k':
				unit, num = 1024, a[:n-1]
			case 'M':
				unit, num = 1<<20, a[:n-1]
			case 'G':
				unit, num = 1<<30, a[:n-1]
			case 'b':
				num = a[:n-1]
			}
		}
		cmp, err := numCmp(num)
		if err != nil {
			return nil, fmt.Errorf("invalid -size type %s", quote(a))
		}
		return pred(func(f *finder, e *findEntry) bool {
			// find rounds sizes up to whole units.
			return cmp((e.fi.Size() + unit - 1) / unit)
		})
	case "-mtime", "-mmin", "-newer":
		a, err := fp.arg(t)
		if err != nil {
			return nil, err
		}
		if t == "-newer" {
			ref, err := f.p.FS.Stat(f.p.Abs(a))
			if err != nil {
				return nil, fmt.Errorf("%s: %s", quote(a), ErrText(err))
			}
			return pred(func(f *finder, e *findEntry) bool { return e.fi.ModTime().After(ref.ModTime()) })
		}
		cmp, err := numCmp(a)
		if err != nil {
			return nil, fmt.Errorf("invalid argument %s to %s", quote(a), quote(t))
		}
		unit := 24 * time.Hour
		if t == "-mmin" {
			unit = time.Minute
		}
		now := time.Now()
		return pred(func(f *finder, e *findEntry) bool { return cmp(int64(now.Sub(e.fi.ModTime()) / unit)) })
	case "-exec", "-execdir", "-ok", "-okdir":
		var argv []string
		plus := false
		for {
			if fp.pos >= len(fp.args) {
				return nil, fmt.Errorf("missing argument to `%s'", t)
			}
			a := fp.args[fp.pos]
			fp.pos++
			if a == ";" {
				break
			}
			if a == "+" && len(argv) > 0 && argv[len(argv)-1] == "{}" {
				plus = true
				break
			}
			argv = append(argv, a)
		}
		if len(argv) == 0 {
			return nil, fmt.Errorf("missing argument to `%s'", t)
		}
		f.hasAction = true
		inDir := strings.HasSuffix(t, "dir")
		if plus {
			b := &execBatch{argv: argv}
			f.batches = append(f.batches, b)
			return pred(func(f *finder, e *findEntry) bool {
				b.names = append(b.names, e.shown)
				if len(b.names) >= 5000 {
					f.flush(b)
				}
				return true
			})
		}
		return pred(func(f *finder, e *findEntry) bool {
			name, dir := e.shown, f.p.Dir
			if inDir {
				name, dir = "./"+path.Base(e.full), path.Dir(e.full)
			}
			cmd := make([]string, len(argv))
			for i, a := range argv {
				cmd[i] = strings.ReplaceAll(a, "{}", name)
			}
			sub := *f.p
			sub.Dir = dir
			return f.p.Exec(f.ctx, &sub, cmd) == 0
		})
	case "-ls", "-fprint", "-printf":
		if t == "-printf" {
			a, err := fp.arg(t)
			if err != nil {
				return nil, err
			}
			f.hasAction = true
			return pred(func(f *finder, e *findEntry) bool {
				fmt.Fprint(f.p.Stdout, findPrintf(a, e))
				return true
			})
		}
		return nil, fmt.Errorf("%s is not supported by the embedded sandbox", t)
	case "":
		return nil, fmt.Errorf("invalid expression")
	}
	if strings.HasPrefix(t, "-") {
		return nil, fmt.Errorf("unknown predicate `%s'", t)
	}
	return nil, fmt.Errorf("paths must precede expression: %s", quote(t))
}

func (f *finder) flush(b *execBatch) {
	if len(b.names) == 0 {
		return
	}
	var cmd []string
	for _, a := range b.argv {
		if a == "{}" {
			cmd = append(cmd, b.names...)
		} else {
			cmd = append(cmd, a)
		}
	}
	b.names = nil
	if f.p.Exec(f.ctx, f.p, cmd) != 0 {
		f.status = 1
	}
}

// findPrintf supports the -printf directives scripts use most.
func findPrintf(format string, e *findEntry) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '\\' && i+1 < len(format) {
			i++
			switch format[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '0':
				b.WriteByte(0)
			default:
				b.WriteByte(format[i])
			}
			continue
		}
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'p':
			b.WriteString(e.shown)
		case 'f':
			b.WriteString(baseName(e.shown))
		case 'h':
			b.WriteString(dirName(e.shown))
		case 's':
			b.WriteString(strconv.FormatInt(e.fi.Size(), 10))
		case 'm':
			b.WriteString(strconv.FormatUint(uint64(unixMode(e.fi.Mode())), 8))
		case 'd':
			b.WriteString(strconv.Itoa(e.depth))
		case 'u', 'U':
			b.WriteString(strconv.Itoa(ownerOf(e.fi).UID))
		case 'g', 'G':
			b.WriteString(strconv.Itoa(ownerOf(e.fi).GID))
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}
