package markdown

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// brRE matches the one inline HTML tag worth honouring: a line break.
var brRE = regexp.MustCompile(`(?i)^<br\s*/?>$`)

// inlines converts n's inline children into styled spans.
func (r *renderer) inlines(n ast.Node, st style) []span {
	var out []span
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		out = r.inline(c, st, out)
	}
	return out
}

func (r *renderer) inline(n ast.Node, st style, out []span) []span {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(r.src)
		var text string
		if n.IsRaw() {
			text = string(v)
		} else {
			text = unescape(v)
		}
		out = append(out, span{text: sanitize(text), st: st})
		if n.HardLineBreak() {
			out = append(out, span{brk: true})
		} else if n.SoftLineBreak() {
			out = append(out, span{text: " ", st: st})
		}
	case *ast.String:
		text := string(n.Value)
		if !n.IsCode() && !n.IsRaw() {
			text = unescape(n.Value)
		}
		out = append(out, span{text: sanitize(text), st: st})
	case *ast.CodeSpan:
		out = append(out, r.codeSpan(n, st))
	case *ast.Emphasis:
		es := styleEmph
		if n.Level >= 2 {
			es = styleStrong
		}
		out = append(out, r.inlines(n, st.with(es))...)
	case *extast.Strikethrough:
		out = append(out, r.inlines(n, st.with(styleStrike))...)
	case *ast.Link:
		out = r.link(r.inlines(n, st.with(styleLinkText)), unescape(n.Destination), st, out)
	case *ast.AutoLink:
		label := sanitize(string(n.Label(r.src)))
		out = append(out, span{text: label, st: st.with(styleURL)})
	case *ast.Image:
		alt := strings.TrimSpace(spanText(r.inlines(n, st)))
		text := "[image]"
		if alt != "" {
			text = "[image: " + alt + "]"
		}
		out = append(out, span{text: text, st: st.with(styleImage), keep: true})
	case *ast.RawHTML:
		var b strings.Builder
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			b.Write(seg.Value(r.src))
		}
		// Other inline HTML is dropped; the text between tags survives.
		if brRE.MatchString(strings.TrimSpace(b.String())) {
			out = append(out, span{brk: true})
		}
	case *extast.TaskCheckBox:
		// Drawn by the list as the item's marker.
	default:
		out = append(out, r.inlines(n, st)...)
	}
	return out
}

// codeSpan renders inline code. Colour mode colours it; plain mode wraps it
// in backquotes so commands stay recognisable without colour.
func (r *renderer) codeSpan(n *ast.CodeSpan, st style) span {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(r.src)
			b.Write(v)
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		}
	}
	text := strings.ReplaceAll(sanitize(b.String()), "\n", " ")
	if !r.p.on {
		if strings.Contains(text, "`") {
			text = "`` " + text + " ``" // as Markdown itself quotes backquotes
		} else {
			text = "`" + text + "`"
		}
	}
	return span{text: text, st: st.with(styleCode), keep: true}
}

// link appends a link as "text (url)", or just the URL when the text is
// the URL, so the address is visible and copyable in a terminal.
func (r *renderer) link(text []span, dest string, st style, out []span) []span {
	dest = sanitize(dest)
	label := strings.TrimSpace(spanText(text))
	switch {
	case dest == "" || dest == label || "mailto:"+label == dest:
		return append(out, text...)
	case label == "":
		return append(out, span{text: dest, st: st.with(styleURL)})
	}
	out = append(out, text...)
	return append(out,
		span{text: " ", st: st},
		span{text: "(", st: st},
		span{text: dest, st: st.with(styleURL)},
		span{text: ")", st: st})
}

// spanText is the unstyled text of spans.
func spanText(spans []span) string {
	var b strings.Builder
	for _, s := range spans {
		if s.brk {
			b.WriteByte(' ')
			continue
		}
		b.WriteString(s.text)
	}
	return b.String()
}
