package main

import "github.com/layerlab/learn/lessons"

// nextStep is the step after st along the whole path (the next lesson's
// first step after a lesson's last), or nils at the end.
func nextStep(p *lessons.Pack, l *lessons.Lesson, st *lessons.Step) (*lessons.Lesson, *lessons.Step) {
	if st.Index < len(l.Steps) {
		return l, l.Steps[st.Index]
	}
	for i, pl := range p.Lessons {
		if pl == l && i+1 < len(p.Lessons) && len(p.Lessons[i+1].Steps) > 0 {
			return p.Lessons[i+1], p.Lessons[i+1].Steps[0]
		}
	}
	return nil, nil
}

// prevStep is the step before st along the whole path, or nils at the start.
func prevStep(p *lessons.Pack, l *lessons.Lesson, st *lessons.Step) (*lessons.Lesson, *lessons.Step) {
	if st.Index > 1 {
		return l, l.Steps[st.Index-2]
	}
	for i, pl := range p.Lessons {
		if pl == l && i > 0 {
			prev := p.Lessons[i-1]
			if len(prev.Steps) > 0 {
				return prev, prev.Steps[len(prev.Steps)-1]
			}
		}
	}
	return nil, nil
}
