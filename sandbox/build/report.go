package build

import (
	"fmt"
	"strings"
)

// Report is the text docker prints after a failed build: the failing step,
// an excerpt of the Dockerfile around the line at fault, and the error.
func (e *Error) Report() string {
	var b strings.Builder
	if e.Step != "" {
		fmt.Fprintf(&b, "------\n > %s:\n------\n", e.Step)
	}
	if e.Line > 0 && len(e.Source) > 0 {
		lines := strings.Split(strings.TrimRight(string(e.Source), "\n"), "\n")
		file := e.File
		if file == "" {
			file = "Dockerfile"
		}
		fmt.Fprintf(&b, "%s:%d\n--------------------\n", file, e.Line)
		from, to := max(1, e.Line-2), min(len(lines), e.Line+2)
		for i := from; i <= to; i++ {
			mark := "    "
			if i == e.Line {
				mark = ">>> "
			}
			fmt.Fprintf(&b, " %3d | %s%s\n", i, mark, lines[i-1])
		}
		b.WriteString("--------------------\n")
	}
	fmt.Fprintf(&b, "ERROR: failed to solve: %s\n", e.Msg)
	return b.String()
}
