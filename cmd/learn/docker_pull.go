package main

import (
	"github.com/spf13/cobra"

	"github.com/layerlab/learn/dockercmd"
	"github.com/layerlab/learn/sandbox/store"
)

// pullCmd is `docker pull`, answered from the offline base-image catalogue.
func (a *app) pullCmd() *cobra.Command {
	var opts dockercmd.PullOptions
	cmd := &cobra.Command{
		Use:   "pull [OPTIONS] NAME[:TAG|@DIGEST]",
		Short: "Download an image from the offline catalogue",
		Long: "Download an image from the offline catalogue.\n\n" +
			"The embedded sandbox has no network: pull answers from a catalogue of base images\n" +
			"(python, debian, ubuntu, alpine, busybox, postgres, nginx) with their real configs and sizes.\n" +
			"A pull of an image that is not in it fails as it would on Docker Hub.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Image = args[0]
			return a.withStore(func(st *store.Store) error { return dockercmd.RunPull(a.io, st, opts) })
		},
		DisableFlagsInUseLine: true,
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.AllTags, "all-tags", "a", false, "Download all tagged images in the repository")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "Suppress verbose output")
	var platform string
	f.StringVar(&platform, "platform", "", "Set platform if server is multi-platform capable (the catalogue has linux/amd64)")
	wrapArgs(cmd)
	return cmd
}
