package markdown

import "github.com/fatih/color"

// style is the set of text attributes one piece of output carries. It is a
// comparable value so nested inline styles can be combined by field and the
// resulting *color.Color cached per renderer.
type style struct {
	bold, italic, underline, strike, faint bool
	fg                                     color.Attribute // 0: terminal default
}

// with overlays the attributes set in o onto s; o's colour wins.
func (s style) with(o style) style {
	s.bold = s.bold || o.bold
	s.italic = s.italic || o.italic
	s.underline = s.underline || o.underline
	s.strike = s.strike || o.strike
	s.faint = s.faint || o.faint
	if o.fg != 0 {
		s.fg = o.fg
	}
	return s
}

func (s style) attrs() []color.Attribute {
	var a []color.Attribute
	if s.bold {
		a = append(a, color.Bold)
	}
	if s.faint {
		a = append(a, color.Faint)
	}
	if s.italic {
		a = append(a, color.Italic)
	}
	if s.underline {
		a = append(a, color.Underline)
	}
	if s.strike {
		a = append(a, color.CrossedOut)
	}
	if s.fg != 0 {
		a = append(a, s.fg)
	}
	return a
}

// The palette. Kept in one place so the colour scheme reads as a whole.
var (
	styleH1       = style{bold: true, fg: color.FgHiMagenta}
	styleH2       = style{bold: true, fg: color.FgHiCyan}
	styleH3       = style{bold: true, fg: color.FgCyan}
	styleH4       = style{bold: true}
	styleEmph     = style{italic: true}
	styleStrong   = style{bold: true}
	styleStrike   = style{strike: true}
	styleCode     = style{fg: color.FgYellow}
	styleLinkText = style{underline: true}
	styleURL      = style{fg: color.FgBlue}
	styleRule     = style{fg: color.FgHiBlack}
	styleGutter   = style{fg: color.FgHiBlack}
	styleBullet   = style{fg: color.FgCyan}
	styleChecked  = style{fg: color.FgGreen}
	styleTblHead  = style{bold: true}
	styleTblLine  = style{fg: color.FgHiBlack}
	styleImage    = style{fg: color.FgMagenta}

	// Code tokens.
	styleKeyword  = style{bold: true, fg: color.FgMagenta}
	styleCommand  = style{bold: true, fg: color.FgGreen}
	styleFlag     = style{fg: color.FgCyan}
	styleString   = style{fg: color.FgYellow}
	styleComment  = style{italic: true, fg: color.FgHiBlack}
	styleVariable = style{fg: color.FgBlue}
	stylePrompt   = style{bold: true, fg: color.FgHiBlack}
	styleOperator = style{fg: color.FgRed}
)

// painter turns styled text into output text. All colour goes through
// per-painter *color.Color values whose enabled state is set explicitly, so
// the global color.NoColor (and the environment) never affects output.
type painter struct {
	on    bool
	cache map[style]*color.Color
}

func newPainter(on bool) *painter {
	return &painter{on: on, cache: map[style]*color.Color{}}
}

func (p *painter) paint(s style, text string) string {
	if text == "" || s == (style{}) {
		return text
	}
	c, ok := p.cache[s]
	if !ok {
		c = color.New(s.attrs()...)
		if p.on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		p.cache[s] = c
	}
	return c.Sprint(text)
}
