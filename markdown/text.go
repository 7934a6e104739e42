package markdown

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// unescape resolves backslash escapes and character references the way
// goldmark's HTML writer does, since we print text segments ourselves.
func unescape(src []byte) string {
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\\' && i+1 < len(src) && util.IsPunct(src[i+1]) {
			b.WriteByte(src[i+1])
			i++
			continue
		}
		if c == '&' {
			if r, n := entity(src[i:]); n > 0 {
				b.WriteString(r)
				i += n - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// entity decodes a character reference at the start of s ("&amp;",
// "&#35;", "&#x23;") and returns its text and length, or n == 0.
func entity(s []byte) (string, int) {
	end := -1
	for i := 1; i < len(s) && i < 40; i++ {
		if s[i] == ';' {
			end = i
			break
		}
	}
	if end < 2 {
		return "", 0
	}
	body := string(s[1:end])
	if body[0] == '#' {
		num, base := body[1:], 10
		if num != "" && (num[0] == 'x' || num[0] == 'X') {
			num, base = num[1:], 16
		}
		if num == "" || len(num) > 7 {
			return "", 0
		}
		v, err := strconv.ParseUint(num, base, 32)
		if err != nil {
			return "", 0
		}
		r := rune(v)
		if r == 0 || !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		return string(r), end + 1
	}
	if e, ok := util.LookUpHTML5EntityByName(body); ok {
		return string(e.Characters), end + 1
	}
	return "", 0
}

// sanitize replaces control characters (ESC above all) and invalid UTF-8,
// so lesson text can never inject terminal escapes or confuse width counts.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if isControl(r) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case isControl(r):
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r) // RuneError from bad UTF-8 is written as U+FFFD
		}
	}
	return b.String()
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r < 0xa0)
}

// expandTabs replaces tabs with spaces to the next multiple of 4 columns;
// a terminal's own tab stops would not line up with our indentation.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 4 - col%4
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col += widthCond.RuneWidth(r)
	}
	return b.String()
}

// trimRight drops trailing spaces, also those hidden before a closing
// escape sequence ("text  \x1b[0m").
func trimRight(s string) string {
	tail := ""
	for {
		t := strings.TrimRight(s, " ")
		if len(t) != len(s) {
			s = t
			continue
		}
		if strings.HasSuffix(s, "m") {
			if i := strings.LastIndex(s, "\x1b["); i >= 0 && isSGR(s[i:]) {
				tail = s[i:] + tail
				s = s[:i]
				continue
			}
		}
		return s + tail
	}
}

func isSGR(s string) bool {
	if len(s) < 3 || s[len(s)-1] != 'm' {
		return false
	}
	for _, c := range s[2 : len(s)-1] {
		if (c < '0' || c > '9') && c != ';' {
			return false
		}
	}
	return true
}
