package tools

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

func testTools() Registry {
	return Registry{"test": testTool, "[": testTool}
}

// testTool is POSIX test(1) / [ over the container filesystem, including
// -O and -G, which answer from the FS's recorded ownership.
func testTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	if p.Name() == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			p.Errorf("missing ']'")
			return 2
		}
		args = args[:len(args)-1]
	}
	t := &tester{p: p, args: args}
	v, err := t.eval()
	if err != nil {
		p.Errorf("%s", err)
		return 2
	}
	if v {
		return 0
	}
	return 1
}

type tester struct {
	p    *Proc
	args []string
	pos  int
}

func isUnaryTestOp(s string) bool {
	return len(s) == 2 && s[0] == '-' && strings.IndexByte("bcdefgGhLkOprsStuwxzn", s[1]) >= 0
}

func isBinaryTestOp(s string) bool {
	switch s {
	case "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef":
		return true
	}
	return false
}

// eval follows POSIX's rules by argument count first (so `test -n` and
// `test ! = x` behave), then falls back to the -a/-o grammar.
func (t *tester) eval() (bool, error) {
	a := t.args
	switch len(a) {
	case 0:
		return false, nil
	case 1:
		return a[0] != "", nil
	case 2:
		if a[0] == "!" {
			return a[1] == "", nil
		}
		if isUnaryTestOp(a[0]) {
			return t.unary(a[0], a[1])
		}
		return false, fmt.Errorf("%s: unary operator expected", a[0])
	case 3:
		if isBinaryTestOp(a[1]) {
			return t.binary(a[0], a[1], a[2])
		}
		if a[0] == "!" {
			sub := &tester{p: t.p, args: a[1:]}
			v, err := sub.eval()
			return !v, err
		}
		if a[0] == "(" && a[2] == ")" {
			return a[1] != "", nil
		}
		if a[1] == "-a" || a[1] == "-o" {
			break
		}
		return false, fmt.Errorf("%s: binary operator expected", a[1])
	case 4:
		if a[0] == "!" {
			sub := &tester{p: t.p, args: a[1:]}
			v, err := sub.eval()
			return !v, err
		}
		if a[0] == "(" && a[3] == ")" {
			sub := &tester{p: t.p, args: a[1:3]}
			return sub.eval()
		}
	}
	v, err := t.orExpr()
	if err == nil && t.pos < len(t.args) {
		err = fmt.Errorf("extra argument %s", quote(t.args[t.pos]))
	}
	return v, err
}

func (t *tester) next() (string, bool) {
	if t.pos >= len(t.args) {
		return "", false
	}
	s := t.args[t.pos]
	t.pos++
	return s, true
}

func (t *tester) orExpr() (bool, error) {
	v, err := t.andExpr()
	for err == nil && t.pos < len(t.args) && t.args[t.pos] == "-o" {
		t.pos++
		var w bool
		w, err = t.andExpr()
		v = v || w
	}
	return v, err
}

func (t *tester) andExpr() (bool, error) {
	v, err := t.notExpr()
	for err == nil && t.pos < len(t.args) && t.args[t.pos] == "-a" {
		t.pos++
		var w bool
		w, err = t.notExpr()
		v = v && w
	}
	return v, err
}

func (t *tester) notExpr() (bool, error) {
	if t.pos < len(t.args) && t.args[t.pos] == "!" {
		t.pos++
		v, err := t.notExpr()
		return !v, err
	}
	return t.primary()
}

func (t *tester) primary() (bool, error) {
	s, ok := t.next()
	if !ok {
		return false, fmt.Errorf("argument expected")
	}
	if s == "(" {
		v, err := t.orExpr()
		if err != nil {
			return false, err
		}
		if c, _ := t.next(); c != ")" {
			return false, fmt.Errorf("')' expected")
		}
		return v, nil
	}
	if t.pos+1 < len(t.args) && isBinaryTestOp(t.args[t.pos]) {
		op, rhs := t.args[t.pos], t.args[t.pos+1]
		t.pos += 2
		return t.binary(s, op, rhs)
	}
	if isUnaryTestOp(s) && t.pos < len(t.args) {
		x, _ := t.next()
		return t.unary(s, x)
	}
	return s != "", nil
}

func (t *tester) unary(op, x string) (bool, error) {
	p := t.p
	stat := func() (fs.FileInfo, bool) {
		if x == "" {
			return nil, false
		}
		fi, err := p.FS.Stat(p.Abs(x))
		return fi, err == nil
	}
	switch op {
	case "-z":
		return x == "", nil
	case "-n":
		return x != "", nil
	case "-t":
		return false, nil
	case "-h", "-L":
		if x == "" {
			return false, nil
		}
		fi, err := p.FS.Lstat(p.Abs(x))
		return err == nil && fi.Mode()&fs.ModeSymlink != 0, nil
	}
	fi, ok := stat()
	if !ok {
		return false, nil
	}
	m := fi.Mode()
	switch op {
	case "-e":
		return true, nil
	case "-f":
		return m.IsRegular(), nil
	case "-d":
		return m.IsDir(), nil
	case "-b":
		return m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0, nil
	case "-c":
		return m&fs.ModeCharDevice != 0, nil
	case "-p":
		return m&fs.ModeNamedPipe != 0, nil
	case "-S":
		return m&fs.ModeSocket != 0, nil
	case "-s":
		return fi.Size() > 0, nil
	case "-u":
		return m&fs.ModeSetuid != 0, nil
	case "-g":
		return m&fs.ModeSetgid != 0, nil
	case "-k":
		return m&fs.ModeSticky != 0, nil
	case "-r":
		return canAccess(p.Identity(), fi, 4), nil
	case "-w":
		return canAccess(p.Identity(), fi, 2), nil
	case "-x":
		return canAccess(p.Identity(), fi, 1), nil
	case "-O":
		return ownerOf(fi).UID == p.Identity().UID, nil
	case "-G":
		return ownerOf(fi).GID == p.Identity().GID, nil
	}
	return false, fmt.Errorf("%s: unary operator expected", op)
}

func (t *tester) binary(a, op, b string) (bool, error) {
	switch op {
	case "=", "==":
		return a == b, nil
	case "!=":
		return a != b, nil
	case "<":
		return a < b, nil
	case ">":
		return a > b, nil
	case "-nt", "-ot", "-ef":
		p := t.p
		fa, ea := p.FS.Stat(p.Abs(a))
		fb, eb := p.FS.Stat(p.Abs(b))
		switch op {
		case "-nt":
			return ea == nil && (eb != nil || fa.ModTime().After(fb.ModTime())), nil
		case "-ot":
			return eb == nil && (ea != nil || fa.ModTime().Before(fb.ModTime())), nil
		default:
			return ea == nil && eb == nil && (os.SameFile(fa, fb) || p.Abs(a) == p.Abs(b)), nil
		}
	}
	x, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	if err != nil {
		return false, fmt.Errorf("invalid integer %s", quote(a))
	}
	y, err := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	if err != nil {
		return false, fmt.Errorf("invalid integer %s", quote(b))
	}
	switch op {
	case "-eq":
		return x == y, nil
	case "-ne":
		return x != y, nil
	case "-lt":
		return x < y, nil
	case "-le":
		return x <= y, nil
	case "-gt":
		return x > y, nil
	case "-ge":
		return x >= y, nil
	}
	return false, fmt.Errorf("%s: binary operator expected", op)
}
