package markdown

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// widthCond measures display width. It is fixed rather than taken from the
// locale (runewidth.DefaultCondition reads LANG) so output is deterministic.
var widthCond = &runewidth.Condition{StrictEmojiNeutral: true}

// textWidth is the number of terminal columns s occupies.
func textWidth(s string) int { return widthCond.StringWidth(s) }

// span is a run of inline text with one style.
type span struct {
	text string
	st   style
	keep bool // inline code, images: kept on one line whenever they fit
	brk  bool // hard line break; text is ignored
}

// word is the unit the wrapper never breaks: adjacent pieces with no space
// between them, like "**docker**," or "`run`".
type word struct {
	pieces []span
	width  int
	sep    style // style of the space before the word, so underlines join up
	glue   bool  // no space before the word (a break inside CJK text)
	brk    bool  // a hard break rather than a word
}

// line is one laid-out line of inline content.
type line struct {
	pieces []span
	width  int
}

// splitWords turns spans into words. Runs of spaces collapse to one; an
// inline code span stays whole if it fits in width, else it is split at its
// own spaces like ordinary text. CJK text, which has no spaces, may break
// between characters.
func splitWords(spans []span, width int) []word {
	var words []word
	var cur word
	var sepSt style
	glue := false // the next word follows the previous with no space
	flush := func() {
		if len(cur.pieces) > 0 {
			words = append(words, cur)
		}
		cur = word{}
	}
	add := func(text string, s span) {
		if text == "" {
			return
		}
		if len(cur.pieces) == 0 {
			cur.sep, cur.glue = sepSt, glue
			glue = false
		}
		s.text = text
		if n := len(cur.pieces); n > 0 && cur.pieces[n-1].st == s.st && cur.pieces[n-1].keep == s.keep {
			cur.pieces[n-1].text += text
		} else {
			cur.pieces = append(cur.pieces, s)
		}
		cur.width += textWidth(text)
	}
	// addText adds a run without spaces, splitting it where CJK allows.
	addText := func(text string, s span) {
		start := 0
		prev := rune(-1)
		if n := len(cur.pieces); n > 0 {
			prev = lastRune(cur.pieces[n-1].text)
		}
		for i, r := range text {
			if prev >= 0 && cjkBreak(prev, r) {
				add(text[start:i], s)
				if len(cur.pieces) > 0 {
					flush()
					glue = true
				}
				start = i
			}
			prev = r
		}
		add(text[start:], s)
	}
	for _, s := range spans {
		if s.brk {
			flush()
			glue = false
			words = append(words, word{brk: true})
			continue
		}
		if s.keep && textWidth(s.text) <= width {
			add(s.text, s)
			continue
		}
		text := s.text
		for text != "" {
			i := strings.IndexAny(text, " \t\n")
			if i < 0 {
				addText(text, s)
				break
			}
			addText(text[:i], s)
			flush()
			sepSt, glue = s.st, false
			text = text[i+1:]
		}
	}
	flush()
	return words
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// cjkBreak reports whether a line may break between a and b: around CJK
// ideographs and kana, but never before closing punctuation.
func cjkBreak(a, b rune) bool {
	if !isCJK(a) && !isCJK(b) {
		return false
	}
	return !strings.ContainsRune("。、，．！？：；」』）》〉】!?,.;:)", b)
}

func isCJK(r rune) bool {
	return r >= 0x1100 && (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul))
}

// wrapSpans lays spans out greedily into lines of at most width columns.
// A word wider than width gets a line of its own and overflows: breaking
// inside a word (a URL, an image name) would make it uncopyable.
func wrapSpans(spans []span, width int) []line {
	if width < 1 {
		width = 1
	}
	var lines []line
	var cur line
	started := false
	for _, w := range splitWords(spans, width) {
		if w.brk {
			lines = append(lines, cur)
			cur = line{}
			started = true
			continue
		}
		started = true
		gap := 1
		if w.glue {
			gap = 0
		}
		if cur.width > 0 && cur.width+gap+w.width > width {
			lines = append(lines, cur)
			cur = line{}
		}
		if cur.width > 0 && gap > 0 {
			cur.pieces = appendPiece(cur.pieces, span{text: " ", st: w.sep})
			cur.width++
		}
		for _, p := range w.pieces {
			cur.pieces = appendPiece(cur.pieces, p)
		}
		cur.width += w.width
	}
	if started && (cur.width > 0 || len(lines) == 0) {
		lines = append(lines, cur)
	}
	return lines
}

// appendPiece merges same-styled neighbours so colour mode emits fewer escapes.
func appendPiece(ps []span, p span) []span {
	if n := len(ps); n > 0 && ps[n-1].st == p.st {
		ps[n-1].text += p.text
		return ps
	}
	return append(ps, p)
}

// paintLine renders one line's pieces as output text.
func (p *painter) paintLine(l line) string {
	var b strings.Builder
	for _, s := range l.pieces {
		b.WriteString(p.paint(s.st, s.text))
	}
	return b.String()
}
