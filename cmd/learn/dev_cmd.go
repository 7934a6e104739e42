package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/checker"
	"github.com/layerlab/learn/lessons"
	"github.com/layerlab/learn/workspace"
)

// devCmd holds the commands for lesson authors.
func (a *app) devCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "dev", Short: "Tools for lesson authors", Args: cobra.NoArgs}
	cmd.AddCommand(&cobra.Command{
		Use:   "check [DIR]",
		Short: "Validate a lesson pack: it parses, every solution passes, every starter fails",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var pack *lessons.Pack
			var err error
			if len(args) == 1 {
				pack, err = lessons.LoadDir(args[0])
			} else {
				pack, err = a.Pack()
			}
			if err != nil {
				return err
			}
			ok := true
			for _, l := range pack.Lessons {
				good, err := a.devCheckLesson(cmd, l)
				if err != nil {
					return err
				}
				ok = ok && good
			}
			if !ok {
				return &exitError{code: exitFailure}
			}
			fmt.Fprintf(a.io.Out, "\n%d lessons checked: every solution passes and every starter has something to do.\n", len(pack.Lessons))
			return nil
		},
	})
	return cmd
}

// devCheckLesson runs a lesson's checks on its solution (all must pass,
// with every check line reached) and on its starter (at least one must
// fail, or the exercise asks nothing).
func (a *app) devCheckLesson(cmd *cobra.Command, l *lessons.Lesson) (bool, error) {
	green, red, _ := a.colors()
	var checked []*lessons.Step
	for _, st := range l.Steps {
		for _, b := range st.Checks {
			if _, err := checker.Parse(l.File, b.Line, b.Text); err != nil {
				fmt.Fprintf(a.io.Out, "%s %v\n", red.Sprint("✗"), err)
				return false, nil
			}
		}
		if len(st.Checks) > 0 {
			checked = append(checked, st)
		}
	}
	if len(checked) == 0 {
		fmt.Fprintf(a.io.Out, "%s %s: no checks yet\n", green.Sprint("·"), l.ID)
		return true, nil
	}
	run := func(files string) (passed, failed int, problems []string, err error) {
		tmp, err := os.MkdirTemp("", "learn-dev-")
		if err != nil {
			return 0, 0, nil, err
		}
		defer os.RemoveAll(tmp)
		src := l.Files
		if files == "solution" {
			src = l.Solution
		}
		if err := workspace.CopyFS(tmp, src); err != nil {
			return 0, 0, nil, err
		}
		for _, st := range checked {
			reports, err := a.runStepChecks(cmd.Context(), l, st, tmp)
			if err != nil {
				return 0, 0, nil, err
			}
			for _, rep := range reports {
				if rep.Failed != "" {
					problems = append(problems, rep.Failed)
					failed++
				}
				for _, r := range rep.Results {
					if r.Pass {
						passed++
					} else {
						failed++
						problems = append(problems, fmt.Sprintf("%s:%d: %s (saw: %s)", r.Line.File, r.Line.N, r.Want, firstLine(r.Saw)))
					}
				}
			}
		}
		return passed, failed, problems, nil
	}
	sp, sf, problems, err := run("solution")
	if err != nil {
		return false, err
	}
	_, starterFails, _, err := run("files")
	if err != nil {
		return false, err
	}
	good := sf == 0 && starterFails > 0
	mark := green.Sprint("✓")
	if !good {
		mark = red.Sprint("✗")
	}
	fmt.Fprintf(a.io.Out, "%s %s: solution passes %d of %d checks; starter fails %d\n", mark, l.ID, sp, sp+sf, starterFails)
	for _, p := range problems {
		fmt.Fprintf(a.io.Out, "    %s\n", p)
	}
	if starterFails == 0 {
		fmt.Fprintf(a.io.Out, "    the starter already passes every check: the exercise asks nothing of the learner\n")
	}
	return good, nil
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
