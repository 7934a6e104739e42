package lessons

import (
	"fmt"
	"io/fs"
	"strconv"
)

// FormatVersion is the only lesson format this package reads.
const FormatVersion = 1

// Lesson is one parsed lesson.md plus its starter and solution files.
type Lesson struct {
	FormatVersion int
	ID            string
	Title         string
	Summary       string
	Prerequisites []string // lesson ids, validated to exist earlier in the pack
	Outcomes      []string // optional "what you can do after this lesson"
	Intro         string   // Markdown before the first "## " heading
	Steps         []*Step
	File          string // path for error messages
	Files         fs.FS  // starter files, rooted at files/ (empty if absent)
	Solution      fs.FS  // reference solution, rooted at solution/ (may be empty)

	// prereqLine remembers where prerequisites were declared so pack-level
	// validation can point at the right line.
	prereqLine int
}

// Number is the lesson's two-digit prefix as an int ("04-layer-caching" → 4).
func (l *Lesson) Number() int {
	if len(l.ID) < 2 {
		return 0 // only a hand-built Lesson can have such an id
	}
	n, _ := strconv.Atoi(l.ID[:2])
	return n
}

// Slug is the lesson id without its number ("04-layer-caching" → "layer-caching").
func (l *Lesson) Slug() string {
	if len(l.ID) < 3 {
		return ""
	}
	return l.ID[3:]
}

// Step is one level-2 section of a lesson.
type Step struct {
	Index  int     // 1-based
	Title  string  // the "## " heading text
	Body   string  // Markdown of the section without check and hint blocks
	Checks []Block // fenced blocks with info string "check", verbatim
	Hints  []Block // fenced blocks with info string "hint", verbatim Markdown
	Line   int     // line of the heading in lesson.md
}

// Block is the content of a fenced check or hint block.
type Block struct {
	Line int    // first line of the block's content in lesson.md
	Text string // content lines, each ending in "\n"
}

// Error is a problem in a lesson pack, located by file and line so a teacher
// can jump straight to it.
type Error struct {
	File string
	Line int // 0 when the problem is not on one line (a missing file)
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}
