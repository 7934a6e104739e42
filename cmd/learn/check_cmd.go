package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fatih/color"
	"github.com/spf13/cobra"

	"github.com/layerlab/learn/checker"
	"github.com/layerlab/learn/lessons"
	"github.com/layerlab/learn/workspace"
)

func (a *app) checkCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check [LESSON]",
		Short: "Check your work: the current step, or every checked step of a lesson",
		Long: "learn check runs the step's checks on a private copy of the lesson's folder with a\n" +
			"fresh embedded engine: your files and your images are never touched.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			var l *lessons.Lesson
			var steps []*lessons.Step
			if len(args) == 1 {
				if l, err = s.pack.Lesson(args[0]); err != nil {
					return &usageError{msg: err.Error()}
				}
				for _, st := range l.Steps {
					if len(st.Checks) > 0 {
						steps = append(steps, st)
					}
				}
			} else {
				cl, cs, err := s.current()
				if err != nil {
					return err
				}
				l = cl
				if len(cs.Checks) > 0 {
					steps = []*lessons.Step{cs}
				}
			}
			if len(steps) == 0 {
				fmt.Fprintf(a.io.Out, "Nothing to check here: %s has no checks at this point. Read on with `learn next`.\n", l.ID)
				return nil
			}
			allPass := true
			for _, st := range steps {
				ok, err := a.checkStep(cmd, s, l, st)
				if err != nil {
					return err
				}
				allPass = allPass && ok
			}
			if !allPass {
				return &exitError{code: exitFailure}
			}
			return nil
		},
	}
}

// checkStep runs one step's check blocks and reports; passing marks the
// step done.
func (a *app) checkStep(cmd *cobra.Command, s *session, l *lessons.Lesson, st *lessons.Step) (bool, error) {
	green, red, dim := a.colors()
	fmt.Fprintf(a.io.Out, "Checking %s, step %d: %s\n\n", l.ID, st.Index, st.Title)
	reports, err := a.runStepChecks(cmd.Context(), l, st, s.ws.LessonDir(l.ID))
	if err != nil {
		return false, err
	}
	pass := true
	for _, rep := range reports {
		for _, r := range rep.Results {
			if r.Pass {
				fmt.Fprintf(a.io.Out, "  %s %s\n", green.Sprint("✓"), r.Want)
				continue
			}
			pass = false
			fmt.Fprintf(a.io.Out, "  %s %s\n", red.Sprint("✗"), r.Want)
			fmt.Fprintf(a.io.Out, "      saw: %s\n", strings.ReplaceAll(r.Saw, "\n", "\n           "))
			if len(r.Steps) > 0 {
				fmt.Fprintln(a.io.Out, dim.Sprint("      the build's steps:"))
				for _, v := range r.Steps {
					state := "ran"
					if v.Cached {
						state = "CACHED"
					}
					fmt.Fprintln(a.io.Out, dim.Sprintf("        %-7s %s", state, v.Name))
					if why := r.Why[v.Name]; why != "" {
						fmt.Fprintln(a.io.Out, dim.Sprintf("                why: %s", why))
					}
				}
			}
			if r.Line.Hint != "" {
				fmt.Fprintf(a.io.Out, "      hint: %s\n", r.Line.Hint)
			}
		}
		if rep.Failed != "" {
			pass = false
			fmt.Fprintf(a.io.Out, "  %s %s\n", red.Sprint("✗"), rep.Failed)
		}
	}
	fmt.Fprintln(a.io.Out)
	if !pass {
		fmt.Fprintf(a.io.Out, "Not yet. Change the files in %s/ and run `learn check` again; `learn hint` helps.\n", l.ID)
		return false, nil
	}
	if err := a.move(s, func(p *workspace.Progress) error {
		p.MarkDone(l.ID, st.Index)
		return nil
	}); err != nil {
		return false, err
	}
	fmt.Fprintf(a.io.Out, "%s Step %d of %s passed.\n", green.Sprint("✓"), st.Index, l.ID)
	if nl, ns := nextStep(s.pack, l, st); ns != nil {
		fmt.Fprintf(a.io.Out, "Next: `learn next` → %s, step %d: %s\n", nl.ID, ns.Index, ns.Title)
	} else {
		fmt.Fprint(a.io.Out, "That was the last step of the path. Well done!\n\n"+
			"You can build images that cache well and stay small, run them with ports,\n"+
			"environment, volumes and networks, and package a real project as a team\n"+
			"would. `learn list` shows any step left; `learn grade` gives the mark a\n"+
			"course would, and every command you learnt works the same with docker.\n")
	}
	return true, nil
}

// runStepChecks runs a step's check blocks, each on its own private copy
// of dir with a fresh embedded engine.
func (a *app) runStepChecks(ctx context.Context, l *lessons.Lesson, st *lessons.Step, dir string) ([]*checker.Report, error) {
	self, err := self()
	if err != nil {
		return nil, err
	}
	engine, err := a.engineName()
	if err != nil {
		return nil, err
	}
	var reports []*checker.Report
	for _, block := range st.Checks {
		script, err := checker.Parse(l.File, block.Line, block.Text)
		if err != nil {
			return nil, err
		}
		tmp, err := os.MkdirTemp("", "learn-check-")
		if err != nil {
			return nil, err
		}
		work := filepath.Join(tmp, l.ID)
		if err := workspace.CopyFS(work, os.DirFS(dir)); err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("copying %s for the check: %w", l.ID, err)
		}
		if engine == "docker" {
			real, err := realEngine(ctx)
			if err != nil {
				os.RemoveAll(tmp)
				return nil, err
			}
			eng := &dockerCheckEngine{e: real}
			reports = append(reports, checker.Run(ctx, eng, script, work))
			eng.close()
		} else {
			eng := &sandboxEngine{home: filepath.Join(tmp, "engine-state"), self: self}
			reports = append(reports, checker.Run(ctx, eng, script, work))
			eng.close()
		}
		os.RemoveAll(tmp)
	}
	return reports, nil
}

// colors are the check report's styles, plain off a terminal.
func (a *app) colors() (green, red, dim *color.Color) {
	green, red, dim = color.New(color.FgGreen), color.New(color.FgRed), color.New(color.Faint)
	for _, c := range []*color.Color{green, red, dim} {
		if a.io.ColorEnabled() {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return green, red, dim
}

func (a *app) hintCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "hint",
		Short: "Show the next hint for the current step",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			l, st, err := s.current()
			if err != nil {
				return err
			}
			if len(st.Hints) == 0 {
				fmt.Fprintf(a.io.Out, "Step %d of %s has no hints. Read the step again with `learn`.\n", st.Index, l.ID)
				return nil
			}
			key := strconv.Itoa(st.Index)
			shown := 0
			if err := a.move(s, func(p *workspace.Progress) error {
				lp := p.Lesson(l.ID)
				if lp.Hints == nil {
					lp.Hints = map[string]int{}
				}
				shown = min(lp.Hints[key]+1, len(st.Hints))
				lp.Hints[key] = shown
				return nil
			}); err != nil {
				return err
			}
			fmt.Fprintf(a.io.Out, "Hint %d of %d for %s, step %d:\n\n", shown, len(st.Hints), l.ID, st.Index)
			if err := a.renderMarkdown(st.Hints[shown-1].Text); err != nil {
				return err
			}
			if shown == len(st.Hints) {
				fmt.Fprintln(a.io.Out, "\nThat was the last hint for this step.")
			} else {
				fmt.Fprintln(a.io.Out, "\nRun `learn hint` again for another.")
			}
			return nil
		},
	}
}
