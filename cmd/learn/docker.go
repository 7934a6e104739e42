package main

import (
	"github.com/spf13/cobra"
)

// dockerCmd is the sandbox's docker: the same subcommands, flags and output
// shapes as docker, run by the embedded engine.
func (a *app) dockerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "docker",
		Short: "Run docker commands in the embedded sandbox (no Docker engine needed)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(a.buildCmd(), a.builderCmd())
	cmd.AddCommand(a.pullCmd())
	cmd.AddCommand(a.imageCommands()...)
	cmd.AddCommand(a.containerCommands()...)
	return cmd
}
