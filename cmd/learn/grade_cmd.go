package main

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/checker"
	"github.com/layerlab/learn/lessons"
	"github.com/layerlab/learn/workspace"
)

type gradeOptions struct {
	lessons []string
	format  string
}

// gradeCmd grades a workspace (or one lesson's folder) without changing
// any progress: for CI, GitHub Classroom, GitLab and Jenkins.
func (a *app) gradeCmd() *cobra.Command {
	var o gradeOptions
	cmd := &cobra.Command{
		Use:   "grade [--lesson L]... [--format text|json|junit|github] [DIR]",
		Short: "Grade a workspace or a lesson folder non-interactively (exit 0 only if everything passes)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			switch o.format {
			case "text", "json", "junit", "github":
			default:
				return usagef("invalid format %q: use text, json, junit or github", o.format)
			}
			pack, err := a.Pack()
			if err != nil {
				return err
			}
			targets, err := gradeTargets(pack, dir, o.lessons)
			if err != nil {
				return err
			}
			g := &checker.Grade{}
			for _, t := range targets {
				for _, st := range t.lesson.Steps {
					if len(st.Checks) == 0 {
						continue
					}
					reports, err := a.runStepChecks(cmd.Context(), t.lesson, st, t.dir)
					if err != nil {
						return err
					}
					for _, rep := range reports {
						g.Add(t.lesson.ID, st.Index, rep)
					}
				}
			}
			if err := a.writeGrade(g, o.format); err != nil {
				return err
			}
			if !g.Passed() {
				return &exitError{code: exitFailure}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&o.lessons, "lesson", nil, "grade this lesson (repeatable; default: every lesson with a folder in DIR)")
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text, json (GitHub Classroom results), junit, github (for the classroom reporter)")
	return cmd
}

type gradeTarget struct {
	lesson *lessons.Lesson
	dir    string
}

// gradeTargets finds what to grade: a workspace's lesson folders, or DIR
// itself as the folder of the one --lesson given.
func gradeTargets(pack *lessons.Pack, dir string, names []string) ([]gradeTarget, error) {
	var ls []*lessons.Lesson
	for _, n := range names {
		l, err := pack.Lesson(n)
		if err != nil {
			return nil, &usageError{msg: err.Error()}
		}
		ls = append(ls, l)
	}
	if _, err := os.Stat(filepath.Join(dir, workspace.StateDir)); err != nil {
		// Not a workspace: DIR is one lesson's folder (a student repository).
		if len(ls) != 1 {
			return nil, usagef("%s is not a learn workspace: name the lesson its folder holds with --lesson", dir)
		}
		return []gradeTarget{{ls[0], dir}}, nil
	}
	if len(ls) == 0 {
		for _, l := range pack.Lessons {
			if fi, err := os.Stat(filepath.Join(dir, l.ID)); err == nil && fi.IsDir() {
				ls = append(ls, l)
			}
		}
	}
	var out []gradeTarget
	for _, l := range ls {
		out = append(out, gradeTarget{l, filepath.Join(dir, l.ID)})
	}
	return out, nil
}

func (a *app) writeGrade(g *checker.Grade, format string) error {
	switch format {
	case "json":
		return g.WriteJSON(a.io.Out)
	case "junit":
		return g.WriteJUnit(a.io.Out)
	case "github":
		// The classroom reporter reads the step's output named result.
		if name := a.getenv("GITHUB_OUTPUT"); name != "" {
			f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return err
			}
			defer f.Close()
			return g.WriteGitHub(f)
		}
		return g.WriteGitHub(a.io.Out)
	}
	return g.WriteText(a.io.Out)
}

// solutionCmd shows a lesson's reference solution once the lesson is done,
// or with --force (recorded in progress).
func (a *app) solutionCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "solution LESSON [--force]",
		Short: "Show a lesson's reference solution (after you finish it, or with --force)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, l, err := a.sessionLesson(args[0])
			if err != nil {
				return err
			}
			if lessonStatus(s.prog, l) != "done" && !force {
				return fmt.Errorf("finish %s first (learn check), or see the solution now with --force (your progress will say so)", l.ID)
			}
			if err := a.move(s, func(p *workspace.Progress) error {
				p.Lesson(l.ID).SolutionSeen = true
				return nil
			}); err != nil {
				return err
			}
			var b strings.Builder
			fmt.Fprintf(&b, "# Solution: %s\n\n", l.Title)
			n, files := 0, 0
			err = fs.WalkDir(l.Solution, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				files++
				data, err := fs.ReadFile(l.Solution, p)
				if err != nil {
					return err
				}
				if mine, err := os.ReadFile(filepath.Join(s.ws.LessonDir(l.ID), filepath.FromSlash(p))); err == nil && string(mine) == string(data) {
					return nil // the learner's file is the same: nothing to show
				}
				n++
				fmt.Fprintf(&b, "## %s\n\n```%s\n%s\n```\n\n", p, fenceLang(p), strings.TrimRight(string(data), "\n"))
				return nil
			})
			if err != nil {
				return err
			}
			switch {
			case files == 0:
				b.WriteString(l.ID + " ships no reference solution.\n")
			case n == 0:
				b.WriteString("Your files are the same as the solution's.\n")
			}
			return a.renderMarkdown(b.String())
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "show it before finishing the lesson")
	return cmd
}

func fenceLang(p string) string {
	switch {
	case path.Base(p) == "Dockerfile" || strings.HasSuffix(p, ".Dockerfile"):
		return "dockerfile"
	case strings.HasSuffix(p, ".sh"):
		return "sh"
	case strings.HasSuffix(p, ".py"):
		return "python"
	}
	return ""
}
