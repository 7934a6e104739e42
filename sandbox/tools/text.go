package tools

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

func textTools() Registry {
	return Registry{
		"cat": catTool, "head": headTool, "tail": tailTool, "wc": wcTool, "sort": sortTool,
		"uniq": uniqTool, "tee": teeTool, "cut": cutTool, "tr": trTool, "rev": revTool,
	}
}

// readInputs opens each operand ("-" or none means stdin) and calls fn;
// openErr formats the message for a file that cannot be opened.
func (p *Proc) readInputs(operands []string, openErr func(name string, err error), fn func(name string, r io.Reader) error) int {
	if len(operands) == 0 {
		operands = []string{"-"}
	}
	status := 0
	for _, name := range operands {
		r, err := p.Open(name)
		if err != nil {
			openErr(name, err)
			status = 1
			continue
		}
		err = fn(name, r)
		r.Close()
		if err != nil {
			openErr(name, err)
			status = 1
		}
	}
	return status
}

func plainOpenErr(p *Proc) func(string, error) {
	return func(name string, err error) { p.Errorf("%s: %s", name, ErrText(err)) }
}

// readLines splits r into lines without their newline; last reports
// whether the final line had one.
func readLines(r io.Reader) (lines []string, finalNewline bool, err error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, false, err
	}
	if len(b) == 0 {
		return nil, true, nil
	}
	finalNewline = b[len(b)-1] == '\n'
	s := string(b)
	if finalNewline {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n"), finalNewline, nil
}

func catTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "nbsEAetTuv", long: []string{"number/n", "number-nonblank/b", "squeeze-blank/s", "show-ends/E", "show-all/A", "show-tabs/T"}})
	if !ok {
		return 1
	}
	var number, nonblank, squeeze, ends, tabs bool
	for _, o := range opts {
		switch o.key {
		case "n":
			number = true
		case "b":
			nonblank = true
		case "s":
			squeeze = true
		case "E", "e":
			ends = true
		case "T", "t":
			tabs = true
		case "A":
			ends, tabs = true, true
		}
	}
	plain := !number && !nonblank && !squeeze && !ends && !tabs
	n := 0
	prevBlank := false
	return p.readInputs(rest, plainOpenErr(p), func(name string, r io.Reader) error {
		if plain {
			_, err := io.Copy(p.Stdout, ctxReader{ctx, r})
			return err
		}
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line == "" && err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			body := strings.TrimSuffix(line, "\n")
			hasNL := len(body) != len(line)
			blank := body == ""
			if squeeze && blank && prevBlank {
				continue
			}
			prevBlank = blank
			if tabs {
				body = strings.ReplaceAll(body, "\t", "^I")
			}
			if ends && hasNL {
				body += "$"
			}
			if (number && !nonblank) || (nonblank && !blank) {
				n++
				body = fmt.Sprintf("%6d\t%s", n, body)
			}
			if hasNL {
				body += "\n"
			}
			io.WriteString(p.Stdout, body)
		}
	})
}

// ctxReader stops long copies when the script is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(b []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(b)
}

// countArg rewrites the historical -5 form into -n 5 before option parsing.
func countArg(args []string) []string {
	out := []string{args[0]}
	for i, a := range args[1:] {
		if a == "--" {
			out = append(out, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9' {
			out = append(out, "-n", a[1:])
			continue
		}
		out = append(out, a)
	}
	return out
}

func headTool(ctx context.Context, p *Proc) int { return headTail(ctx, p, true) }
func tailTool(ctx context.Context, p *Proc) int { return headTail(ctx, p, false) }

func headTail(ctx context.Context, p *Proc, head bool) int {
	sub := *p
	sub.Args = countArg(p.Args)
	opts, rest, ok := sub.parseOpts(optSpec{short: "n:c:qvfF", long: []string{"lines:/n", "bytes:/c", "quiet/q", "silent/q", "verbose/v", "follow::", "retry"}})
	if !ok {
		return 1
	}
	count, bytesMode, fromStart, all := int64(10), false, false, false
	verbose, quiet, follow := false, false, false
	for _, o := range opts {
		switch o.key {
		case "f", "F", "follow":
			follow = !head
		case "n", "c":
			bytesMode = o.key == "c"
			v := o.val
			if strings.HasPrefix(v, "+") && !head {
				fromStart, v = true, v[1:]
			}
			neg := false
			if strings.HasPrefix(v, "-") {
				neg, v = true, v[1:]
			}
			n, err := parseSizeSuffix(v)
			if err != nil {
				what := "lines"
				if bytesMode {
					what = "bytes"
				}
				p.Errorf("invalid number of %s: %s", what, quote(o.val))
				return 1
			}
			count = n
			if neg && head {
				// head -n -N: all but the last N.
				all = true
			}
		case "v":
			verbose = true
		case "q":
			quiet = true
		}
	}
	if len(rest) == 0 {
		rest = []string{"-"}
	}
	showHeaders := (len(rest) > 1 || verbose) && !quiet
	first := true
	openErr := func(name string, err error) {
		p.Errorf("cannot open %s for reading: %s", quote(name), ErrText(err))
	}
	code := p.readInputs(rest, openErr, func(name string, r io.Reader) error {
		if showHeaders {
			if !first {
				fmt.Fprintln(p.Stdout)
			}
			shown := name
			if name == "-" {
				shown = "standard input"
			}
			fmt.Fprintf(p.Stdout, "==> %s <==\n", shown)
		}
		first = false
		data, err := io.ReadAll(ctxReader{ctx, r})
		if err != nil {
			return err
		}
		var out []byte
		switch {
		case bytesMode && head && all:
			out = data[:max(0, int64(len(data))-count)]
		case bytesMode && head:
			out = data[:min(count, int64(len(data)))]
		case bytesMode && fromStart:
			out = data[min(max(count-1, 0), int64(len(data))):]
		case bytesMode:
			out = data[max(0, int64(len(data))-count):]
		default:
			lines := bytes.SplitAfter(data, []byte("\n"))
			if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
				lines = lines[:len(lines)-1]
			}
			n := int64(len(lines))
			switch {
			case head && all:
				lines = lines[:max(0, n-count)]
			case head:
				lines = lines[:min(count, n)]
			case fromStart:
				lines = lines[min(max(count-1, 0), n):]
			default:
				lines = lines[max(0, n-count):]
			}
			out = bytes.Join(lines, nil)
		}
		_, err = p.Stdout.Write(out)
		return err
	})
	if !follow {
		return code
	}
	return tailFollow(ctx, p, rest)
}

// tailFollow is tail -f: it prints what is appended to the files until the
// process is stopped. On /dev/null nothing ever comes, which is why
// `tail -f /dev/null` keeps a container running.
func tailFollow(ctx context.Context, p *Proc, names []string) int {
	sizes := map[string]int64{}
	for _, n := range names {
		if fi, err := p.FS.Stat(n); err == nil {
			sizes[n] = fi.Size()
		}
	}
	for {
		select {
		case <-ctx.Done():
			return 143
		case <-time.After(200 * time.Millisecond):
		}
		for _, n := range names {
			if n == "-" || n == "/dev/null" {
				continue
			}
			fi, err := p.FS.Stat(n)
			if err != nil || fi.Size() <= sizes[n] {
				if err == nil && fi.Size() < sizes[n] {
					p.Errorf("%s: file truncated", n)
					sizes[n] = fi.Size()
				}
				continue
			}
			f, err := p.FS.Open(n)
			if err != nil {
				continue
			}
			if _, err := f.Seek(sizes[n], io.SeekStart); err == nil {
				m, _ := io.Copy(p.Stdout, f)
				sizes[n] += m
			}
			f.Close()
		}
	}
}

// parseSizeSuffix reads counts like 10, 1K, 2M (head/tail -c).
func parseSizeSuffix(s string) (int64, error) {
	mult := int64(1)
	for suf, m := range map[string]int64{"K": 1024, "k": 1024, "M": 1 << 20, "G": 1 << 30, "KB": 1000, "MB": 1000000, "b": 512} {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) {
			if _, err := strconv.ParseInt(s[:len(s)-len(suf)], 10, 64); err == nil {
				s, mult = s[:len(s)-len(suf)], m
				break
			}
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid number")
	}
	return n * mult, nil
}

func wcTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "lwcmL", long: []string{"lines/l", "words/w", "bytes/c", "chars/m", "max-line-length/L"}})
	if !ok {
		return 1
	}
	show := map[string]bool{}
	for _, o := range opts {
		show[o.key] = true
	}
	if len(show) == 0 {
		show["l"], show["w"], show["c"] = true, true, true
	}
	type counts struct{ l, w, m, c, L int64 }
	var rows []counts
	var names []string
	var total counts
	status := p.readInputs(rest, plainOpenErr(p), func(name string, r io.Reader) error {
		data, err := io.ReadAll(ctxReader{ctx, r})
		if err != nil {
			return err
		}
		var c counts
		c.c = int64(len(data))
		c.l = int64(bytes.Count(data, []byte("\n")))
		c.w = int64(len(bytes.Fields(data)))
		c.m = int64(len([]rune(string(data))))
		for _, line := range strings.Split(string(data), "\n") {
			c.L = max(c.L, int64(len([]rune(line))))
		}
		rows = append(rows, c)
		if name == "-" && len(rest) == 0 {
			name = ""
		}
		names = append(names, name)
		total.l += c.l
		total.w += c.w
		total.m += c.m
		total.c += c.c
		total.L = max(total.L, c.L)
		return nil
	})
	if len(rows) > 1 {
		rows = append(rows, total)
		names = append(names, "total")
	}
	// GNU pads every column to the width of the largest number, except
	// when a single count of a single input is printed.
	width := 1
	nshow := len(show)
	if nshow > 1 || len(rows) > 1 {
		width = len(strconv.FormatInt(max(total.c, total.l, total.w, total.m, total.L), 10))
		if len(rest) == 0 || (len(rest) == 1 && rest[0] == "-") {
			width = max(width, 7)
		}
	}
	for i, c := range rows {
		var parts []string
		for _, k := range []struct {
			key string
			v   int64
		}{{"l", c.l}, {"w", c.w}, {"m", c.m}, {"c", c.c}, {"L", c.L}} {
			if show[k.key] {
				parts = append(parts, fmt.Sprintf("%*d", width, k.v))
			}
		}
		line := strings.Join(parts, " ")
		if names[i] != "" {
			line += " " + names[i]
		}
		fmt.Fprintln(p.Stdout, line)
	}
	return status
}

type sortKey struct {
	f1, c1, f2, c2 int
	opts           string
}

func parseSortKey(s string) (sortKey, error) {
	var k sortKey
	start, end, hasEnd := strings.Cut(s, ",")
	parse := func(x string) (f, c int, o string, err error) {
		i := 0
		for i < len(x) && x[i] >= '0' && x[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, 0, "", fmt.Errorf("bad key")
		}
		f, _ = strconv.Atoi(x[:i])
		x = x[i:]
		if strings.HasPrefix(x, ".") {
			j := 1
			for j < len(x) && x[j] >= '0' && x[j] <= '9' {
				j++
			}
			c, _ = strconv.Atoi(x[1:j])
			x = x[j:]
		}
		for _, r := range x {
			if !strings.ContainsRune("bdfgiMhnRrV", r) {
				return 0, 0, "", fmt.Errorf("bad key")
			}
		}
		return f, c, x, nil
	}
	var err error
	var o1, o2 string
	if k.f1, k.c1, o1, err = parse(start); err != nil || k.f1 == 0 {
		return k, fmt.Errorf("invalid number at field start: invalid count at start of %s", quote(s))
	}
	if hasEnd {
		if k.f2, k.c2, o2, err = parse(end); err != nil {
			return k, fmt.Errorf("invalid number after ',': invalid count at start of %s", quote(end))
		}
	}
	k.opts = o1 + o2
	return k, nil
}

func sortTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "rnuk:t:fbhVsgcCo:zRMdiS:T:", long: []string{"reverse/r", "numeric-sort/n", "unique/u", "key:/k", "field-separator:/t", "ignore-case/f", "ignore-leading-blanks/b", "human-numeric-sort/h", "version-sort/V", "stable/s", "general-numeric-sort/g", "check::", "output:/o", "zero-terminated/z", "buffer-size:/S", "temporary-directory:/T", "parallel:"}})
	if !ok {
		return 2
	}
	global := ""
	var keys []sortKey
	sep := ""
	unique, stable, check := false, false, false
	output := ""
	for _, o := range opts {
		switch o.key {
		case "r", "n", "f", "b", "h", "V", "g", "d", "i", "M", "R":
			global += o.key
		case "u":
			unique = true
		case "s":
			stable = true
		case "c", "C", "check":
			check = true
		case "o":
			output = o.val
		case "k":
			k, err := parseSortKey(o.val)
			if err != nil {
				p.Errorf("%s", err)
				return 2
			}
			keys = append(keys, k)
		case "t":
			if len(o.val) != 1 {
				if o.val == "\\0" {
					sep = "\x00"
					continue
				}
				p.Errorf("multi-character tab %s", quote(o.val))
				return 2
			}
			sep = o.val
		}
	}
	var lines []string
	status := p.readInputs(rest, func(name string, err error) {
		p.Errorf("cannot read: %s: %s", name, ErrText(err))
	}, func(name string, r io.Reader) error {
		ls, _, err := readLines(ctxReader{ctx, r})
		lines = append(lines, ls...)
		return err
	})
	if status != 0 {
		return 2
	}
	if len(keys) == 0 {
		keys = []sortKey{{f1: 1, opts: ""}}
	}
	keyText := func(line string, k sortKey) string {
		fields := splitSortFields(line, sep)
		if k.f1 > len(fields) {
			return ""
		}
		startField := fields[k.f1-1]
		off := startField.start
		if k.c1 > 0 {
			off = min(startField.start+k.c1-1, startField.end)
		} else if sep == "" || strings.Contains(k.opts+global, "b") {
			// Skip the field's leading blanks, as -b does.
			for off < startField.end && (line[off] == ' ' || line[off] == '\t') {
				off++
			}
		}
		end := len(line)
		if k.f2 > 0 {
			if k.f2 <= len(fields) {
				ef := fields[k.f2-1]
				end = ef.end
				if k.c2 > 0 {
					end = min(ef.start+k.c2, ef.end)
				}
			}
		}
		if end < off {
			return ""
		}
		return line[off:end]
	}
	compareKey := func(a, b string, flags string) int {
		if strings.Contains(flags, "f") {
			a, b = strings.ToUpper(a), strings.ToUpper(b)
		}
		if strings.Contains(flags, "b") {
			a, b = strings.TrimLeft(a, " \t"), strings.TrimLeft(b, " \t")
		}
		switch {
		case strings.ContainsAny(flags, "ng"):
			return cmpFloat(leadingNumber(a), leadingNumber(b))
		case strings.Contains(flags, "h"):
			return cmpFloat(humanNumber(a), humanNumber(b))
		case strings.Contains(flags, "V"):
			return versionCompare(a, b)
		}
		return strings.Compare(a, b)
	}
	explicitKeys := len(opts) > 0 && hasKeyOpt(opts)
	cmp := func(a, b string) int {
		for _, k := range keys {
			flags := k.opts
			if flags == "" {
				flags = global
			}
			ka, kb := a, b
			if explicitKeys {
				ka, kb = keyText(a, k), keyText(b, k)
			}
			c := compareKey(ka, kb, flags)
			if strings.Contains(flags, "r") {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		if stable || unique {
			return 0
		}
		// Last resort: whole-line byte comparison, reversed with -r.
		c := strings.Compare(a, b)
		if strings.Contains(global, "r") {
			c = -c
		}
		return c
	}
	if check {
		for i := 1; i < len(lines); i++ {
			if c := cmp(lines[i-1], lines[i]); c > 0 || (unique && c == 0) {
				name := "-"
				if len(rest) > 0 {
					name = rest[0]
				}
				p.Errorf("%s:%d: disorder: %s", name, i+1, lines[i])
				return 1
			}
		}
		return 0
	}
	sort.SliceStable(lines, func(i, j int) bool { return cmp(lines[i], lines[j]) < 0 })
	if unique {
		var out []string
		for i, l := range lines {
			if i == 0 || cmp(out[len(out)-1], l) != 0 {
				out = append(out, l)
			}
		}
		lines = out
	}
	w := p.Stdout
	if output != "" {
		f, err := p.Create(output, false)
		if err != nil {
			p.Errorf("open failed: %s: %s", output, ErrText(err))
			return 2
		}
		defer f.Close()
		w = f
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
	return 0
}

func hasKeyOpt(opts []opt) bool {
	for _, o := range opts {
		if o.key == "k" {
			return true
		}
	}
	return false
}

type span struct{ start, end int }

// splitSortFields finds field boundaries: with a separator, fields are
// between separators; without, each field starts at the blanks before it
// (POSIX sort's definition).
func splitSortFields(line, sep string) []span {
	var out []span
	if sep != "" {
		start := 0
		for {
			i := strings.Index(line[start:], sep)
			if i < 0 {
				out = append(out, span{start, len(line)})
				return out
			}
			out = append(out, span{start, start + i})
			start += i + len(sep)
		}
	}
	i := 0
	for i < len(line) {
		start := i
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		out = append(out, span{start, i})
	}
	if len(out) == 0 {
		out = append(out, span{0, 0})
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func leadingNumber(s string) float64 {
	s = strings.TrimLeft(s, " \t")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || (end == 0 && (s[end] == '-' || s[end] == '+'))) {
		end++
	}
	f, _ := strconv.ParseFloat(s[:end], 64)
	return f
}

func humanNumber(s string) float64 {
	s = strings.TrimSpace(s)
	n := leadingNumber(s)
	digits := strings.TrimLeft(s, "-+0123456789.")
	if digits != "" {
		if i := strings.IndexByte("KMGTPE", digits[0]|0x20-0x20); i >= 0 {
			for ; i >= 0; i-- {
				n *= 1024
			}
		} else if digits[0] == 'k' {
			n *= 1024
		}
	}
	return n
}

// versionCompare is a small sort -V: digit runs compare numerically.
func versionCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := unicode.IsDigit(rune(a[0])), unicode.IsDigit(rune(b[0]))
		if da && db {
			i, j := 0, 0
			for i < len(a) && unicode.IsDigit(rune(a[i])) {
				i++
			}
			for j < len(b) && unicode.IsDigit(rune(b[j])) {
				j++
			}
			na, _ := strconv.ParseInt(a[:i], 10, 64)
			nb, _ := strconv.ParseInt(b[:j], 10, 64)
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	return strings.Compare(a, b)
}

func uniqTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "cduif:s:w:", long: []string{"count/c", "repeated/d", "unique/u", "ignore-case/i", "skip-fields:/f", "skip-chars:/s", "check-chars:/w"}})
	if !ok {
		return 1
	}
	var count, repeated, uniqOnly, fold bool
	skipF, skipC, checkC := 0, 0, -1
	for _, o := range opts {
		switch o.key {
		case "c":
			count = true
		case "d":
			repeated = true
		case "u":
			uniqOnly = true
		case "i":
			fold = true
		case "f":
			skipF, _ = strconv.Atoi(o.val)
		case "s":
			skipC, _ = strconv.Atoi(o.val)
		case "w":
			checkC, _ = strconv.Atoi(o.val)
		}
	}
	if len(rest) > 2 {
		p.usageError("extra operand " + quote(rest[2]))
		return 1
	}
	in := rest
	out := p.Stdout
	if len(rest) == 2 {
		in = rest[:1]
		f, err := p.Create(rest[1], false)
		if err != nil {
			p.Errorf("%s: %s", rest[1], ErrText(err))
			return 1
		}
		defer f.Close()
		out = f
	}
	key := func(s string) string {
		for i := 0; i < skipF; i++ {
			s = strings.TrimLeft(s, " \t")
			j := strings.IndexAny(s, " \t")
			if j < 0 {
				s = ""
				break
			}
			s = s[j:]
		}
		if skipC < len(s) {
			s = s[skipC:]
		} else {
			s = ""
		}
		if checkC >= 0 && checkC < len(s) {
			s = s[:checkC]
		}
		if fold {
			s = strings.ToLower(s)
		}
		return s
	}
	var lines []string
	status := p.readInputs(in, plainOpenErr(p), func(name string, r io.Reader) error {
		ls, _, err := readLines(ctxReader{ctx, r})
		lines = append(lines, ls...)
		return err
	})
	var b strings.Builder
	emit := func(line string, n int) {
		if (repeated && n < 2) || (uniqOnly && n > 1) {
			return
		}
		if count {
			fmt.Fprintf(&b, "%7d %s\n", n, line)
		} else {
			b.WriteString(line + "\n")
		}
	}
	for i := 0; i < len(lines); {
		j := i + 1
		for j < len(lines) && key(lines[j]) == key(lines[i]) {
			j++
		}
		emit(lines[i], j-i)
		i = j
	}
	io.WriteString(out, b.String())
	return status
}

func teeTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "aip", long: []string{"append/a", "ignore-interrupts/i", "output-error::"}})
	if !ok {
		return 1
	}
	appendMode := false
	for _, o := range opts {
		if o.key == "a" {
			appendMode = true
		}
	}
	writers := []io.Writer{p.Stdout}
	status := 0
	for _, name := range rest {
		f, err := p.Create(name, appendMode)
		if err != nil {
			p.Errorf("%s: %s", name, ErrText(err))
			status = 1
			continue
		}
		defer f.Close()
		writers = append(writers, f)
	}
	if _, err := io.Copy(io.MultiWriter(writers...), ctxReader{ctx, p.stdin()}); err != nil && ctx.Err() == nil {
		p.Errorf("%s", ErrText(err))
		return 1
	}
	return status
}

// parseRanges reads cut's LIST (1,3-5,7-).
func parseRanges(s string) ([][2]int, error) {
	var out [][2]int
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		lo, hi := 1, 1<<30
		var err error
		if a != "" {
			if lo, err = strconv.Atoi(a); err != nil || lo < 1 {
				return nil, fmt.Errorf("invalid field value %s", quote(a))
			}
		}
		if !isRange {
			hi = lo
		} else if b != "" {
			if hi, err = strconv.Atoi(b); err != nil {
				return nil, fmt.Errorf("invalid field value %s", quote(b))
			}
		}
		if a == "" && !isRange {
			return nil, fmt.Errorf("fields are numbered from 1")
		}
		out = append(out, [2]int{lo, hi})
	}
	return out, nil
}

func inRanges(rs [][2]int, n int) bool {
	for _, r := range rs {
		if n >= r[0] && n <= r[1] {
			return true
		}
	}
	return false
}

func cutTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "d:f:c:b:s", long: []string{"delimiter:/d", "fields:/f", "characters:/c", "bytes:/b", "only-delimited/s", "output-delimiter:", "complement"}})
	if !ok {
		return 1
	}
	delim, list, mode := "\t", "", ""
	onlyDelim, complement := false, false
	outDelim := ""
	hasOut := false
	for _, o := range opts {
		switch o.key {
		case "d":
			if len([]rune(o.val)) != 1 {
				p.Errorf("the delimiter must be a single character")
				p.printf2("Try 'cut --help' for more information.\n")
				return 1
			}
			delim = o.val
		case "f", "c", "b":
			list, mode = o.val, o.key
		case "s":
			onlyDelim = true
		case "output-delimiter":
			outDelim, hasOut = o.val, true
		case "complement":
			complement = true
		}
	}
	if mode == "" {
		p.Errorf("you must specify a list of bytes, characters, or fields")
		p.printf2("Try 'cut --help' for more information.\n")
		return 1
	}
	rs, err := parseRanges(list)
	if err != nil {
		p.Errorf("%s", err)
		p.printf2("Try 'cut --help' for more information.\n")
		return 1
	}
	if !hasOut {
		outDelim = delim
		if mode != "f" {
			outDelim = ""
		}
	}
	var b strings.Builder
	status := p.readInputs(rest, plainOpenErr(p), func(name string, r io.Reader) error {
		lines, _, err := readLines(ctxReader{ctx, r})
		for _, line := range lines {
			var parts []string
			if mode == "f" {
				if !strings.Contains(line, delim) {
					if !onlyDelim {
						b.WriteString(line + "\n")
					}
					continue
				}
				for i, f := range strings.Split(line, delim) {
					if inRanges(rs, i+1) != complement {
						parts = append(parts, f)
					}
				}
			} else {
				units := []string{}
				if mode == "c" {
					for _, r := range line {
						units = append(units, string(r))
					}
				} else {
					for i := 0; i < len(line); i++ {
						units = append(units, line[i:i+1])
					}
				}
				for i, u := range units {
					if inRanges(rs, i+1) != complement {
						parts = append(parts, u)
					}
				}
			}
			b.WriteString(strings.Join(parts, outDelim) + "\n")
		}
		return err
	})
	io.WriteString(p.Stdout, b.String())
	return status
}

// expandTrSet expands tr's SET syntax: ranges, escapes and [:classes:].
func expandTrSet(s string) []rune {
	var out []rune
	rs := []rune(unescapeC(s))
	for i := 0; i < len(rs); i++ {
		if rs[i] == '[' && i+1 < len(rs) && rs[i+1] == ':' {
			if end := strings.Index(string(rs[i:]), ":]"); end > 0 {
				class := string(rs[i+2 : i+end])
				var pred func(rune) bool
				switch class {
				case "alpha":
					pred = unicode.IsLetter
				case "digit":
					pred = unicode.IsDigit
				case "alnum":
					pred = func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
				case "upper":
					pred = unicode.IsUpper
				case "lower":
					pred = unicode.IsLower
				case "space":
					pred = unicode.IsSpace
				case "blank":
					pred = func(r rune) bool { return r == ' ' || r == '\t' }
				case "punct":
					pred = func(r rune) bool { return r < 128 && unicode.IsPunct(r) || r < 128 && unicode.IsSymbol(r) }
				case "cntrl":
					pred = unicode.IsControl
				case "print":
					pred = func(r rune) bool { return r >= 32 && r < 127 }
				case "xdigit":
					pred = func(r rune) bool { return strings.ContainsRune("0123456789abcdefABCDEF", r) }
				}
				if pred != nil {
					for r := rune(0); r < 128; r++ {
						if pred(r) {
							out = append(out, r)
						}
					}
					i += len([]rune(string(rs[i:i+end+2]))) - 1
					continue
				}
			}
		}
		if i+2 < len(rs) && rs[i+1] == '-' {
			for r := rs[i]; r <= rs[i+2]; r++ {
				out = append(out, r)
			}
			i += 2
			continue
		}
		out = append(out, rs[i])
	}
	return out
}

func trTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "dscCt", long: []string{"delete/d", "squeeze-repeats/s", "complement/c", "truncate-set1/t"}})
	if !ok {
		return 1
	}
	var del, squeeze, comp bool
	for _, o := range opts {
		switch o.key {
		case "d":
			del = true
		case "s":
			squeeze = true
		case "c", "C":
			comp = true
		}
	}
	if len(rest) == 0 || (!del && !squeeze && len(rest) < 2) {
		if len(rest) == 0 {
			p.usageError("missing operand")
		} else {
			p.usageError("missing operand after " + quote(rest[0]))
		}
		return 1
	}
	set1 := expandTrSet(rest[0])
	var set2 []rune
	if len(rest) > 1 {
		set2 = expandTrSet(rest[1])
	}
	in1 := func(r rune) bool {
		found := false
		for _, x := range set1 {
			if x == r {
				found = true
				break
			}
		}
		return found != comp
	}
	data, err := io.ReadAll(ctxReader{ctx, p.stdin()})
	if err != nil {
		return 1
	}
	var b strings.Builder
	var last rune = -1
	squeezeSet := set1
	if !del && len(set2) > 0 {
		squeezeSet = set2
	}
	inSqueeze := func(r rune) bool {
		for _, x := range squeezeSet {
			if x == r {
				return true
			}
		}
		return comp && len(set2) == 0 && in1(r)
	}
	for _, r := range string(data) {
		if del && in1(r) {
			continue
		}
		if !del && len(set2) > 0 && in1(r) {
			if comp {
				r = set2[len(set2)-1]
			} else {
				for i, x := range set1 {
					if x == r {
						if i < len(set2) {
							r = set2[i]
						} else {
							r = set2[len(set2)-1]
						}
						break
					}
				}
			}
		}
		if squeeze && r == last && inSqueeze(r) {
			continue
		}
		last = r
		b.WriteRune(r)
	}
	io.WriteString(p.Stdout, b.String())
	return 0
}

func revTool(ctx context.Context, p *Proc) int {
	_, rest, ok := p.parseOpts(optSpec{})
	if !ok {
		return 1
	}
	return p.readInputs(rest, plainOpenErr(p), func(name string, r io.Reader) error {
		lines, nl, err := readLines(r)
		for i, l := range lines {
			rs := []rune(l)
			for a, b := 0, len(rs)-1; a < b; a, b = a+1, b-1 {
				rs[a], rs[b] = rs[b], rs[a]
			}
			io.WriteString(p.Stdout, string(rs))
			if i < len(lines)-1 || nl {
				io.WriteString(p.Stdout, "\n")
			}
		}
		return err
	})
}
