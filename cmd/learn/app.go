package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/lessons"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/runtime"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/workspace"
)

// app is what every command shares: the streams, the global flags, and the
// lesson pack and workspace, loaded on first use.
type app struct {
	io *iostreams.IOStreams

	lessonsDir string // --lessons, else LEARN_LESSONS, else the workspace's pack
	engine     string // --engine, else LEARN_ENGINE

	getwd  func() (string, error)
	getenv func(string) string

	pack   *lessons.Pack
	ws     *workspace.Workspace
	loader *rootfs.Loader // layers parsed once per process
	st     *store.Store
	rt     *runtime.Runtime
}

func newApp(io *iostreams.IOStreams) *app {
	return &app{io: io, getwd: os.Getwd, getenv: os.Getenv}
}

// run executes learn with args and returns the exit code; errors are printed
// here, once, as a single line.
func run(args []string, io *iostreams.IOStreams) int {
	if rest, ok := dockerPassthrough(args, os.Getenv); ok {
		// --engine docker: `learn docker ...` is the real docker client.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		e, err := realEngine(ctx)
		if err != nil {
			fmt.Fprintln(io.ErrOut, "learn: "+err.Error())
			return exitFailure
		}
		code, err := e.Passthrough(ctx, rest, io.In, io.Out, io.ErrOut)
		if err != nil {
			fmt.Fprintln(io.ErrOut, "learn: "+err.Error())
			return exitFailure
		}
		return code
	}
	a := newApp(io)
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	// Ctrl-C cancels the command's context: a running container or build
	// ends cleanly and its state is recorded.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) || ee.msg != "" {
		fmt.Fprintln(io.ErrOut, "learn: "+oneLine(err.Error()))
	}
	return exitCode(err)
}

func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "learn",
		Short: "An interactive Docker playground for the terminal",
		Long: "learn teaches Docker step by step in your terminal: lessons, real files you edit,\n" +
			"an embedded Docker sandbox that needs no daemon, and checks that explain what went wrong.",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          func(cmd *cobra.Command, _ []string) error { return a.runHome() },
	}
	root.PersistentFlags().StringVar(&a.lessonsDir, "lessons", "", "use the lesson pack in `DIR` (env LEARN_LESSONS)")
	root.PersistentFlags().StringVar(&a.engine, "engine", "", "`ENGINE` for docker commands and checks: embedded or docker (env LEARN_ENGINE)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{msg: err.Error()} })
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		_, err := a.engineName()
		return err
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		a.initCmd(), a.listCmd(), a.showCmd(), a.nextCmd(), a.prevCmd(),
		a.progressCmd(), a.resetCmd(), a.checkCmd(), a.hintCmd(), a.solutionCmd(), a.gradeCmd(), a.lintCmd(), a.devCmd(), a.dockerCmd(), a.shimCmd(),
	)
	// Unknown subcommands and bad arguments are usage errors (exit 2).
	for _, c := range append(root.Commands(), root) {
		wrapArgs(c)
	}
	return root
}

// wrapArgs turns cobra's argument validation failures into usage errors.
func wrapArgs(c *cobra.Command) {
	if c.Args == nil {
		return
	}
	inner := c.Args
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := inner(cmd, args); err != nil {
			if cmd.HasSubCommands() && len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return &usageError{msg: err.Error()}
		}
		return nil
	}
}

// Pack loads the lesson pack once: --lessons, LEARN_LESSONS, the pack the
// workspace was made from, or the embedded one.
func (a *app) Pack() (*lessons.Pack, error) {
	if a.pack != nil {
		return a.pack, nil
	}
	dir := a.lessonsDir
	if dir == "" {
		dir = a.getenv("LEARN_LESSONS")
	}
	if dir == "" {
		if ws, err := a.Workspace(); err == nil {
			if p, err := ws.Peek(); err == nil && p.Pack != "" && p.Pack != "embedded" {
				dir = p.Pack
			}
		}
	}
	var err error
	if dir == "" {
		a.pack, err = lessons.Embedded()
	} else {
		a.pack, err = lessons.LoadDir(dir)
	}
	return a.pack, err
}

// packSource is what a new workspace records as its pack.
func (a *app) packSource() (string, error) {
	p, err := a.Pack()
	if err != nil {
		return "", err
	}
	if p.Source == "embedded" {
		return "embedded", nil
	}
	return filepath.Abs(p.Source)
}

// Workspace finds the workspace around the working directory.
func (a *app) Workspace() (*workspace.Workspace, error) {
	if a.ws != nil {
		return a.ws, nil
	}
	wd, err := a.getwd()
	if err != nil {
		return nil, err
	}
	ws, err := workspace.Find(wd)
	if err != nil {
		return nil, err
	}
	a.ws = ws
	return ws, nil
}

// requireWorkspace is Workspace with the error a learner can act on.
func (a *app) requireWorkspace() (*workspace.Workspace, error) {
	ws, err := a.Workspace()
	if errors.Is(err, workspace.ErrNotWorkspace) {
		return nil, errors.New("not in a learn workspace; run `learn init` to create one, or cd into it")
	}
	return ws, err
}

// dockerPassthrough finds `[global flags] docker ARGS` with the docker
// engine chosen (--engine docker, or LEARN_ENGINE=docker) and returns ARGS.
func dockerPassthrough(args []string, getenv func(string) string) ([]string, bool) {
	engine := getenv("LEARN_ENGINE")
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--engine" && i+1 < len(args):
			engine = args[i+1]
			i++
		case strings.HasPrefix(a, "--engine="):
			engine = strings.TrimPrefix(a, "--engine=")
		case a == "--lessons" && i+1 < len(args):
			i++
		case strings.HasPrefix(a, "--lessons="):
		case a == "docker":
			return args[i+1:], engine == "docker"
		default:
			return nil, false
		}
	}
	return nil, false
}
