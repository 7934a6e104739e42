package pyindex

import (
	"fmt"
	"strings"
)

// Env is the environment PEP 508 markers are evaluated in: the image's
// Python on linux/x86_64.
type Env map[string]string

// NewEnv returns the marker environment of CPython pyVersion ("3.14" or
// "3.14.0") on Linux x86_64.
func NewEnv(pyVersion string) Env {
	full := pyVersion
	if strings.Count(full, ".") == 1 {
		full += ".0"
	}
	short := full
	if i := strings.LastIndex(full, "."); strings.Count(full, ".") >= 2 && i > 0 {
		short = full[:i]
	}
	return Env{
		"python_version": short, "python_full_version": full,
		"implementation_version": full, "implementation_name": "cpython",
		"platform_python_implementation": "CPython", "os_name": "posix",
		"sys_platform": "linux", "platform_system": "Linux",
		"platform_machine": "x86_64", "platform_release": "6.8.0",
		"platform_version": "#1 SMP", "extra": "",
	}
}

// Marker is a parsed environment marker (`python_version < "3.11"`).
type Marker struct {
	src  string
	root markerNode
}

type markerNode interface{ eval(Env) bool }

type markerOr struct{ l, r markerNode }
type markerAnd struct{ l, r markerNode }
type markerCmp struct {
	lhs, op, rhs string
	lvar, rvar   bool
}

func (m markerOr) eval(e Env) bool  { return m.l.eval(e) || m.r.eval(e) }
func (m markerAnd) eval(e Env) bool { return m.l.eval(e) && m.r.eval(e) }

// ParseMarker parses a PEP 508 marker expression.
func ParseMarker(s string) (*Marker, error) {
	p := &markerParser{toks: nil}
	if err := p.lex(s); err != nil {
		return nil, err
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, fmt.Errorf("invalid marker %q: unexpected %q", s, p.toks[p.i].s)
	}
	return &Marker{src: strings.TrimSpace(s), root: n}, nil
}

// String is the marker as written.
func (m *Marker) String() string { return m.src }

// Eval reports whether the marker holds in e (a nil marker always holds).
func (m *Marker) Eval(e Env) bool { return m == nil || m.root.eval(e) }

type tok struct {
	kind byte // 'v' variable, 's' string, 'o' operator, '(' , ')', 'k' keyword
	s    string
}

type markerParser struct {
	toks []tok
	i    int
}

var markerVars = map[string]bool{
	"python_version": true, "python_full_version": true, "os_name": true,
	"sys_platform": true, "platform_release": true, "platform_system": true,
	"platform_version": true, "platform_machine": true,
	"platform_python_implementation": true, "implementation_name": true,
	"implementation_version": true, "extra": true,
	// Legacy spellings setuptools still writes.
	"os.name": true, "sys.platform": true, "platform.version": true,
	"platform.machine": true, "platform.python_implementation": true,
	"python_implementation": true,
}

func (p *markerParser) lex(s string) error {
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')':
			p.toks = append(p.toks, tok{c, string(c)})
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return fmt.Errorf("invalid marker %q: unterminated string", s)
			}
			p.toks = append(p.toks, tok{'s', s[i+1 : i+1+j]})
			i += j + 2
		case strings.ContainsRune("=!<>~", rune(c)):
			j := i
			for j < len(s) && strings.ContainsRune("=!<>~", rune(s[j])) {
				j++
			}
			op := s[i:j]
			switch op {
			case "==", "!=", "<", "<=", ">", ">=", "~=", "===":
			default:
				return fmt.Errorf("invalid marker %q: bad operator %q", s, op)
			}
			p.toks = append(p.toks, tok{'o', op})
			i = j
		default:
			j := i
			for j < len(s) && (isIdent(s[j]) || s[j] == '.') {
				j++
			}
			if j == i {
				return fmt.Errorf("invalid marker %q: unexpected %q", s, string(c))
			}
			w := s[i:j]
			i = j
			switch {
			case w == "and" || w == "or" || w == "in":
				p.toks = append(p.toks, tok{'k', w})
			case w == "not":
				p.toks = append(p.toks, tok{'k', w})
			case markerVars[w]:
				p.toks = append(p.toks, tok{'v', strings.ReplaceAll(legacy(w), ".", "_")})
			default:
				return fmt.Errorf("invalid marker %q: unknown variable %q", s, w)
			}
		}
	}
	return nil
}

func legacy(w string) string {
	if w == "python_implementation" || w == "platform.python_implementation" {
		return "platform_python_implementation"
	}
	return w
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *markerParser) peek() (tok, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return tok{}, false
}

func (p *markerParser) or() (markerNode, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != 'k' || t.s != "or" {
			return l, nil
		}
		p.i++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = markerOr{l, r}
	}
}

func (p *markerParser) and() (markerNode, error) {
	l, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.peek()
		if !ok || t.kind != 'k' || t.s != "and" {
			return l, nil
		}
		p.i++
		r, err := p.atom()
		if err != nil {
			return nil, err
		}
		l = markerAnd{l, r}
	}
}

func (p *markerParser) atom() (markerNode, error) {
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("invalid marker: expression expected")
	}
	if t.kind == '(' {
		p.i++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if t, ok := p.peek(); !ok || t.kind != ')' {
			return nil, fmt.Errorf("invalid marker: missing )")
		}
		p.i++
		return n, nil
	}
	lhs, err := p.value()
	if err != nil {
		return nil, err
	}
	op, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("invalid marker: operator expected")
	}
	p.i++
	opS := op.s
	switch {
	case op.kind == 'o' || op.kind == 'k' && op.s == "in":
	case op.kind == 'k' && op.s == "not":
		if n, ok := p.peek(); !ok || n.kind != 'k' || n.s != "in" {
			return nil, fmt.Errorf("invalid marker: 'in' expected after 'not'")
		}
		p.i++
		opS = "not in"
	default:
		return nil, fmt.Errorf("invalid marker: operator expected, got %q", op.s)
	}
	rhs, err := p.value()
	if err != nil {
		return nil, err
	}
	return markerCmp{lhs: lhs.s, op: opS, rhs: rhs.s, lvar: lhs.kind == 'v', rvar: rhs.kind == 'v'}, nil
}

func (p *markerParser) value() (tok, error) {
	t, ok := p.peek()
	if !ok || t.kind != 'v' && t.kind != 's' {
		return tok{}, fmt.Errorf("invalid marker: value expected")
	}
	p.i++
	return t, nil
}

func (m markerCmp) eval(e Env) bool {
	l, r := m.lhs, m.rhs
	if m.lvar {
		l = e[l]
	}
	if m.rvar {
		r = e[r]
	}
	name := m.lhs
	if !m.lvar {
		name = m.rhs
	}
	if name == "extra" {
		// Extra names compare normalised (PEP 685).
		l, r = Normalize(l), Normalize(r)
	}
	switch m.op {
	case "in":
		return strings.Contains(r, l)
	case "not in":
		return !strings.Contains(r, l)
	}
	versionish := name == "python_version" || name == "python_full_version" || name == "implementation_version" || name == "platform_release"
	if versionish && m.op != "===" {
		if set, err := ParseSpecifierSet(m.op + r); err == nil {
			if v, err := ParseVersion(l); err == nil {
				// Marker comparisons include pre-releases.
				for _, sp := range set {
					if !sp.Contains(v) {
						return false
					}
				}
				return true
			}
		}
	}
	switch m.op {
	case "==", "===":
		return l == r
	case "!=":
		return l != r
	case "<":
		return l < r
	case "<=":
		return l <= r
	case ">":
		return l > r
	case ">=":
		return l >= r
	}
	return false
}
