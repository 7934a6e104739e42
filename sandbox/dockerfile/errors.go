package dockerfile

import (
	"errors"
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Error is a Dockerfile problem tied to a line. Msg keeps BuildKit's wording
// wherever BuildKit has one, so learners can search for it and the checker can
// match the same text against a real engine.
type Error struct {
	File string // the Dockerfile's name, e.g. "Dockerfile"
	Line int    // 1-based; 0 when the problem is not on one line
	Msg  string
	err  error // the BuildKit error, when there is one
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

func (e *Error) Unwrap() error { return e.err }

func (d *Dockerfile) errorf(line int, format string, args ...any) *Error {
	return &Error{File: d.Name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// wrapError turns a BuildKit error into an *Error. BuildKit records the lines
// in a parser.LocationError; its outermost wrapper ("dockerfile parse error on
// line N: ...") only repeats the line, so Msg drops it. fallback is used when
// the error carries no location.
func (d *Dockerfile) wrapError(err error, fallback int) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	e := &Error{File: d.Name, Line: fallback, Msg: err.Error(), err: err}
	var le *parser.LocationError
	if errors.As(err, &le) {
		e.Msg = le.Error()
		if l := firstLine(le.Locations); l > 0 {
			e.Line = l
		}
	}
	var ui *instructions.UnknownInstructionError
	if errors.As(err, &ui) && e.Line == 0 {
		e.Line = ui.Line
	}
	return e
}

// firstLine is the first line of the innermost location, the one BuildKit
// attached first (the instruction itself rather than later context).
func firstLine(locs [][]parser.Range) int {
	for _, rs := range locs {
		for _, r := range rs {
			if r.Start.Line > 0 {
				return r.Start.Line
			}
		}
	}
	return 0
}

func rangeLine(rs []parser.Range) int {
	for _, r := range rs {
		if r.Start.Line > 0 {
			return r.Start.Line
		}
	}
	return 0
}

// Line is the first Dockerfile line of a command.
func Line(cmd instructions.Command) int {
	if cmd == nil {
		return 0
	}
	return rangeLine(cmd.Location())
}
