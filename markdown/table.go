package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// tableCell is one cell's content and alignment.
type tableCell struct {
	spans []span
	align extast.Alignment
}

// table lays a GFM table out in columns sized by display width. When the
// natural widths exceed width, the widest columns shrink (not below their
// longest word) and cells wrap inside them.
func (r *renderer) table(t *extast.Table, width int) []string {
	var rows [][]tableCell
	ncols := 0
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		_, head := row.(*extast.TableHeader)
		var cells []tableCell
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cell, ok := c.(*extast.TableCell)
			if !ok {
				continue
			}
			st := style{}
			if head {
				st = styleTblHead
			}
			spans := r.inlines(cell, st)
			for i := range spans {
				if spans[i].brk {
					spans[i] = span{text: " ", st: st}
				}
			}
			cells = append(cells, tableCell{spans: spans, align: cell.Alignment})
		}
		ncols = max(ncols, len(cells))
		rows = append(rows, cells)
	}
	if ncols == 0 {
		return nil
	}

	widths := make([]int, ncols) // natural: the longest cell on one line
	mins := make([]int, ncols)   // the longest word, below which we overflow
	for _, row := range rows {
		for i, c := range row {
			for _, w := range splitWords(c.spans, 1<<30) {
				mins[i] = max(mins[i], w.width)
			}
			for _, l := range wrapSpans(c.spans, 1<<30) {
				widths[i] = max(widths[i], l.width)
			}
		}
	}
	shrink(widths, mins, width-3*(ncols-1))

	sep := r.p.paint(styleTblLine, " │ ")
	var out []string
	for ri, row := range rows {
		cells := make([][]line, ncols)
		height := 1
		for i := range ncols {
			if i < len(row) {
				cells[i] = wrapSpans(row[i].spans, max(widths[i], 1))
			}
			height = max(height, len(cells[i]))
		}
		for li := range height {
			var b strings.Builder
			for i := range ncols {
				if i > 0 {
					b.WriteString(sep)
				}
				var l line
				if li < len(cells[i]) {
					l = cells[i][li]
				}
				align := extast.AlignNone
				if i < len(row) {
					align = row[i].align
				}
				b.WriteString(r.pad(l, widths[i], align))
			}
			out = append(out, b.String())
		}
		if ri == 0 && isHeader(t.FirstChild()) {
			parts := make([]string, ncols)
			for i, w := range widths {
				parts[i] = strings.Repeat("─", w)
			}
			out = append(out, r.p.paint(styleTblLine, strings.Join(parts, "─┼─")))
		}
	}
	return out
}

func isHeader(n ast.Node) bool {
	_, ok := n.(*extast.TableHeader)
	return ok
}

// pad aligns a cell line within w columns; padding stays outside the
// styling so trailing blanks can be trimmed.
func (r *renderer) pad(l line, w int, align extast.Alignment) string {
	gap := max(w-l.width, 0)
	left := 0
	switch align {
	case extast.AlignRight:
		left = gap
	case extast.AlignCenter:
		left = gap / 2
	}
	return strings.Repeat(" ", left) + r.p.paintLine(l) + strings.Repeat(" ", gap-left)
}

// shrink narrows the widest columns one column at a time until the total
// fits in avail or every column is at its minimum.
func shrink(widths, mins []int, avail int) {
	total := 0
	for _, w := range widths {
		total += w
	}
	for total > avail {
		best := -1
		for i, w := range widths {
			if w > mins[i] && (best < 0 || w > widths[best]) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		widths[best]--
		total--
	}
}
