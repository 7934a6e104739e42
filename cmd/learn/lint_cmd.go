package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/checker"
)

// lintCmd lists what a Dockerfile could do better: BuildKit's rules and
// the teaching rules, each with why and how to fix it.
func (a *app) lintCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "lint [DIR|DOCKERFILE]",
		Short: "Check a Dockerfile against best practices (exit 1 when something is found)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := "Dockerfile"
			if len(args) == 1 {
				name = args[0]
				if fi, err := os.Stat(name); err == nil && fi.IsDir() {
					name = filepath.Join(name, "Dockerfile")
				}
			}
			src, err := os.ReadFile(name)
			if err != nil {
				return fmt.Errorf("no Dockerfile to check: %v", err)
			}
			findings, err := checker.Lint(src)
			if err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
			if len(findings) == 0 {
				fmt.Fprintf(a.io.Out, "%s: nothing to improve.\n", name)
				return nil
			}
			_, red, dim := a.colors()
			for _, f := range findings {
				fmt.Fprintf(a.io.Out, "%s:%d %s %s\n", name, f.Line, red.Sprint(f.Rule), f.Why)
				fmt.Fprintln(a.io.Out, dim.Sprint("    fix: "+f.Fix))
			}
			return &exitError{code: exitFailure}
		},
	}
}
