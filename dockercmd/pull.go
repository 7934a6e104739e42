package dockercmd

import (
	"errors"
	"fmt"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/images"
	"github.com/layerlab/learn/sandbox/store"
)

// PullOptions are `docker pull` flags.
type PullOptions struct {
	Image   string
	Quiet   bool // -q: print only the image's full name
	AllTags bool // -a: refused, the catalogue is not a registry
	// forRun is docker run's pull of a missing image: no default-tag note
	// and no final name line.
	forRun bool
}

// RunPull answers `docker pull` from the offline catalogue, with docker's
// output: the repository being pulled, one line per layer, the digest, the
// status, the full name.
func RunPull(ios *iostreams.IOStreams, st *store.Store, opts PullOptions) error {
	if opts.AllTags {
		return cliError("learn: --all-tags is not supported: the embedded sandbox pulls from an offline catalogue, one tag at a time (see `learn docker pull --help` and docs/catalog.md)")
	}
	r, err := store.ParseReference(opts.Image)
	if err != nil {
		return cliError("invalid reference format")
	}
	if r.Tag == "" && r.Digest == "" && !opts.Quiet && !opts.forRun {
		fmt.Fprintln(ios.Out, "Using default tag: latest")
	}
	res, err := images.Pull(st, opts.Image)
	if err != nil {
		var nf *images.NotFoundError
		if errors.As(err, &nf) {
			return &Error{Msg: "Error response from daemon: " + nf.PullMessage(), cause: err}
		}
		return daemonError(err)
	}
	if opts.Quiet {
		fmt.Fprintln(ios.Out, res.Ref.String())
		return nil
	}
	from := res.Ref.Tag
	if res.Ref.Digest != "" {
		from = res.Ref.Digest
	}
	fmt.Fprintf(ios.Out, "%s: Pulling from %s\n", from, res.Ref.Path)
	if !res.UpToDate {
		// Docker names layers by the first 12 hex digits of their digest.
		for i, d := range res.DiffIDs {
			status := "Pull complete"
			if res.Existed[i] {
				status = "Already exists"
			}
			fmt.Fprintf(ios.Out, "%s: %s\n", d.Hex[:12], status)
		}
	}
	fmt.Fprintf(ios.Out, "Digest: %s\n", res.Manifest)
	if res.UpToDate {
		fmt.Fprintf(ios.Out, "Status: Image is up to date for %s\n", res.Ref.Familiar())
	} else {
		fmt.Fprintf(ios.Out, "Status: Downloaded newer image for %s\n", res.Ref.Familiar())
	}
	if !opts.forRun {
		fmt.Fprintln(ios.Out, res.Ref.String())
	}
	return nil
}
