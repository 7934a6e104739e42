package tools

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

func printTools() Registry {
	return Registry{"echo": echoTool, "printf": printfTool}
}

// unescapeC expands backslash escapes the way echo -e and printf's format
// do (\n \t \\ \0NNN/\NNN octal \xHH). The bool reports a \c (stop output).
func unescape(s string, echoStyle bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'e':
			b.WriteByte(0x1b)
		case '\\':
			b.WriteByte('\\')
		case 'c':
			return b.String(), true
		case 'x':
			j := i + 1
			for j < len(s) && j < i+3 && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				b.WriteString("\\x")
				continue
			}
			n, _ := strconv.ParseUint(s[i+1:j], 16, 8)
			b.WriteByte(byte(n))
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			// echo -e wants \0NNN; printf takes \NNN.
			start := i
			limit := 3
			if echoStyle {
				if s[i] != '0' {
					b.WriteByte('\\')
					b.WriteByte(s[i])
					continue
				}
				start = i + 1
			}
			j := start
			for j < len(s) && j < start+limit && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint("0"+s[start:j], 8, 16)
			b.WriteByte(byte(n))
			i = j - 1
		case '"', '\'', '?':
			if echoStyle {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), false
}

func unescapeC(s string) string {
	out, _ := unescape(s, false)
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// echoTool is coreutils' /bin/echo: -n, -e and -E are options only when
// every letter of the word is one of them.
func echoTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	newline, escapes := true, false
	for len(args) > 0 {
		a := args[0]
		if len(a) < 2 || a[0] != '-' || strings.Trim(a[1:], "neE") != "" {
			break
		}
		for _, c := range a[1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		var stop bool
		s, stop = unescape(s, true)
		if stop {
			newline = false
		}
	}
	if newline {
		s += "\n"
	}
	io.WriteString(p.Stdout, s)
	return 0
}

func printfTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		p.usageError("missing operand")
		return 1
	}
	out, status := formatPrintf(p, args[0], args[1:])
	io.WriteString(p.Stdout, out)
	return status
}

// formatPrintf implements printf(1): the format is reused while arguments
// remain, missing arguments count as "" or 0.
func formatPrintf(p *Proc, format string, args []string) (string, int) {
	var b strings.Builder
	status := 0
	next := func() (string, bool) {
		if len(args) == 0 {
			return "", false
		}
		a := args[0]
		args = args[1:]
		return a, true
	}
	num := func(a string, ok bool) (int64, float64, bool) {
		if !ok || a == "" {
			return 0, 0, true
		}
		if a[0] == '\'' || a[0] == '"' {
			r, _ := utf8.DecodeRuneInString(a[1:])
			return int64(r), float64(r), true
		}
		t := strings.TrimSpace(a)
		if n, err := strconv.ParseInt(t, 0, 64); err == nil {
			return n, float64(n), true
		}
		if u, err := strconv.ParseUint(t, 0, 64); err == nil {
			return int64(u), float64(u), true
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil {
			return int64(f), f, true
		}
		p.Errorf("%s: expected a numeric value", quote(a))
		status = 1
		return 0, 0, false
	}
	for {
		consumed := len(args)
		stop := false
		for i := 0; i < len(format) && !stop; i++ {
			c := format[i]
			if c == '\\' {
				j := i + 1
				if j < len(format) && format[j] == 'c' {
					return b.String(), status
				}
				// Find the extent of one escape and expand it.
				end := j + 1
				if j < len(format) {
					switch {
					case format[j] >= '0' && format[j] <= '7':
						for end < len(format) && end < j+3 && format[end] >= '0' && format[end] <= '7' {
							end++
						}
					case format[j] == 'x':
						for end < len(format) && end < j+3 && isHex(format[end]) {
							end++
						}
					}
				}
				end = min(end, len(format))
				b.WriteString(unescapeC(format[i:end]))
				i = end - 1
				continue
			}
			if c != '%' {
				b.WriteByte(c)
				continue
			}
			if i+1 < len(format) && format[i+1] == '%' {
				b.WriteByte('%')
				i++
				continue
			}
			j := i + 1
			for j < len(format) && strings.IndexByte("-+ #0", format[j]) >= 0 {
				j++
			}
			spec := format[i:j]
			// Width and precision, with * taking an argument.
			for k := 0; k < 2; k++ {
				if k == 1 {
					if j < len(format) && format[j] == '.' {
						spec += "."
						j++
					} else {
						break
					}
				}
				if j < len(format) && format[j] == '*' {
					a, ok := next()
					n, _, _ := num(a, ok)
					spec += strconv.FormatInt(n, 10)
					j++
					continue
				}
				st := j
				for j < len(format) && format[j] >= '0' && format[j] <= '9' {
					j++
				}
				spec += format[st:j]
			}
			// Length modifiers are accepted and ignored.
			for j < len(format) && strings.IndexByte("hlLqjzt", format[j]) >= 0 {
				j++
			}
			if j >= len(format) {
				p.Errorf("%s: missing format character", quote(format[i:]))
				return b.String(), 1
			}
			verb := format[j]
			i = j
			switch verb {
			case 's':
				a, _ := next()
				fmt.Fprintf(&b, spec+"s", a)
			case 'b':
				a, _ := next()
				s, stopped := unescape(a, true)
				fmt.Fprintf(&b, spec+"s", s)
				if stopped {
					return b.String(), status
				}
			case 'c':
				a, _ := next()
				if a != "" {
					r, _ := utf8.DecodeRuneInString(a)
					fmt.Fprintf(&b, spec+"c", r)
				}
			case 'd', 'i':
				n, _, _ := num(next())
				fmt.Fprintf(&b, spec+"d", n)
			case 'u':
				n, _, _ := num(next())
				fmt.Fprintf(&b, spec+"d", uint64(n))
			case 'o':
				n, _, _ := num(next())
				fmt.Fprintf(&b, spec+"o", uint64(n))
			case 'x', 'X':
				n, _, _ := num(next())
				fmt.Fprintf(&b, spec+string(verb), uint64(n))
			case 'e', 'E', 'f', 'F', 'g', 'G', 'a', 'A':
				_, f, _ := num(next())
				v := verb
				if v == 'F' {
					v = 'f'
				}
				if v == 'a' || v == 'A' {
					v = 'x' + (v - 'a')
				}
				fmt.Fprintf(&b, spec+string(v), f)
			case 'q':
				a, _ := next()
				b.WriteString(strconv.Quote(a))
			default:
				p.Errorf("%s: invalid conversion specification", quote(format[strings.LastIndexByte(format[:j+1], '%'):j+1]))
				return b.String(), 1
			}
		}
		if len(args) == 0 || len(args) == consumed {
			break
		}
	}
	return b.String(), status
}
