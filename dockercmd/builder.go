package dockercmd

import (
	"bufio"
	"fmt"
	"strings"

	units "github.com/docker/go-units"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// BuilderPruneOptions are `docker builder prune` flags.
type BuilderPruneOptions struct {
	All   bool // -a: every record, not only those no tagged image uses
	Force bool // -f: do not ask
}

// RunBuilderPrune empties the build cache as `docker builder prune` does:
// after a confirmation unless forced, then the space reclaimed.
func RunBuilderPrune(ios *iostreams.IOStreams, st *store.Store, opts BuilderPruneOptions) error {
	if !opts.Force {
		what := "all dangling build cache"
		if opts.All {
			what = "all build cache"
		}
		fmt.Fprintf(ios.Out, "WARNING! This will remove %s. Are you sure you want to continue? [y/N] ", what)
		answer, _ := bufio.NewReader(ios.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(ios.Out)
			return nil
		}
	}
	reclaimed, err := st.PruneCache(opts.All)
	if err != nil {
		return cliError("Error response from daemon: %v", err)
	}
	fmt.Fprintf(ios.Out, "Total reclaimed space: %s\n", units.HumanSizeWithPrecision(float64(reclaimed), 3))
	return nil
}
