package tools

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
)

func sedTools() Registry {
	return Registry{"sed": sedTool}
}

type sedAddr struct {
	kind  byte // 0 none, 'n' line, '$' last, '/' regex, '~' step
	line  int
	step  int
	re    *regexp.Regexp
	empty bool // "//": reuse the last regex
}

type sedCmd struct {
	a1, a2   sedAddr
	negate   bool
	name     byte
	text     string // a, i, c
	re       *regexp.Regexp
	reEmpty  bool
	repl     string
	global   bool
	nth      int
	print    bool
	label    string
	from, to []rune // y
	block    int    // index of matching } for {
	inRange  bool
	rangeEnd int
	wfile    string
}

type sedProg struct {
	cmds     []*sedCmd
	labels   map[string]int
	extended bool
}

type sedParser struct {
	s        string
	i        int
	extended bool
	prog     *sedProg
	stack    []int
}

func (sp *sedParser) errorf(format string, a ...any) error {
	return fmt.Errorf("-e expression #1, char %d: %s", sp.i, fmt.Sprintf(format, a...))
}

func (sp *sedParser) skipSpace() {
	for sp.i < len(sp.s) && (sp.s[sp.i] == ' ' || sp.s[sp.i] == '\t') {
		sp.i++
	}
}

// delimited reads up to an unescaped delim, keeping escapes except for
// the delimiter itself (and turning \n into a newline for regexes).
func (sp *sedParser) delimited(delim byte, isRegex bool) (string, error) {
	var b strings.Builder
	for sp.i < len(sp.s) {
		c := sp.s[sp.i]
		if c == '\\' && sp.i+1 < len(sp.s) {
			n := sp.s[sp.i+1]
			sp.i += 2
			switch {
			case n == delim:
				b.WriteByte(n)
			case n == 'n' && isRegex:
				b.WriteString(`\n`)
			case n == '\n':
				b.WriteByte('\n')
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			continue
		}
		if c == '[' && isRegex {
			// Bracket expressions may contain the delimiter.
			j := sp.i + 1
			if j < len(sp.s) && sp.s[j] == '^' {
				j++
			}
			if j < len(sp.s) && sp.s[j] == ']' {
				j++
			}
			for j < len(sp.s) && sp.s[j] != ']' {
				j++
			}
			if j < len(sp.s) {
				b.WriteString(sp.s[sp.i : j+1])
				sp.i = j + 1
				continue
			}
		}
		if c == delim {
			sp.i++
			return b.String(), nil
		}
		if c == '\n' && isRegex {
			break
		}
		b.WriteByte(c)
		sp.i++
	}
	return "", sp.errorf("unterminated `s' command")
}

func (sp *sedParser) compile(expr string, flags string) (*regexp.Regexp, error) {
	e := breToERE(expr, sp.extended)
	if flags != "" {
		e = "(?" + flags + ")" + e
	}
	re, err := regexp.Compile(e)
	if err != nil {
		if strings.Contains(err.Error(), "escape") {
			return nil, sp.errorf("Invalid back reference")
		}
		return nil, sp.errorf("%s", err)
	}
	return re, nil
}

func (sp *sedParser) addr() (sedAddr, error) {
	var a sedAddr
	if sp.i >= len(sp.s) {
		return a, nil
	}
	c := sp.s[sp.i]
	switch {
	case c >= '0' && c <= '9':
		j := sp.i
		for j < len(sp.s) && sp.s[j] >= '0' && sp.s[j] <= '9' {
			j++
		}
		a.kind = 'n'
		a.line, _ = strconv.Atoi(sp.s[sp.i:j])
		sp.i = j
		if sp.i < len(sp.s) && sp.s[sp.i] == '~' {
			sp.i++
			k := sp.i
			for k < len(sp.s) && sp.s[k] >= '0' && sp.s[k] <= '9' {
				k++
			}
			a.step, _ = strconv.Atoi(sp.s[sp.i:k])
			a.kind = '~'
			sp.i = k
		}
	case c == '$':
		a.kind = '$'
		sp.i++
	case c == '/' || c == '\\':
		delim := byte('/')
		if c == '\\' {
			sp.i++
			if sp.i >= len(sp.s) {
				return a, sp.errorf("unexpected `,'")
			}
			delim = sp.s[sp.i]
		}
		sp.i++
		expr, err := sp.delimited(delim, true)
		if err != nil {
			return a, sp.errorf("unterminated address regex")
		}
		flags := ""
		for sp.i < len(sp.s) && (sp.s[sp.i] == 'I' || sp.s[sp.i] == 'M') {
			if sp.s[sp.i] == 'I' {
				flags += "i"
			} else {
				flags += "m"
			}
			sp.i++
		}
		a.kind = '/'
		if expr == "" {
			a.empty = true
		} else if a.re, err = sp.compile(expr, flags); err != nil {
			return a, err
		}
	}
	return a, nil
}

// readText reads the text argument of a, i and c in both the POSIX
// (`a\` newline text) and the GNU one-line (`a text`) forms.
func (sp *sedParser) readText() string {
	sp.skipSpace()
	if sp.i < len(sp.s) && sp.s[sp.i] == '\\' {
		sp.i++
		if sp.i < len(sp.s) && sp.s[sp.i] == '\n' {
			sp.i++
		}
	}
	var b strings.Builder
	for sp.i < len(sp.s) {
		c := sp.s[sp.i]
		if c == '\\' && sp.i+1 < len(sp.s) {
			b.WriteByte(sp.s[sp.i+1])
			sp.i += 2
			continue
		}
		if c == '\n' {
			sp.i++
			break
		}
		b.WriteByte(c)
		sp.i++
	}
	return b.String()
}

func (sp *sedParser) label() string {
	sp.skipSpace()
	j := sp.i
	for j < len(sp.s) && sp.s[j] != '\n' && sp.s[j] != ';' {
		j++
	}
	l := strings.TrimSpace(sp.s[sp.i:j])
	sp.i = j
	return l
}

func parseSed(script string, extended bool) (*sedProg, error) {
	sp := &sedParser{s: script, extended: extended, prog: &sedProg{labels: map[string]int{}, extended: extended}}
	for {
		for sp.i < len(sp.s) && strings.IndexByte(" \t\n;", sp.s[sp.i]) >= 0 {
			sp.i++
		}
		if sp.i >= len(sp.s) {
			break
		}
		if sp.s[sp.i] == '#' {
			for sp.i < len(sp.s) && sp.s[sp.i] != '\n' {
				sp.i++
			}
			continue
		}
		cmd := &sedCmd{}
		var err error
		if cmd.a1, err = sp.addr(); err != nil {
			return nil, err
		}
		if cmd.a1.kind != 0 && sp.i < len(sp.s) && sp.s[sp.i] == ',' {
			sp.i++
			sp.skipSpace()
			if sp.i < len(sp.s) && sp.s[sp.i] == '+' {
				// GNU addr1,+N.
				sp.i++
				j := sp.i
				for j < len(sp.s) && sp.s[j] >= '0' && sp.s[j] <= '9' {
					j++
				}
				n, _ := strconv.Atoi(sp.s[sp.i:j])
				sp.i = j
				cmd.a2 = sedAddr{kind: '+', line: n}
			} else if cmd.a2, err = sp.addr(); err != nil {
				return nil, err
			} else if cmd.a2.kind == 0 {
				return nil, sp.errorf("unexpected `,'")
			}
		}
		sp.skipSpace()
		for sp.i < len(sp.s) && sp.s[sp.i] == '!' {
			cmd.negate = true
			sp.i++
			sp.skipSpace()
		}
		if sp.i >= len(sp.s) {
			return nil, sp.errorf("missing command")
		}
		cmd.name = sp.s[sp.i]
		sp.i++
		switch cmd.name {
		case '{':
			sp.stack = append(sp.stack, len(sp.prog.cmds))
		case '}':
			if len(sp.stack) == 0 {
				return nil, sp.errorf("unexpected `}'")
			}
			open := sp.stack[len(sp.stack)-1]
			sp.stack = sp.stack[:len(sp.stack)-1]
			sp.prog.cmds[open].block = len(sp.prog.cmds)
		case 's':
			if sp.i >= len(sp.s) {
				return nil, sp.errorf("unterminated `s' command")
			}
			delim := sp.s[sp.i]
			sp.i++
			expr, err := sp.delimited(delim, true)
			if err != nil {
				return nil, err
			}
			repl, err := sp.delimited(delim, false)
			if err != nil {
				return nil, err
			}
			cmd.repl = repl
			flags := ""
			for sp.i < len(sp.s) {
				c := sp.s[sp.i]
				switch {
				case c == 'g':
					cmd.global = true
				case c == 'p':
					cmd.print = true
				case c == 'i' || c == 'I':
					flags += "i"
				case c == 'm' || c == 'M':
					flags += "m"
				case c >= '0' && c <= '9':
					j := sp.i
					for j < len(sp.s) && sp.s[j] >= '0' && sp.s[j] <= '9' {
						j++
					}
					cmd.nth, _ = strconv.Atoi(sp.s[sp.i:j])
					sp.i = j - 1
				case c == 'w':
					sp.i++
					cmd.wfile = sp.label()
					sp.i--
				case c == 'e':
					return nil, sp.errorf("the `e' flag is not supported by the embedded sandbox")
				default:
					goto doneFlags
				}
				sp.i++
			}
		doneFlags:
			if expr == "" {
				cmd.reEmpty = true
			} else if cmd.re, err = sp.compile(expr, flags); err != nil {
				return nil, err
			}
		case 'y':
			delim := sp.s[sp.i]
			sp.i++
			from, err := sp.delimited(delim, false)
			if err != nil {
				return nil, sp.errorf("unterminated `y' command")
			}
			to, err := sp.delimited(delim, false)
			if err != nil {
				return nil, sp.errorf("unterminated `y' command")
			}
			cmd.from, cmd.to = []rune(unescapeC(from)), []rune(unescapeC(to))
			if len(cmd.from) != len(cmd.to) {
				return nil, sp.errorf("strings for `y' command are different lengths")
			}
		case 'a', 'i', 'c':
			cmd.text = sp.readText()
		case ':':
			l := sp.label()
			if l == "" {
				return nil, sp.errorf("\":\" lacks a label")
			}
			sp.prog.labels[l] = len(sp.prog.cmds)
		case 'b', 't', 'T':
			cmd.label = sp.label()
		case 'r', 'R', 'w', 'W':
			cmd.wfile = sp.label()
		case 'q', 'Q', 'l', 'L':
			sp.skipSpace()
			for sp.i < len(sp.s) && sp.s[sp.i] >= '0' && sp.s[sp.i] <= '9' {
				sp.i++
			}
		case 'd', 'D', 'p', 'P', 'n', 'N', 'g', 'G', 'h', 'H', 'x', '=', 'z', 'F':
		default:
			return nil, sp.errorf("unknown command: `%c'", cmd.name)
		}
		sp.prog.cmds = append(sp.prog.cmds, cmd)
	}
	if len(sp.stack) > 0 {
		return nil, sp.errorf("unmatched `{'")
	}
	return sp.prog, nil
}

// expandRepl builds a replacement: & is the match, \1-\9 groups, \n a
// newline, \& a literal ampersand.
func expandRepl(repl string, src string, m []int) string {
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '&':
			b.WriteString(src[m[0]:m[1]])
		case c == '\\' && i+1 < len(repl):
			i++
			n := repl[i]
			switch {
			case n >= '0' && n <= '9':
				g := int(n - '0')
				if 2*g+1 < len(m) && m[2*g] >= 0 {
					b.WriteString(src[m[2*g]:m[2*g+1]])
				}
			case n == 'n':
				b.WriteByte('\n')
			case n == 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(n)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

type sedState struct {
	p        *Proc
	prog     *sedProg
	out      io.Writer
	quiet    bool
	lastRe   *regexp.Regexp
	hold     string
	lineNo   int
	quit     bool
	exitCode int
}

func (st *sedState) matchAddr(a sedAddr, line string, last bool) bool {
	switch a.kind {
	case 'n':
		return st.lineNo == a.line
	case '$':
		return last
	case '~':
		if a.step <= 0 {
			return st.lineNo == a.line
		}
		return st.lineNo >= a.line && (st.lineNo-a.line)%a.step == 0
	case '/':
		re := a.re
		if a.empty {
			re = st.lastRe
		} else {
			st.lastRe = re
		}
		return re != nil && re.MatchString(line)
	}
	return true
}

func (st *sedState) selected(c *sedCmd, line string, last bool) bool {
	var hit bool
	switch {
	case c.a1.kind == 0:
		hit = true
	case c.a2.kind == 0:
		hit = st.matchAddr(c.a1, line, last)
	case c.inRange:
		hit = true
		switch c.a2.kind {
		case 'n':
			if st.lineNo >= c.a2.line {
				c.inRange = false
			}
		case '+':
			if st.lineNo >= c.rangeEnd {
				c.inRange = false
			}
		default:
			if st.matchAddr(c.a2, line, last) {
				c.inRange = false
			}
		}
	case st.matchAddr(c.a1, line, last):
		hit = true
		switch c.a2.kind {
		case 'n':
			c.inRange = c.a2.line > st.lineNo
		case '+':
			c.rangeEnd = st.lineNo + c.a2.line
			c.inRange = c.a2.line > 0
		case '$':
			c.inRange = !last
		default:
			c.inRange = true
		}
	}
	return hit != c.negate
}

// run processes one input stream (all files concatenated unless -s/-i).
func (st *sedState) run(lines []string, finalNL bool) {
	var appendQueue []string
	for idx := 0; idx < len(lines) && !st.quit; idx++ {
		st.lineNo++
		ps := lines[idx]
		last := idx == len(lines)-1
		deleted := false
		subst := false
		appendQueue = appendQueue[:0]
		for pc := 0; pc < len(st.prog.cmds); pc++ {
			c := st.prog.cmds[pc]
			if c.name == '}' || (c.name == ':') {
				continue
			}
			if !st.selected(c, ps, last) {
				if c.name == '{' {
					pc = c.block
				}
				continue
			}
			switch c.name {
			case '{':
			case 's':
				re := c.re
				if c.reEmpty {
					re = st.lastRe
				} else {
					st.lastRe = re
				}
				if re == nil {
					continue
				}
				n := 0
				var b strings.Builder
				pos := 0
				did := false
				for _, m := range re.FindAllStringSubmatchIndex(ps, -1) {
					n++
					if (c.nth > 0 && n < c.nth) || (!c.global && c.nth == 0 && n > 1) || (c.nth > 0 && !c.global && n > c.nth) {
						continue
					}
					b.WriteString(ps[pos:m[0]])
					b.WriteString(expandRepl(c.repl, ps, m))
					pos = m[1]
					did = true
				}
				if did {
					b.WriteString(ps[pos:])
					ps = b.String()
					subst = true
					if c.print {
						io.WriteString(st.out, ps+"\n")
					}
					if c.wfile != "" {
						if f, err := st.p.Create(c.wfile, true); err == nil {
							io.WriteString(f, ps+"\n")
							f.Close()
						}
					}
				}
			case 'y':
				rs := []rune(ps)
				for i, r := range rs {
					for j, f := range c.from {
						if r == f {
							rs[i] = c.to[j]
							break
						}
					}
				}
				ps = string(rs)
			case 'd':
				deleted = true
			case 'D':
				if i := strings.IndexByte(ps, '\n'); i >= 0 {
					lines[idx] = ps[i+1:]
					idx--
					st.lineNo--
				}
				deleted = true
			case 'p':
				io.WriteString(st.out, ps+"\n")
			case 'P':
				first, _, _ := strings.Cut(ps, "\n")
				io.WriteString(st.out, first+"\n")
			case '=':
				fmt.Fprintf(st.out, "%d\n", st.lineNo)
			case 'a':
				appendQueue = append(appendQueue, c.text)
			case 'i':
				io.WriteString(st.out, c.text+"\n")
			case 'c':
				// With a range, the text replaces the whole range once.
				if c.a2.kind == 0 || !c.inRange {
					io.WriteString(st.out, c.text+"\n")
				}
				deleted = true
			case 'r':
				if f, err := st.p.Open(c.wfile); err == nil {
					b, _ := io.ReadAll(f)
					f.Close()
					appendQueue = append(appendQueue, strings.TrimSuffix(string(b), "\n"))
				}
			case 'w':
				if f, err := st.p.Create(c.wfile, true); err == nil {
					io.WriteString(f, ps+"\n")
					f.Close()
				}
			case 'h':
				st.hold = ps
			case 'H':
				st.hold += "\n" + ps
			case 'g':
				ps = st.hold
			case 'G':
				ps += "\n" + st.hold
			case 'x':
				ps, st.hold = st.hold, ps
			case 'z':
				ps = ""
			case 'n':
				if !st.quiet {
					io.WriteString(st.out, ps+"\n")
				}
				if last {
					deleted = true
					st.quit = true
					break
				}
				idx++
				st.lineNo++
				ps = lines[idx]
				last = idx == len(lines)-1
			case 'N':
				if last {
					// GNU prints the pattern space when N hits the end.
					break
				}
				idx++
				st.lineNo++
				ps += "\n" + lines[idx]
				last = idx == len(lines)-1
			case 'q':
				st.quit = true
			case 'Q':
				st.quit = true
				deleted = true
			case 'b', 't', 'T':
				jump := c.name == 'b' || (c.name == 't' && subst) || (c.name == 'T' && !subst)
				if c.name != 'b' {
					subst = false
				}
				if jump {
					if c.label == "" {
						pc = len(st.prog.cmds)
					} else if target, ok := st.prog.labels[c.label]; ok {
						pc = target - 1
					}
				}
			case 'l':
				io.WriteString(st.out, strconv.Quote(ps)[1:len(strconv.Quote(ps))-1]+"$\n")
			case 'F':
				io.WriteString(st.out, "-\n")
			}
			if deleted || st.quit {
				break
			}
		}
		if !deleted && !st.quiet {
			end := "\n"
			if last && !finalNL {
				end = ""
			}
			io.WriteString(st.out, ps+end)
		}
		for _, a := range appendQueue {
			io.WriteString(st.out, a+"\n")
		}
	}
}

func sedTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "ne:f:i::ErsuzlL:", long: []string{"quiet/n", "silent/n", "expression:/e", "file:/f", "in-place::/i", "regexp-extended/E", "separate/s", "unbuffered/u", "null-data/z", "posix", "debug", "sandbox", "follow-symlinks", "line-length:/l"}})
	if !ok {
		return 1
	}
	var scripts []string
	quiet, extended, separate := false, false, false
	inPlace, suffix := false, ""
	for _, o := range opts {
		switch o.key {
		case "n":
			quiet = true
		case "e":
			scripts = append(scripts, o.val)
		case "f":
			r, err := p.Open(o.val)
			if err != nil {
				p.Errorf("couldn't open file %s: %s", o.val, ErrText(err))
				return 1
			}
			b, _ := io.ReadAll(r)
			r.Close()
			scripts = append(scripts, strings.TrimSuffix(string(b), "\n"))
		case "i":
			inPlace, suffix, separate = true, o.val, true
		case "E", "r":
			extended = true
		case "s":
			separate = true
		}
	}
	if len(scripts) == 0 {
		if len(rest) == 0 {
			fmt.Fprintf(p.Stderr, "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n\n")
			return 1
		}
		scripts, rest = []string{rest[0]}, rest[1:]
	}
	prog, err := parseSed(strings.Join(scripts, "\n"), extended)
	if err != nil {
		p.Errorf("%s", err)
		return 1
	}
	if inPlace && len(rest) == 0 {
		p.Errorf("no input files")
		return 1
	}
	st := &sedState{p: p, prog: prog, out: p.Stdout, quiet: quiet}
	if len(rest) == 0 {
		rest = []string{"-"}
	}
	status := 0
	if !separate {
		var all []string
		finalNL := true
		status = p.readInputs(rest, func(name string, err error) {
			p.Errorf("can't read %s: %s", name, ErrText(err))
		}, func(name string, r io.Reader) error {
			lines, nl, err := readLines(ctxReader{ctx, r})
			all = append(all, lines...)
			finalNL = nl
			return err
		})
		st.run(all, finalNL)
		return max(status, st.exitCode)
	}
	for _, name := range rest {
		if st.quit {
			break
		}
		full := p.Abs(name)
		r, err := p.Open(name)
		if err != nil {
			p.Errorf("can't read %s: %s", name, ErrText(err))
			status = 2
			continue
		}
		lines, nl, err := readLines(ctxReader{ctx, r})
		r.Close()
		if err != nil {
			p.Errorf("couldn't edit %s: %s", name, ErrText(err))
			status = 4
			continue
		}
		if !inPlace {
			st.run(lines, nl)
			continue
		}
		fi, err := p.FS.Stat(full)
		if err != nil || !fi.Mode().IsRegular() {
			p.Errorf("couldn't edit %s: not a regular file", name)
			status = 4
			continue
		}
		var buf strings.Builder
		st.out = &buf
		st.lineNo = 0
		st.run(lines, nl)
		// Write a temporary file beside the original and rename it over,
		// as GNU sed does (so the inode and owner change like in Docker).
		tmp := path.Join(path.Dir(full), ".sed-"+baseName(full)+".tmp")
		f, err := p.FS.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
		if err != nil {
			p.Errorf("couldn't open temporary file %s: %s", path.Join(dirName(name), baseName(tmp)), ErrText(err))
			status = 4
			continue
		}
		io.WriteString(f, buf.String())
		f.Close()
		p.FS.Chmod(tmp, fi.Mode()&(0o777|os.ModeSetuid|os.ModeSetgid|os.ModeSticky))
		if suffix != "" {
			backup := strings.ReplaceAll(suffix, "*", baseName(full))
			if !strings.Contains(suffix, "*") {
				backup = baseName(full) + suffix
			}
			p.FS.Rename(full, path.Join(path.Dir(full), backup))
		}
		if err := p.FS.Rename(tmp, full); err != nil {
			p.FS.Remove(tmp)
			p.Errorf("cannot rename %s: %s", name, ErrText(err))
			status = 4
		}
	}
	return max(status, st.exitCode)
}
