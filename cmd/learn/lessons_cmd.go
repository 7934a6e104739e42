package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fatih/color"
	"github.com/spf13/cobra"

	"github.com/layerlab/learn/lessons"
	"github.com/layerlab/learn/markdown"
	"github.com/layerlab/learn/workspace"
)

// session is a workspace with its progress and pack, as the lesson
// commands need them.
type session struct {
	ws   *workspace.Workspace
	pack *lessons.Pack
	prog *workspace.Progress
}

func (a *app) firstPosition() (workspace.Position, error) {
	p, err := a.Pack()
	if err != nil {
		return workspace.Position{}, err
	}
	if len(p.Lessons) == 0 {
		return workspace.Position{}, errors.New("the lesson pack has no lessons")
	}
	return workspace.Position{Lesson: p.Lessons[0].ID, Step: 1}, nil
}

// session opens the workspace and reads its progress, repairing a position
// that no longer exists in the pack (a teacher edited it).
func (a *app) session() (*session, error) {
	ws, err := a.requireWorkspace()
	if err != nil {
		return nil, err
	}
	pack, err := a.Pack()
	if err != nil {
		return nil, err
	}
	first, err := a.firstPosition()
	if err != nil {
		return nil, err
	}
	src, err := a.packSource()
	if err != nil {
		return nil, err
	}
	prog, err := ws.Progress(first, src)
	if err != nil {
		return nil, err
	}
	a.warnOnce(ws)
	s := &session{ws: ws, pack: pack, prog: prog}
	if _, _, err := s.current(); err != nil {
		fmt.Fprintf(a.io.ErrOut, "learn: %v; back to the first lesson\n", err)
		s.prog.Current = first
	}
	return s, nil
}

func (a *app) warnOnce(ws *workspace.Workspace) {
	if ws.Warning != "" {
		fmt.Fprintln(a.io.ErrOut, "learn: warning: "+ws.Warning)
		ws.Warning = ""
	}
}

// sessionLesson opens the workspace and finds a lesson by any of its names
// (an unknown one is a usage error).
func (a *app) sessionLesson(name string) (*session, *lessons.Lesson, error) {
	s, err := a.session()
	if err != nil {
		return nil, nil, err
	}
	l, err := s.pack.Lesson(name)
	if err != nil {
		return nil, nil, &usageError{msg: err.Error()}
	}
	return s, l, nil
}

func (s *session) current() (*lessons.Lesson, *lessons.Step, error) {
	l, err := s.pack.Lesson(s.prog.Current.Lesson)
	if err != nil {
		return nil, nil, fmt.Errorf("the saved position %q is not in this lesson pack", s.prog.Current.Lesson)
	}
	n := s.prog.Current.Step
	if n < 1 || n > len(l.Steps) {
		return nil, nil, fmt.Errorf("the saved position %s step %d is out of range", l.ID, n)
	}
	return l, l.Steps[n-1], nil
}

// move changes the current position under the workspace lock.
func (a *app) move(s *session, change func(p *workspace.Progress) error) error {
	first, err := a.firstPosition()
	if err != nil {
		return err
	}
	src, err := a.packSource()
	if err != nil {
		return err
	}
	prog, err := s.ws.Update(first, src, change)
	if err != nil {
		return err
	}
	s.prog = prog
	return nil
}

func (a *app) runHome() error {
	if _, err := a.Workspace(); errors.Is(err, workspace.ErrNotWorkspace) {
		return a.welcome()
	} else if err != nil {
		return err
	}
	s, err := a.session()
	if err != nil {
		return err
	}
	l, st, err := s.current()
	if err != nil {
		return err
	}
	return a.renderStep(s, l, st)
}

func (a *app) welcome() error {
	pack, err := a.Pack()
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# Welcome to learn\n\n")
	b.WriteString("An interactive Docker playground: short lessons, real files you edit, and an embedded Docker sandbox that checks your work. No Docker engine needed.\n\n")
	b.WriteString("## The lessons\n\n")
	for _, l := range pack.Lessons {
		fmt.Fprintf(&b, "%d. **%s** — %s\n", lessonNumber(l.ID), l.Title, l.Summary)
	}
	b.WriteString("\n## Start\n\n```sh\nlearn init           # creates ./docker-lessons with a folder per lesson\ncd docker-lessons\nlearn                # shows where you are\n```\n\n")
	b.WriteString("Read any lesson without a workspace: `learn show 01`. All commands: `learn --help`.\n")
	return a.renderMarkdown(b.String())
}

func lessonNumber(id string) int {
	n, _ := strconv.Atoi(strings.SplitN(id, "-", 2)[0])
	return n
}

func (a *app) renderMarkdown(src string) error {
	return markdown.Render(a.io.Out, []byte(src), markdown.Options{Width: a.io.Width(), Color: a.io.ColorEnabled()})
}

// stepMarkdown is the Markdown a learner reads for one step: the lesson's
// title, its introduction on the first step, then the step.
func stepMarkdown(l *lessons.Lesson, st *lessons.Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", l.Title)
	if st.Index == 1 && strings.TrimSpace(l.Intro) != "" {
		b.WriteString(strings.TrimSpace(l.Intro))
		b.WriteString("\n\n")
	}
	if st.Index == 1 && len(l.Prerequisites) > 0 {
		fmt.Fprintf(&b, "*Builds on:* %s.\n\n", strings.Join(l.Prerequisites, ", "))
	}
	fmt.Fprintf(&b, "## Step %d of %d: %s\n\n", st.Index, len(l.Steps), st.Title)
	b.WriteString(strings.TrimSpace(st.Body))
	b.WriteString("\n")
	// The last step says what the lesson was for.
	if st.Index == len(l.Steps) && len(l.Outcomes) > 0 {
		b.WriteString("\n**After this lesson you can:**\n\n")
		for _, o := range l.Outcomes {
			fmt.Fprintf(&b, "- %s\n", o)
		}
	}
	return b.String()
}

// renderStep shows one step with a one-line header and a footer that says
// what to do next. s may be nil outside a workspace.
func (a *app) renderStep(s *session, l *lessons.Lesson, st *lessons.Step) error {
	dim := color.New(color.Faint)
	if a.io.ColorEnabled() {
		dim.EnableColor()
	} else {
		dim.DisableColor()
	}
	fmt.Fprintln(a.io.Out, dim.Sprintf("%s · step %d/%d", l.ID, st.Index, len(l.Steps)))
	fmt.Fprintln(a.io.Out)
	if err := a.renderMarkdown(stepMarkdown(l, st)); err != nil {
		return err
	}
	fmt.Fprintln(a.io.Out)
	var footer []string
	if len(st.Checks) > 0 {
		if s != nil && s.prog.StepDone(l.ID, st.Index) {
			footer = append(footer, "✓ You passed this step's checks.")
		} else {
			footer = append(footer, "This step is checked: edit the files in "+l.ID+"/, then run `learn check`. Stuck? `learn hint`.")
		}
	}
	if s != nil {
		if nl, ns := nextStep(s.pack, l, st); ns != nil {
			if nl == l {
				footer = append(footer, fmt.Sprintf("Next: `learn next` → step %d, %s", ns.Index, ns.Title))
			} else {
				footer = append(footer, fmt.Sprintf("Next: `learn next` → %s", nl.Title))
			}
		} else {
			footer = append(footer, "This is the last step of the path.")
		}
	}
	// The footer is Markdown too, so `commands` look the same as in the
	// lesson text.
	return a.renderMarkdown(strings.Join(footer, "\n\n") + "\n")
}

func (a *app) showCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "show LESSON[/STEP]",
		Short:   "Show one step of a lesson (by default its first)",
		Example: "  learn show 04\n  learn show 04-layer-caching/2\n  learn show layer-caching/3",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pack, err := a.Pack()
			if err != nil {
				return err
			}
			l, st, err := resolveStep(pack, args[0])
			if err != nil {
				return err
			}
			var s *session
			if _, werr := a.Workspace(); werr == nil {
				if s, err = a.session(); err != nil {
					return err
				}
			}
			return a.renderStep(s, l, st)
		},
	}
}

// resolveStep parses LESSON[/STEP]: unknown lessons and steps out of range
// are usage errors.
func resolveStep(pack *lessons.Pack, arg string) (*lessons.Lesson, *lessons.Step, error) {
	name, stepText, hasStep := strings.Cut(arg, "/")
	l, err := pack.Lesson(name)
	if err != nil {
		return nil, nil, &usageError{msg: err.Error()}
	}
	n := 1
	if hasStep {
		n, err = strconv.Atoi(stepText)
		if err != nil {
			return nil, nil, usagef("%q is not a step number (use LESSON/STEP, e.g. %s/2)", stepText, l.ID)
		}
	}
	if n < 1 || n > len(l.Steps) {
		return nil, nil, usagef("step %d is out of range: %s has steps 1 to %d", n, l.ID, len(l.Steps))
	}
	return l, l.Steps[n-1], nil
}

func (a *app) nextCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "next",
		Short: "Move to the next step and show it",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.step(+1) },
	}
}

func (a *app) prevCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "prev",
		Short: "Move back to the previous step and show it",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.step(-1) },
	}
}

// step moves one step forward or back. Moving past a step that has no
// checks marks it read; moving past an unchecked exercise is allowed but
// the learner is told.
func (a *app) step(dir int) error {
	s, err := a.session()
	if err != nil {
		return err
	}
	var notice string
	var l *lessons.Lesson
	var st *lessons.Step
	err = a.move(s, func(p *workspace.Progress) error {
		s.prog = p
		cl, cs, err := s.current()
		if err != nil {
			first, _ := a.firstPosition()
			p.Current = first
			if cl, cs, err = s.current(); err != nil {
				return err
			}
		}
		var nl *lessons.Lesson
		var ns *lessons.Step
		if dir > 0 {
			nl, ns = nextStep(s.pack, cl, cs)
			if ns == nil {
				return errors.New("you are at the last step of the last lesson; well done! `learn list` shows the whole path")
			}
			if len(cs.Checks) == 0 {
				p.MarkDone(cl.ID, cs.Index)
			} else if !p.StepDone(cl.ID, cs.Index) {
				notice = fmt.Sprintf("Moving on, but %s step %d has checks you have not passed yet (`learn check %s`).", cl.ID, cs.Index, cl.ID)
			}
		} else {
			nl, ns = prevStep(s.pack, cl, cs)
			if ns == nil {
				return errors.New("you are at the first step of the first lesson")
			}
		}
		p.Current = workspace.Position{Lesson: nl.ID, Step: ns.Index}
		l, st = nl, ns
		return nil
	})
	if err != nil {
		return err
	}
	if notice != "" {
		fmt.Fprintln(a.io.ErrOut, notice)
	}
	return a.renderStep(s, l, st)
}

// lessonStatus is how far a learner is in one lesson.
func lessonStatus(p *workspace.Progress, l *lessons.Lesson) string {
	done := 0
	if p != nil {
		done = p.DoneCount(l.ID)
	}
	switch {
	case done >= len(l.Steps):
		return "done"
	case done > 0 || p != nil && p.Current.Lesson == l.ID && p.Current.Step > 1:
		return "in progress"
	default:
		return "not started"
	}
}

type listedLesson struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Summary  string   `json:"summary"`
	Status   string   `json:"status"`
	Steps    int      `json:"steps"`
	Done     int      `json:"done"`
	Current  bool     `json:"current"`
	Requires []string `json:"prerequisites"`
}

func (a *app) listCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the lessons and your progress in each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pack, err := a.Pack()
			if err != nil {
				return err
			}
			var prog *workspace.Progress
			if _, werr := a.Workspace(); werr == nil {
				s, err := a.session()
				if err != nil {
					return err
				}
				prog = s.prog
			}
			rows := make([]listedLesson, 0, len(pack.Lessons))
			for _, l := range pack.Lessons {
				r := listedLesson{ID: l.ID, Title: l.Title, Summary: l.Summary, Status: lessonStatus(prog, l), Steps: len(l.Steps), Requires: l.Prerequisites}
				if r.Requires == nil {
					r.Requires = []string{}
				}
				if prog != nil {
					r.Done = prog.DoneCount(l.ID)
					r.Current = prog.Current.Lesson == l.ID
				}
				rows = append(rows, r)
			}
			if asJSON {
				enc := json.NewEncoder(a.io.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"lessons": rows})
			}
			tw := tabwriter.NewWriter(a.io.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "  LESSON\tTITLE\tSTATUS\tSTEPS")
			for _, r := range rows {
				mark := " "
				if r.Current {
					mark = ">"
				}
				fmt.Fprintf(tw, "%s %s\t%s\t%s\t%d/%d\n", mark, r.ID, r.Title, r.Status, r.Done, r.Steps)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if prog == nil {
				fmt.Fprintln(a.io.Out, "\nStart with `learn init`, or read one with `learn show 01`.")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	return cmd
}

func (a *app) progressCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "progress",
		Short: "Summarise your progress through the lessons",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			total, done, lessonsDone := 0, 0, 0
			for _, l := range s.pack.Lessons {
				total += len(l.Steps)
				d := min(s.prog.DoneCount(l.ID), len(l.Steps))
				done += d
				if d == len(l.Steps) {
					lessonsDone++
				}
			}
			const barWidth = 30
			filled := 0
			if total > 0 {
				filled = done * barWidth / total
			}
			fmt.Fprintf(a.io.Out, "[%s%s] %d/%d steps, %d/%d lessons done\n",
				strings.Repeat("#", filled), strings.Repeat("-", barWidth-filled), done, total, lessonsDone, len(s.pack.Lessons))
			if l, st, err := s.current(); err == nil {
				fmt.Fprintf(a.io.Out, "Current: %s, step %d of %d: %s\n", l.ID, st.Index, len(l.Steps), st.Title)
			}
			fmt.Fprintln(a.io.Out)
			tw := tabwriter.NewWriter(a.io.Out, 0, 0, 2, ' ', 0)
			for _, l := range s.pack.Lessons {
				fmt.Fprintf(tw, "  %s\t%s\t%d/%d\n", l.ID, lessonStatus(s.prog, l), min(s.prog.DoneCount(l.ID), len(l.Steps)), len(l.Steps))
			}
			return tw.Flush()
		},
	}
}

func (a *app) resetCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "reset LESSON",
		Short: "Restore a lesson's starter files (your version is kept as a backup)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, l, err := a.sessionLesson(args[0])
			if err != nil {
				return err
			}
			if !yes {
				if !a.io.IsStdinTTY() {
					return usagef("reset replaces the files in %s/; pass --yes to confirm when not at a terminal", l.ID)
				}
				fmt.Fprintf(a.io.Out, "Reset %s to its starter files? Your current files are kept in %s/backups/. [y/N] ", l.ID, workspace.StateDir)
				answer, _ := bufio.NewReader(a.io.In).ReadString('\n')
				if ans := strings.ToLower(strings.TrimSpace(answer)); ans != "y" && ans != "yes" {
					fmt.Fprintln(a.io.Out, "Nothing changed.")
					return nil
				}
			}
			backup, err := s.ws.Reset(workspace.Lesson{ID: l.ID, Files: l.Files}, time.Now())
			if err != nil {
				return err
			}
			if err := a.move(s, func(p *workspace.Progress) error {
				if lp := p.Lessons[l.ID]; lp != nil {
					lp.Done = nil
				}
				return nil
			}); err != nil {
				return err
			}
			fmt.Fprintf(a.io.Out, "Restored the starter files of %s.\n", l.ID)
			if backup != "" {
				if rel, err := filepath.Rel(s.ws.Root, backup); err == nil {
					backup = rel
				}
				fmt.Fprintf(a.io.Out, "Your previous files are in %s\n", backup)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func (a *app) initCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a workspace with a folder for each lesson (default ./docker-lessons)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "docker-lessons"
			if len(args) == 1 {
				dir = args[0]
			}
			pack, err := a.Pack()
			if err != nil {
				return err
			}
			src, err := a.packSource()
			if err != nil {
				return err
			}
			ls := make([]workspace.Lesson, 0, len(pack.Lessons))
			for _, l := range pack.Lessons {
				ls = append(ls, workspace.Lesson{ID: l.ID, Files: l.Files})
			}
			if _, err := workspace.Create(dir, src, ls); err != nil {
				return err
			}
			var b bytes.Buffer
			fmt.Fprintf(&b, "Created a workspace in %s with %d lessons.\n\n", dir, len(pack.Lessons))
			fmt.Fprintf(&b, "Next:\n  cd %s\n  learn\n", dir)
			_, err = a.io.Out.Write(b.Bytes())
			return err
		},
	}
}
