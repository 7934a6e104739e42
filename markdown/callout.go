package markdown

import (
	"regexp"
	"strings"

	"github.com/fatih/color"
	"github.com/yuin/goldmark/ast"
)

// calloutKind describes one kind of callout box.
type calloutKind struct {
	label string
	icon  string // colour mode only; plain mode shows just the label
	fg    color.Attribute
}

var callouts = map[string]calloutKind{
	"note":      {"Note", "ℹ", color.FgBlue},
	"tip":       {"Tip", "✱", color.FgGreen},
	"important": {"Important", "‼", color.FgMagenta},
	"warning":   {"Warning", "⚠", color.FgYellow},
	"caution":   {"Caution", "✖", color.FgRed},
}

// githubMarker matches GitHub's alert syntax at the start of a quote.
var githubMarker = regexp.MustCompile(`(?i)^\s*\[!(note|tip|important|warning|caution)\]`)

// callout renders a blockquote that starts with "[!NOTE]" or "**Note**"
// (and the other kinds) as a labelled box; ok is false for plain quotes.
func (r *renderer) callout(n *ast.Blockquote, width int) ([]string, bool) {
	para := n.FirstChild()
	if _, isPara := para.(*ast.Paragraph); !isPara {
		return nil, false
	}
	spans := r.inlines(para, style{})
	kind, rest, ok := calloutMarker(spans)
	if !ok {
		return nil, false
	}
	k := callouts[kind]
	st := style{bold: true, fg: k.fg}
	bar := r.p.paint(style{fg: k.fg}, "│")
	head := k.label
	if r.p.on {
		head = k.icon + " " + k.label
	}
	lines := []string{r.p.paint(st, head)}
	body := r.paragraph(rest, width-2)
	for c := para.NextSibling(); c != nil; c = c.NextSibling() {
		more := r.block(c, width-2)
		if len(more) == 0 {
			continue
		}
		if len(body) > 0 {
			body = append(body, "")
		}
		body = append(body, more...)
	}
	lines = append(lines, body...)
	return prefix(lines, bar+" ", bar+" "), true
}

// calloutMarker recognises the marker at the start of spans and returns the
// callout kind and the spans that follow it.
func calloutMarker(spans []span) (kind string, rest []span, ok bool) {
	if len(spans) == 0 || spans[0].brk || spans[0].keep {
		return "", nil, false
	}
	// GitHub's "[!NOTE]" arrives split over several text spans.
	var lead strings.Builder
	for _, s := range spans {
		if s.brk || s.keep || lead.Len() > 20 {
			break
		}
		lead.WriteString(s.text)
	}
	if m := githubMarker.FindStringSubmatchIndex(lead.String()); m != nil {
		kind = strings.ToLower(lead.String()[m[2]:m[3]])
		return kind, trimLead(dropBytes(spans, m[1])), true
	}
	first := spans[0]
	label := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(first.text), ":")))
	if _, known := callouts[label]; !known || !first.st.bold {
		return "", nil, false
	}
	rest = trimLead(spans[1:])
	if len(rest) > 0 && !rest[0].brk && !rest[0].keep && strings.HasPrefix(rest[0].text, ":") {
		rest = trimLead(dropBytes(rest, 1))
	}
	return label, rest, true
}

// dropBytes removes the first n bytes of text from spans.
func dropBytes(spans []span, n int) []span {
	for len(spans) > 0 && n > 0 {
		s := spans[0]
		if s.brk {
			spans = spans[1:]
			continue
		}
		if len(s.text) > n {
			s.text = s.text[n:]
			return append([]span{s}, spans[1:]...)
		}
		n -= len(s.text)
		spans = spans[1:]
	}
	return spans
}

// trimLead drops leading whitespace and line breaks.
func trimLead(spans []span) []span {
	for len(spans) > 0 {
		s := spans[0]
		if !s.brk {
			t := strings.TrimLeft(s.text, " \t\n")
			if t != "" {
				s.text = t
				return append([]span{s}, spans[1:]...)
			}
		}
		spans = spans[1:]
	}
	return spans
}
