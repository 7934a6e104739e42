package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/dockercmd"
	"github.com/layerlab/learn/sandbox/runtime"
	"github.com/layerlab/learn/sandbox/store"
)

// store opens the embedded engine's image store under LEARN_HOME, once.
// Every engine command (images, build, run) goes through it. The container
// runtime opens with it, so rmi knows which containers use an image.
func (a *app) store() (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	home, err := a.learnHome()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(filepath.Join(home, "engine"))
	if err != nil {
		return nil, err
	}
	rt, err := runtime.New(filepath.Join(home, "engine", "containers"), st, a.layers(st), a.toolbox())
	if err != nil {
		return nil, err
	}
	a.st, a.rt = st, rt
	return st, nil
}

// withStore runs a docker command against the store. Its failure is printed
// here exactly as docker prints it (no "learn:" prefix) and ends learn with
// exit code 1, or the code docker would use.
func (a *app) withStore(run func(*store.Store) error) error {
	st, err := a.store()
	if err != nil {
		return err
	}
	if err := run(st); err != nil {
		code := exitFailure
		var de *dockercmd.Error
		if errors.As(err, &de) && de.Code != 0 {
			code = de.Code
		}
		fmt.Fprintln(a.io.ErrOut, err.Error())
		return &exitError{code: code}
	}
	return nil
}

// imageCommands are docker's image commands, both as `learn docker images`
// style top-level commands and under `learn docker image`.
func (a *app) imageCommands() []*cobra.Command {
	image := &cobra.Command{
		Use:   "image",
		Short: "Manage images",
		Args:  cobra.NoArgs,
	}
	ls := a.imagesCmd()
	ls.Use, ls.Aliases = "ls [OPTIONS] [REPOSITORY[:TAG]]", []string{"list"}
	rm := a.rmiCmd()
	rm.Use, rm.Aliases = "rm [OPTIONS] IMAGE [IMAGE...]", []string{"rmi", "remove"}
	image.AddCommand(ls, rm, a.historyCmd(), a.inspectCmd(false), a.tagCmd(), a.saveCmd(), a.loadCmd(), a.importCmd())

	cmds := []*cobra.Command{
		image, a.imagesCmd(), a.historyCmd(), a.inspectCmd(true), a.tagCmd(),
		a.rmiCmd(), a.saveCmd(), a.loadCmd(), a.importCmd(),
	}
	// Argument errors are usage errors (exit 2) here as everywhere in learn.
	for _, c := range append(cmds, image.Commands()...) {
		wrapArgs(c)
	}
	return cmds
}

func (a *app) imagesCmd() *cobra.Command {
	var opts dockercmd.ImagesOptions
	cmd := &cobra.Command{
		Use:   "images [OPTIONS] [REPOSITORY[:TAG]]",
		Short: "List images",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Match = args[0]
			}
			return a.withStore(func(st *store.Store) error { return dockercmd.RunImages(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "Only show image IDs")
	f.BoolVarP(&opts.All, "all", "a", false, "Show all images (default hides intermediate images)")
	f.BoolVar(&opts.NoTrunc, "no-trunc", false, "Don't truncate output")
	f.BoolVar(&opts.Digests, "digests", false, "Show digests")
	f.StringVar(&opts.Format, "format", "", "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')")
	f.VarP(&opts.Filter, "filter", "f", "Filter output based on conditions provided")
	return cmd
}

func (a *app) historyCmd() *cobra.Command {
	var opts dockercmd.HistoryOptions
	cmd := &cobra.Command{
		Use:   "history [OPTIONS] IMAGE",
		Short: "Show the history of an image",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Image = args[0]
			return a.withStore(func(st *store.Store) error { return dockercmd.RunHistory(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.Human, "human", "H", true, "Print sizes and dates in human readable format")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "Only show image IDs")
	f.BoolVar(&opts.NoTrunc, "no-trunc", false, "Don't truncate output")
	f.StringVar(&opts.Format, "format", "", "Format output using a custom template ('table', 'table TEMPLATE', 'json', 'TEMPLATE')")
	return cmd
}

// inspectCmd is `docker inspect` (object true: any object, --type) or
// `docker image inspect`.
func (a *app) inspectCmd(object bool) *cobra.Command {
	opts := dockercmd.InspectOptions{Object: object}
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] IMAGE [IMAGE...]",
		Short: "Display detailed information on one or more images",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Names = args
			if object {
				rt, err := a.runtime()
				if err != nil {
					return err
				}
				opts.Containers = dockercmd.ContainerFinder(rt)
				opts.Others = dockercmd.ObjectFinder(rt)
			}
			return a.withStore(func(st *store.Store) error { return dockercmd.RunInspect(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "", "Format output using a custom template ('json' or a Go template)")
	if object {
		cmd.Use, cmd.Short = "inspect [OPTIONS] NAME|ID [NAME|ID...]", "Return low-level information on Docker objects"
		f.StringVar(&opts.Type, "type", "", "Only inspect objects of the given type")
		var size bool
		f.BoolVarP(&size, "size", "s", false, "Display total file sizes if the type is container")
	}
	return cmd
}

func (a *app) tagCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
		Short: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := dockercmd.TagOptions{Source: args[0], Target: args[1]}
			return a.withStore(func(st *store.Store) error { return dockercmd.RunTag(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func (a *app) rmiCmd() *cobra.Command {
	var opts dockercmd.RmiOptions
	cmd := &cobra.Command{
		Use:   "rmi [OPTIONS] IMAGE [IMAGE...]",
		Short: "Remove one or more images",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Images = args
			return a.withStore(func(st *store.Store) error { return dockercmd.RunRmi(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "Force removal of the image")
	var noPrune bool
	cmd.Flags().BoolVar(&noPrune, "no-prune", false, "Do not delete untagged parents")
	return cmd
}

func (a *app) saveCmd() *cobra.Command {
	var opts dockercmd.SaveOptions
	cmd := &cobra.Command{
		Use:   "save [OPTIONS] IMAGE [IMAGE...]",
		Short: "Save one or more images to a tar archive (streamed to STDOUT by default)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Images = args
			return a.withStore(func(st *store.Store) error { return dockercmd.RunSave(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "Write to a file, instead of STDOUT")
	return cmd
}

func (a *app) loadCmd() *cobra.Command {
	var opts dockercmd.LoadOptions
	cmd := &cobra.Command{
		Use:   "load [OPTIONS]",
		Short: "Load an image from a tar archive or STDIN",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withStore(func(st *store.Store) error { return dockercmd.RunLoad(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	cmd.Flags().StringVarP(&opts.Input, "input", "i", "", "Read from tar archive file, instead of STDIN")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "Suppress the load output")
	return cmd
}

func (a *app) importCmd() *cobra.Command {
	var opts dockercmd.ImportOptions
	cmd := &cobra.Command{
		Use:   "import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
		Short: "Import the contents from a tarball to create a filesystem image",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Source = args[0]
			if len(args) > 1 {
				opts.Reference = args[1]
			}
			return a.withStore(func(st *store.Store) error { return dockercmd.RunImport(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	cmd.Flags().StringArrayVarP(&opts.Changes, "change", "c", nil, "Apply Dockerfile instruction to the created image")
	cmd.Flags().StringVarP(&opts.Message, "message", "m", "", "Set commit message for imported image")
	return cmd
}
