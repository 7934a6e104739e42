package dockercmd

import (
	"fmt"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// RmiOptions are `docker rmi` / `docker image rm` flags.
type RmiOptions struct {
	Images []string
	Force  bool
}

// RunRmi removes images, printing docker's Untagged:/Deleted: lines. As in
// docker, every name is tried; the failures are reported together at the
// end, and with -f a name that does not exist is only a message on stderr,
// not a failure.
func RunRmi(io *iostreams.IOStreams, st *store.Store, opts RmiOptions) error {
	var errs []error
	fatal := false
	for _, name := range opts.Images {
		lines, err := st.Remove(name, opts.Force)
		if err != nil {
			if !store.IsNotFound(err) {
				fatal = true
			}
			errs = append(errs, daemonError(err))
			continue
		}
		for _, l := range lines {
			fmt.Fprintln(io.Out, l)
		}
	}
	err := joinErrors(errs)
	if err == nil {
		return nil
	}
	if !opts.Force || fatal {
		return err
	}
	fmt.Fprintln(io.ErrOut, err)
	return nil
}
