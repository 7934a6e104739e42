package tools

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
)

func grepTools() Registry {
	return Registry{"grep": grepTool, "egrep": grepTool, "fgrep": grepTool}
}

// breToERE rewrites a POSIX regular expression (basic unless extended) into
// Go's RE2 syntax: \( \) \{ \} \| \+ \? become operators in BREs, bare ones
// become literals, \< \> become \b, and backslashes inside bracket
// expressions stay literal as POSIX says.
func breToERE(s string, extended bool) string {
	var b strings.Builder
	atStart := true // a leading * (or one after \( or ^) is literal in BREs
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '[':
			j := i + 1
			if j < len(s) && s[j] == '^' {
				j++
			}
			if j < len(s) && s[j] == ']' {
				j++
			}
			for j < len(s) && s[j] != ']' {
				if s[j] == '[' && j+1 < len(s) && (s[j+1] == ':' || s[j+1] == '.' || s[j+1] == '=') {
					end := strings.Index(s[j+2:], string(s[j+1])+"]")
					if end >= 0 {
						j += end + 4
						continue
					}
				}
				j++
			}
			if j >= len(s) {
				b.WriteString(`\[`)
				atStart = false
				continue
			}
			body := s[i+1 : j]
			body = strings.ReplaceAll(body, `\`, `\\`)
			b.WriteString("[" + body + "]")
			i = j
			atStart = false
			continue
		case c == '\\' && i+1 < len(s):
			i++
			n := s[i]
			switch n {
			case '<', '>':
				b.WriteString(`\b`)
			case '(', ')', '{', '}', '|', '+', '?':
				if extended {
					b.WriteByte('\\')
				}
				b.WriteByte(n)
				atStart = n == '(' || n == '|'
				continue
			case 'w', 'W', 's', 'S', 'b', 'B', '.', '*', '[', ']', '^', '$', '\\', '/':
				b.WriteByte('\\')
				b.WriteByte(n)
			case 'n':
				b.WriteString(`\n`)
			case 't':
				b.WriteString(`\t`)
			case '`':
				b.WriteString(`\A`)
			case '\'':
				b.WriteString(`\z`)
			default:
				if n >= '1' && n <= '9' {
					// Back-references have no RE2 equivalent; keep the
					// text so compilation reports it.
					b.WriteByte('\\')
					b.WriteByte(n)
				} else {
					b.WriteString(regexp.QuoteMeta(string(n)))
				}
			}
			atStart = false
			continue
		case c == '*' && atStart && !extended:
			b.WriteString(`\*`)
		case !extended && strings.IndexByte("(){}|+?", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		case extended && c == '{':
			// An ERE brace that does not start a valid interval is literal.
			end := strings.IndexByte(s[i:], '}')
			if end < 0 || !regexp.MustCompile(`^\{[0-9]*(,[0-9]*)?\}`).MatchString(s[i:i+end+1]) || i == 0 {
				b.WriteString(`\{`)
			} else {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
		atStart = c == '^' && b.Len() == 1 || (extended && (c == '(' || c == '|'))
	}
	return b.String()
}

type grepOpts struct {
	invert, count, filesOnly, filesWithout, onlyMatching, quiet bool
	lineNumbers, noMessages, recursive, withName, noName        bool
	maxCount                                                    int
	after, before                                               int
	includes, excludes, excludeDirs                             []string
}

func grepTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "qvicElLnrRFoe:f:whHsxm:A:B:C:PaIZz", long: []string{
		"quiet/q", "silent/q", "invert-match/v", "ignore-case/i", "count/c", "extended-regexp/E", "files-with-matches/l",
		"files-without-match/L", "line-number/n", "recursive/r", "dereference-recursive/R", "fixed-strings/F",
		"only-matching/o", "regexp:/e", "file:/f", "word-regexp/w", "no-filename/h", "with-filename/H",
		"no-messages/s", "line-regexp/x", "max-count:/m", "after-context:/A", "before-context:/B", "context:/C",
		"perl-regexp/P", "color::", "colour::", "include:", "exclude:", "exclude-dir:", "text/a", "binary-files:", "null/Z"}})
	if !ok {
		return 2
	}
	var g grepOpts
	g.maxCount = -1
	extended, fixed, fold, word, line := p.Name() == "egrep", p.Name() == "fgrep", false, false, false
	var patterns []string
	havePattern := false
	for _, o := range opts {
		switch o.key {
		case "q":
			g.quiet = true
		case "v":
			g.invert = true
		case "i":
			fold = true
		case "c":
			g.count = true
		case "E", "P":
			extended = true
		case "F":
			fixed = true
		case "l":
			g.filesOnly = true
		case "L":
			g.filesWithout = true
		case "n":
			g.lineNumbers = true
		case "r", "R":
			g.recursive = true
		case "o":
			g.onlyMatching = true
		case "e":
			patterns = append(patterns, strings.Split(o.val, "\n")...)
			havePattern = true
		case "f":
			r, err := p.Open(o.val)
			if err != nil {
				p.Errorf("%s: %s", o.val, ErrText(err))
				return 2
			}
			data, _ := io.ReadAll(r)
			r.Close()
			for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
				if len(data) > 0 {
					patterns = append(patterns, l)
				}
			}
			havePattern = true
		case "w":
			word = true
		case "x":
			line = true
		case "h":
			g.noName = true
		case "H":
			g.withName = true
		case "s":
			g.noMessages = true
		case "m":
			n, err := strconv.Atoi(o.val)
			if err != nil {
				p.Errorf("invalid max count")
				return 2
			}
			g.maxCount = n
		case "A", "B", "C":
			n, err := strconv.Atoi(o.val)
			if err != nil || n < 0 {
				p.Errorf("%s: invalid context length argument", o.val)
				return 2
			}
			if o.key != "B" {
				g.after = n
			}
			if o.key != "A" {
				g.before = n
			}
		case "include":
			g.includes = append(g.includes, o.val)
		case "exclude":
			g.excludes = append(g.excludes, o.val)
		case "exclude-dir":
			g.excludeDirs = append(g.excludeDirs, o.val)
		}
	}
	if !havePattern {
		if len(rest) == 0 {
			fmt.Fprintf(p.Stderr, "Usage: %s [OPTION]... PATTERNS [FILE]...\n", p.Name())
			p.printf2("Try '%s --help' for more information.\n", p.Name())
			return 2
		}
		patterns = strings.Split(rest[0], "\n")
		rest = rest[1:]
	}
	var alts []string
	for _, pat := range patterns {
		var expr string
		if fixed {
			expr = regexp.QuoteMeta(pat)
		} else {
			expr = breToERE(pat, extended)
		}
		if word {
			expr = `(?:^|\b)(?:` + expr + `)(?:\b|$)`
		}
		if line {
			expr = `^(?:` + expr + `)$`
		}
		alts = append(alts, "(?:"+expr+")")
	}
	full := strings.Join(alts, "|")
	if fold {
		full = "(?i)" + full
	}
	re, err := regexp.Compile(full)
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "escape sequence") {
			msg = "Invalid back reference"
		}
		p.Errorf("%s", msg)
		return 2
	}
	if len(rest) == 0 {
		if g.recursive {
			rest = []string{"."}
			// grep -r with no operand prints names relative to ".".
			g.withName = !g.noName
			return grepRun(ctx, p, re, &g, rest, true)
		}
		rest = []string{"-"}
	}
	if (len(rest) > 1 || g.recursive) && !g.noName {
		g.withName = true
	}
	return grepRun(ctx, p, re, &g, rest, false)
}

func grepRun(ctx context.Context, p *Proc, re *regexp.Regexp, g *grepOpts, files []string, implicitDot bool) int {
	matched, errored := false, false
	var out bytes.Buffer
	var visit func(name, shown string, top bool)
	visit = func(name, shown string, top bool) {
		if ctx.Err() != nil || (g.quiet && matched) {
			return
		}
		if name != "-" {
			fi, err := p.FS.Stat(p.Abs(name))
			if err != nil {
				if lfi, lerr := p.FS.Lstat(p.Abs(name)); lerr == nil && lfi.Mode()&fs.ModeSymlink != 0 && !top {
					return // dangling link met while recursing
				}
				if !g.noMessages {
					p.Errorf("%s: %s", shown, ErrText(err))
				}
				errored = true
				return
			}
			if fi.IsDir() {
				if !g.recursive {
					if !g.noMessages {
						p.Errorf("%s: Is a directory", shown)
					}
					errored = true
					return
				}
				for _, pat := range g.excludeDirs {
					if !top && globMatch(pat, baseName(shown), false) {
						return
					}
				}
				ents, err := p.FS.ReadDir(p.Abs(name))
				if err != nil {
					if !g.noMessages {
						p.Errorf("%s: %s", shown, ErrText(err))
					}
					errored = true
					return
				}
				for _, e := range ents {
					child := path.Join(name, e.Name())
					childShown := shown + "/" + e.Name()
					if implicitDot && top {
						childShown = e.Name()
					} else if strings.HasSuffix(shown, "/") {
						childShown = shown + e.Name()
					}
					if e.Type()&fs.ModeSymlink != 0 {
						continue // grep -r does not follow links it finds
					}
					visit(child, childShown, false)
				}
				return
			}
			if !top || g.recursive {
				if len(g.includes) > 0 {
					ok := false
					for _, pat := range g.includes {
						ok = ok || globMatch(pat, baseName(shown), false)
					}
					if !ok {
						return
					}
				}
				for _, pat := range g.excludes {
					if globMatch(pat, baseName(shown), false) {
						return
					}
				}
			}
		}
		r, err := p.Open(name)
		if err != nil {
			if !g.noMessages {
				p.Errorf("%s: %s", shown, ErrText(err))
			}
			errored = true
			return
		}
		data, err := io.ReadAll(ctxReader{ctx, r})
		r.Close()
		if err != nil {
			if !g.noMessages {
				p.Errorf("%s: %s", shown, ErrText(err))
			}
			errored = true
			return
		}
		if name == "-" {
			shown = "(standard input)"
		}
		if grepData(p, re, g, data, shown, &out) {
			matched = true
		}
		if out.Len() > 64*1024 {
			p.Stdout.Write(out.Bytes())
			out.Reset()
		}
	}
	for _, f := range files {
		visit(f, f, true)
	}
	p.Stdout.Write(out.Bytes())
	switch {
	case errored && !(g.quiet && matched):
		return 2
	case matched:
		return 0
	}
	return 1
}

// grepData scans one input and appends grep's output for it to out.
func grepData(p *Proc, re *regexp.Regexp, g *grepOpts, data []byte, shown string, out *bytes.Buffer) bool {
	binary := bytes.IndexByte(data, 0) >= 0
	text := string(data)
	text = strings.TrimSuffix(text, "\n")
	var lines []string
	if len(data) > 0 {
		lines = strings.Split(text, "\n")
	}
	n := 0
	lastPrinted := -1
	pendingAfter := 0
	prefix := func(i int, sep string) string {
		var s string
		if g.withName {
			s = shown + sep
		}
		if g.lineNumbers {
			s += strconv.Itoa(i+1) + sep
		}
		return s
	}
	for i, l := range lines {
		if g.maxCount >= 0 && n >= g.maxCount {
			break
		}
		hit := re.MatchString(l) != g.invert
		if !hit {
			if pendingAfter > 0 && !g.quiet && !g.count && !g.filesOnly && !g.filesWithout && !binary {
				out.WriteString(prefix(i, "-") + l + "\n")
				lastPrinted = i
				pendingAfter--
			}
			continue
		}
		n++
		if g.quiet {
			return true
		}
		if g.count || g.filesOnly || g.filesWithout || binary {
			continue
		}
		if g.before > 0 || g.after > 0 {
			start := max(i-g.before, lastPrinted+1)
			if lastPrinted >= 0 && start > lastPrinted+1 {
				out.WriteString("--\n")
			}
			for j := start; j < i; j++ {
				out.WriteString(prefix(j, "-") + lines[j] + "\n")
			}
			pendingAfter = g.after
		}
		if g.onlyMatching {
			if !g.invert {
				for _, m := range re.FindAllString(l, -1) {
					if m != "" {
						out.WriteString(prefix(i, ":") + m + "\n")
					}
				}
			}
		} else {
			out.WriteString(prefix(i, ":") + l + "\n")
		}
		lastPrinted = i
	}
	switch {
	case g.count:
		if g.withName {
			out.WriteString(shown + ":")
		}
		out.WriteString(strconv.Itoa(n) + "\n")
	case g.filesOnly:
		if n > 0 {
			out.WriteString(shown + "\n")
		}
	case g.filesWithout:
		if n == 0 {
			out.WriteString(shown + "\n")
		}
	case binary && n > 0 && !g.quiet:
		fmt.Fprintf(out, "grep: %s: binary file matches\n", shown)
	}
	return n > 0
}
