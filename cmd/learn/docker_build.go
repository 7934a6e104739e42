package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/dockercmd"
	"github.com/layerlab/learn/sandbox/build"
	"github.com/layerlab/learn/sandbox/contenthash"
	"github.com/layerlab/learn/sandbox/images"
	"github.com/layerlab/learn/sandbox/progress"
	"github.com/layerlab/learn/sandbox/store"
)

type buildOptions struct {
	tags          []string
	file          string
	buildArgs     []string
	target        string
	noCache       bool
	noCacheFilter []string
	progress      string
	quiet         bool
}

func (a *app) buildCmd() *cobra.Command {
	var o buildOptions
	cmd := &cobra.Command{
		Use:   "build [OPTIONS] PATH",
		Short: "Build an image from a Dockerfile",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("\"docker build\" requires exactly 1 argument (the build context, e.g. `.`)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return a.runBuild(cmd.Context(), o, args[0]) },
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.tags, "tag", "t", nil, "name and optionally a tag (`name:tag`)")
	f.StringVarP(&o.file, "file", "f", "", "name of the Dockerfile (default: PATH/Dockerfile)")
	f.StringArrayVar(&o.buildArgs, "build-arg", nil, "set build-time variables (`KEY=VALUE`)")
	f.StringVar(&o.target, "target", "", "set the target build stage to build")
	f.BoolVar(&o.noCache, "no-cache", false, "do not use cache when building the image")
	f.StringSliceVar(&o.noCacheFilter, "no-cache-filter", nil, "do not cache specified stages")
	f.StringVar(&o.progress, "progress", "auto", "set type of progress output (auto, plain, tty, quiet)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "suppress the build output and print image ID on success")
	return cmd
}

func (a *app) runBuild(ctx context.Context, o buildOptions, dir string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	for _, t := range o.tags {
		if _, err := build.NormalizeTag(t); err != nil {
			return usagef("invalid argument %q for \"-t, --tag\" flag: %v", t, strings.TrimPrefix(err.Error(), fmt.Sprintf("invalid tag %q: ", t)))
		}
	}
	args := map[string]string{}
	for _, kv := range o.buildArgs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			// docker takes a bare KEY from the environment, if set.
			val, set := os.LookupEnv(k)
			if !set {
				continue
			}
			v = val
		}
		args[k] = v
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("unable to prepare context: path %q not found", dir)
	}
	dockerfile := o.file
	if dockerfile != "" && !filepath.IsAbs(dockerfile) {
		// -f is relative to the working directory, as in docker.
		if abs, err := filepath.Abs(dockerfile); err == nil {
			dockerfile = abs
		}
	}
	st, err := a.store()
	if err != nil {
		return err
	}
	home, err := a.learnHome()
	if err != nil {
		return err
	}
	cachePath := filepath.Join(home, "engine", "contenthash.cache")
	hashCache, err := contenthash.LoadCache(cachePath)
	if err != nil {
		// A damaged hash cache only costs time: start a fresh one.
		hashCache = contenthash.NewCache()
	}

	var pw progress.Writer
	mode := o.progress
	if o.quiet {
		mode = "quiet"
	}
	switch mode {
	case "auto":
		if a.io.IsStdoutTTY() {
			pw = progress.NewTTY(a.io.ErrOut, a.io.ColorEnabled(), a.io.Width())
		} else {
			pw = progress.NewPlain(a.io.ErrOut)
		}
	case "plain":
		pw = progress.NewPlain(a.io.ErrOut)
	case "tty":
		pw = progress.NewTTY(a.io.ErrOut, a.io.ColorEnabled(), a.io.Width())
	case "quiet":
		pw = progress.NewQuiet()
	default:
		return usagef("invalid progress mode %q: use auto, plain, tty or quiet", o.progress)
	}
	res, err := build.Build(ctx, build.Options{
		ContextDir: dir, Dockerfile: dockerfile, Tags: o.tags, BuildArgs: args,
		Target: o.target, NoCache: o.noCache, NoCacheFilter: o.noCacheFilter,
		Store: st, Tools: a.toolbox(), Layers: a.layers(st), Progress: pw, HashCache: hashCache,
		ResolveImage: images.Resolver(st),
	})
	// The hash cache only saves time; failing to keep it is not an error.
	_ = hashCache.Save(cachePath)
	if err != nil {
		var be *build.Error
		if errors.As(err, &be) {
			fmt.Fprint(a.io.ErrOut, be.Report())
			return &exitError{code: exitFailure}
		}
		return err
	}
	if len(res.Warnings) > 0 && mode != "quiet" {
		fmt.Fprintf(a.io.ErrOut, "\n %d warning(s) found:\n", len(res.Warnings))
		for _, w := range res.Warnings {
			fmt.Fprintf(a.io.ErrOut, " - %s: %s (line %d)\n", w.Rule, w.Message, w.Line)
		}
	}
	if mode == "quiet" {
		fmt.Fprintln(a.io.Out, res.ImageID.String())
	}
	return nil
}

func (a *app) builderCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "builder", Short: "Manage the build cache", Args: cobra.NoArgs}
	var o dockercmd.BuilderPruneOptions
	prune := &cobra.Command{
		Use:   "prune [OPTIONS]",
		Short: "Remove build cache",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(st *store.Store) error { return dockercmd.RunBuilderPrune(a.io, st, o) })
		},
	}
	prune.Flags().BoolVarP(&o.All, "all", "a", false, "remove all unused build cache, not just dangling ones")
	prune.Flags().BoolVarP(&o.Force, "force", "f", false, "do not prompt for confirmation")
	cmd.AddCommand(prune)
	return cmd
}
