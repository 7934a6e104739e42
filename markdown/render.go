package markdown

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Options control one rendering.
type Options struct {
	Width int  // wrap width in columns; <=0 means 80
	Color bool // ANSI styling on (caller decides: TTY, NO_COLOR, TERM=dumb)
}

// maxWidth bounds Options.Width: rules are drawn full width, and no
// terminal is wider.
const maxWidth = 1000

// parser is shared: goldmark parsers are safe for concurrent use.
var parser = goldmark.New(goldmark.WithExtensions(
	extension.Table,
	extension.TaskList,
	extension.Strikethrough,
	extension.Linkify,
)).Parser()

// Render writes src, a Markdown document (CommonMark with GFM tables, task
// lists, strikethrough and autolinks), to w as terminal text wrapped to
// opt.Width. Plain mode (Color false) has no escape codes and no Markdown
// markers except that inline code keeps its backquotes, so commands stay
// recognisable; emphasis and strikethrough become plain text there.
// Blocks are separated by one blank line; output ends with one newline,
// or is empty for a document with nothing to show.
func Render(w io.Writer, src []byte, opt Options) error {
	width := opt.Width
	if width <= 0 {
		width = 80
	}
	width = min(width, maxWidth)
	doc := parser.Parse(text.NewReader(src))
	r := &renderer{src: src, p: newPainter(opt.Color)}
	lines := r.blocks(doc, width, false)
	if len(lines) == 0 {
		return nil
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(trimRight(l))
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing rendered markdown: %w", err)
	}
	return nil
}

// renderer turns one parsed document into lines. Each block renders to
// its own lines at a given width; containers (lists, quotes) render their
// children narrower and prefix the result, so nesting composes.
type renderer struct {
	src   []byte
	p     *painter
	depth int // bullet-list nesting, to vary the bullet glyph
}

// blocks renders n's children, separated by a blank line unless tight.
func (r *renderer) blocks(n ast.Node, width int, tight bool) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		lines := trimBlank(r.block(c, width))
		if len(lines) == 0 {
			continue
		}
		if len(out) > 0 && !tight {
			out = append(out, "")
		}
		out = append(out, lines...)
	}
	return out
}

func (r *renderer) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Heading:
		return r.heading(n, width)
	case *ast.Paragraph, *ast.TextBlock:
		return r.paragraph(r.inlines(n, style{}), width)
	case *ast.ThematicBreak:
		return []string{r.p.paint(styleRule, strings.Repeat("─", max(width, 1)))}
	case *ast.FencedCodeBlock:
		return r.codeBlock(n, string(n.Language(r.src)))
	case *ast.CodeBlock:
		return r.codeBlock(n, "")
	case *ast.Blockquote:
		return r.blockquote(n, width)
	case *ast.List:
		return r.list(n, width)
	case *extast.Table:
		return r.table(n, width)
	case *ast.HTMLBlock:
		// Raw HTML (often comments for authors) means nothing in a terminal.
		return nil
	default:
		return r.blocks(n, width, false)
	}
}

func (r *renderer) paragraph(spans []span, width int) []string {
	var out []string
	for _, l := range wrapSpans(spans, width) {
		out = append(out, r.p.paintLine(l))
	}
	return out
}

// heading drops the "#" markers; levels 1 and 2 get a rule underneath so
// they stand out in plain mode too.
func (r *renderer) heading(n *ast.Heading, width int) []string {
	st, rule := styleH4, ""
	switch n.Level {
	case 1:
		st, rule = styleH1, "═"
	case 2:
		st, rule = styleH2, "─"
	case 3:
		st = styleH3
	}
	lines := wrapSpans(r.inlines(n, st), width)
	var out []string
	w := 0
	for _, l := range lines {
		out = append(out, r.p.paintLine(l))
		w = max(w, l.width)
	}
	if rule != "" && w > 0 {
		out = append(out, r.p.paint(st, strings.Repeat(rule, max(min(w, width), 1))))
	}
	return out
}

// codeBlock indents code by four spaces rather than drawing fences or a box:
// copying a command out of the terminal then picks up nothing extra but
// leading blanks, which shells ignore.
func (r *renderer) codeBlock(n ast.Node, lang string) []string {
	var raw []string
	segs := n.Lines()
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		l := strings.TrimRight(string(seg.Value(r.src)), "\r\n")
		raw = append(raw, strings.TrimRight(expandTabs(sanitize(l)), " \t"))
	}
	for len(raw) > 0 && raw[0] == "" {
		raw = raw[1:]
	}
	for len(raw) > 0 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, toks := range highlight(lang, raw) {
		var b strings.Builder
		for _, t := range toks {
			b.WriteString(r.p.paint(tokenStyle[t.kind], t.text))
		}
		if b.Len() == 0 {
			out = append(out, "")
			continue
		}
		out = append(out, "    "+b.String())
	}
	return out
}

// blockquote draws a "│ " gutter, or a labelled callout box.
func (r *renderer) blockquote(n *ast.Blockquote, width int) []string {
	if lines, ok := r.callout(n, width); ok {
		return lines
	}
	bar := r.p.paint(styleGutter, "│")
	return prefix(r.blocks(n, width-2, false), bar+" ", bar+" ")
}

// list renders bullets, numbers and task boxes with hanging indentation.
func (r *renderer) list(n *ast.List, width int) []string {
	bullets := []string{"•", "◦", "▪", "‣"}
	bullet := bullets[r.depth%len(bullets)]
	r.depth++
	defer func() { r.depth-- }()

	count := n.ChildCount()
	numWidth := len(strconv.Itoa(n.Start + count - 1))
	var out []string
	i := 0
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		var marker string
		mw := 2
		if n.IsOrdered() {
			num := strconv.Itoa(n.Start + i)
			marker = strings.Repeat(" ", max(numWidth-len(num), 0)) + num + string(n.Marker)
			mw = len(marker) + 1
			marker = r.p.paint(styleBullet, marker)
		} else {
			marker = r.p.paint(styleBullet, bullet)
		}
		if checked, ok := taskBox(item); ok {
			glyph, st := "☐", style{}
			if checked {
				glyph, st = "☑", styleChecked
			}
			if n.IsOrdered() {
				marker += " " + r.p.paint(st, glyph)
				mw += 2
			} else {
				marker = r.p.paint(st, glyph)
			}
		}
		body := r.blocks(item, width-mw, n.IsTight)
		if len(body) == 0 {
			body = []string{""}
		}
		if i > 0 && !n.IsTight {
			out = append(out, "")
		}
		out = append(out, prefix(body, marker+" ", strings.Repeat(" ", mw))...)
		i++
	}
	return out
}

// taskBox finds the checkbox goldmark puts at the start of a task item.
func taskBox(item ast.Node) (checked, ok bool) {
	first := item.FirstChild()
	if first == nil || first.FirstChild() == nil {
		return false, false
	}
	box, ok := first.FirstChild().(*extast.TaskCheckBox)
	if !ok {
		return false, false
	}
	return box.IsChecked, true
}

// trimBlank drops leading and trailing lines with nothing visible, so a
// block that renders empty (a table of empty cells) adds no blank lines.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && isBlank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func isBlank(l string) bool {
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case c == '\x1b' && i+1 < len(l) && l[i+1] == '[':
			for i < len(l) && l[i] != 'm' {
				i++ // skip an SGR sequence, which shows nothing
			}
		case c != ' ' && c != '\t':
			return false
		}
	}
	return true
}

// prefix puts first before lines[0] and rest before the others; blank lines
// get the prefix without its trailing space.
func prefix(lines []string, first, rest string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		p := rest
		if i == 0 {
			p = first
		}
		if l == "" {
			out[i] = trimRight(p)
		} else {
			out[i] = p + l
		}
	}
	return out
}
