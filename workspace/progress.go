package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
)

// ProgressVersion is the progress file's format version.
const ProgressVersion = 1

// Progress is everything learn remembers about a learner: where they are,
// which steps they finished and how many hints they have seen.
type Progress struct {
	Format int `json:"format"`
	// Pack is the lesson pack the workspace was made from: "embedded" or a
	// directory, so later commands use the same pack without a flag.
	Pack    string                     `json:"pack"`
	Current Position                   `json:"current"`
	Lessons map[string]*LessonProgress `json:"lessons,omitempty"`
}

// Position names one step of one lesson (Step is 1-based).
type Position struct {
	Lesson string `json:"lesson"`
	Step   int    `json:"step"`
}

// LessonProgress is one lesson's record.
type LessonProgress struct {
	// Done lists the finished steps, sorted, 1-based.
	Done []int `json:"done,omitempty"`
	// Hints counts the hints shown per step ("3": 2).
	Hints map[string]int `json:"hints,omitempty"`
	// SolutionSeen records that the learner looked at the solution.
	SolutionSeen bool `json:"solution_seen,omitempty"`
}

// Lesson returns the record for id, creating it.
func (p *Progress) Lesson(id string) *LessonProgress {
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	lp := p.Lessons[id]
	if lp == nil {
		lp = &LessonProgress{}
		p.Lessons[id] = lp
	}
	return lp
}

// StepDone reports whether step of lesson id is finished.
func (p *Progress) StepDone(id string, step int) bool {
	lp := p.Lessons[id]
	if lp == nil {
		return false
	}
	for _, d := range lp.Done {
		if d == step {
			return true
		}
	}
	return false
}

// MarkDone records step of lesson id as finished; it reports whether that
// is news.
func (p *Progress) MarkDone(id string, step int) bool {
	if p.StepDone(id, step) {
		return false
	}
	lp := p.Lesson(id)
	lp.Done = append(lp.Done, step)
	sort.Ints(lp.Done)
	return true
}

// DoneCount is how many steps of lesson id are finished.
func (p *Progress) DoneCount(id string) int {
	if lp := p.Lessons[id]; lp != nil {
		return len(lp.Done)
	}
	return 0
}

// ErrCorrupt marks a progress file that exists but cannot be read back.
var ErrCorrupt = errors.New("progress file is damaged")

func decodeProgress(data []byte) (*Progress, error) {
	var p Progress
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if p.Format != ProgressVersion {
		return nil, fmt.Errorf("%w: format %d, this learn reads format %d", ErrCorrupt, p.Format, ProgressVersion)
	}
	if p.Current.Step < 0 {
		return nil, fmt.Errorf("%w: negative step %d", ErrCorrupt, p.Current.Step)
	}
	for id, lp := range p.Lessons {
		if lp == nil {
			delete(p.Lessons, id)
		}
	}
	return &p, nil
}

func encodeProgress(p *Progress) ([]byte, error) {
	p.Format = ProgressVersion
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func readProgress(name string) (*Progress, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return decodeProgress(data)
}
