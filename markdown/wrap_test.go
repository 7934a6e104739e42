package markdown

import (
	"reflect"
	"strings"
	"testing"
)

func TestWrapText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"empty", "", 10, nil},
		{"only spaces", "   ", 10, nil},
		{"fits", "hello world", 11, []string{"hello world"}},
		{"breaks at space", "hello world", 10, []string{"hello", "world"}},
		{"collapses spaces", "a   b\t\tc\nd", 80, []string{"a b c d"}},
		{"leading and trailing spaces", "  a b  ", 80, []string{"a b"}},
		{"exact fill", "aaa bbb ccc", 7, []string{"aaa bbb", "ccc"}},
		{"long word overflows", "a verylongword b", 5, []string{"a", "verylongword", "b"}},
		{"width one", "a b c", 1, []string{"a", "b", "c"}},
		{"width zero is one", "a b", 0, []string{"a", "b"}},
		{"negative width", "ab cd", -5, []string{"ab", "cd"}},
		{"wide runes count double", "日本 語", 4, []string{"日本", "語"}},
		{"cjk breaks between ideographs", "日本語です", 6, []string{"日本語", "です"}},
		{"no break before closing punctuation", "日本語。", 6, []string{"日本", "語。"}},
		{"emoji are wide", "🐳 🐳 🐳", 5, []string{"🐳 🐳", "🐳"}},
		{"combining marks are narrow", "café cafe\u0301", 9, []string{"café cafe\u0301"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapText(tt.in, tt.width)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("wrapText(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
		})
	}
}

// plainLines flattens wrapped lines to text for comparison.
func plainLines(ls []line) []string {
	var out []string
	for _, l := range ls {
		var b strings.Builder
		for _, p := range l.pieces {
			b.WriteString(p.text)
		}
		if textWidth(b.String()) != l.width {
			panic("line width out of step with its text: " + b.String())
		}
		out = append(out, b.String())
	}
	return out
}

func TestWrapSpans(t *testing.T) {
	bold := style{bold: true}
	tests := []struct {
		name  string
		in    []span
		width int
		want  []string
	}{
		{
			"code span kept whole when it fits",
			[]span{{text: "run "}, {text: "docker run -it x", keep: true}, {text: " now"}},
			18,
			[]string{"run", "docker run -it x", "now"},
		},
		{
			"code span wider than the line breaks at its spaces",
			[]span{{text: "a b c d e f", keep: true}},
			5,
			[]string{"a b c", "d e f"},
		},
		{
			"punctuation sticks to a styled word",
			[]span{{text: "see "}, {text: "this", st: bold}, {text: ", then"}},
			9,
			[]string{"see this,", "then"},
		},
		{
			"hard break",
			[]span{{text: "one"}, {brk: true}, {text: "two"}},
			80,
			[]string{"one", "two"},
		},
		{
			"double hard break leaves an empty line",
			[]span{{text: "one"}, {brk: true}, {brk: true}, {text: "two"}},
			80,
			[]string{"one", "", "two"},
		},
		{
			"trailing hard break adds nothing",
			[]span{{text: "one"}, {brk: true}},
			80,
			[]string{"one"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := plainLines(wrapSpans(tt.in, tt.width))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWrapKeepsStylesApart(t *testing.T) {
	bold := style{bold: true}
	ls := wrapSpans([]span{{text: "a "}, {text: "b c", st: bold}, {text: " d"}}, 80)
	want := []span{{text: "a "}, {text: "b c", st: bold}, {text: " d"}}
	if len(ls) != 1 || !reflect.DeepEqual(ls[0].pieces, want) {
		t.Errorf("got %+v, want one line %+v", ls, want)
	}
}

func TestTrimRight(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"abc   ", "abc"},
		{"abc  \x1b[0m", "abc\x1b[0m"},
		{"abc \x1b[33m  \x1b[0m ", "abc\x1b[33m\x1b[0m"},
		{"\x1b[1mx\x1b[22m", "\x1b[1mx\x1b[22m"},
		{"a \x1b[xm", "a \x1b[xm"}, // not an SGR sequence: left alone
	}
	for _, tt := range tests {
		if got := trimRight(tt.in); got != tt.want {
			t.Errorf("trimRight(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExpandTabs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\tx", "    x"},
		{"ab\tx", "ab  x"},
		{"abcd\tx", "abcd    x"},
		{"日\tx", "日  x"},
	}
	for _, tt := range tests {
		if got := expandTabs(tt.in); got != tt.want {
			t.Errorf("expandTabs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// wrapText wraps unstyled text, to test the wrapper on strings.
func wrapText(s string, width int) []string {
	var out []string
	for _, l := range wrapSpans([]span{{text: s}}, width) {
		var b strings.Builder
		for _, p := range l.pieces {
			b.WriteString(p.text)
		}
		out = append(out, b.String())
	}
	return out
}
