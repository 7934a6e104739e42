// Package iostreams is the one value every command writes through: it knows
// whether stdout is a terminal, how wide it is, and whether colour is allowed.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// IOStreams carries a command's input and outputs and what is known about
// the terminal behind them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stdinTTY  bool
	width     int
	color     bool
}

// System returns streams on the process's stdin, stdout and stderr.
// Colour needs a terminal and is off under NO_COLOR or TERM=dumb.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.stdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	if s.stdoutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
			s.width = w
		}
	}
	if s.width == 0 {
		// COLUMNS lets scripts and tests ask for a width without a terminal.
		if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
			s.width = n
		}
	}
	s.color = s.stdoutTTY && ColorAllowed(os.Getenv)
	return s
}

// ColorAllowed applies the environment's opt-outs: NO_COLOR (any value) and
// TERM=dumb.
func ColorAllowed(getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return true
}

// Test returns streams on buffers, as tests want them: not a terminal, no
// colour, 80 columns.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStdinTTY reports whether stdin is a terminal (so a prompt can be answered).
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// SetTTY makes the streams behave as if stdout and stdin were terminals.
func (s *IOStreams) SetTTY(tty bool) { s.stdoutTTY, s.stdinTTY = tty, tty }

// ColorEnabled reports whether output may carry ANSI escapes.
func (s *IOStreams) ColorEnabled() bool { return s.color }

// SetColor turns colour on or off.
func (s *IOStreams) SetColor(on bool) { s.color = on }

// Width is the terminal width, or 80 when not on a terminal.
func (s *IOStreams) Width() int {
	if s.width <= 0 {
		return 80
	}
	return s.width
}

// SetWidth fixes the width (tests, --width).
func (s *IOStreams) SetWidth(w int) { s.width = w }
