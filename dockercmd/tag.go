package dockercmd

import (
	"fmt"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// TagOptions are `docker tag SOURCE TARGET`.
type TagOptions struct {
	Source, Target string
}

// RunTag points TARGET at SOURCE's image. Reference errors are worded as
// the docker client words them (it checks both names before asking the
// daemon).
func RunTag(_ *iostreams.IOStreams, st *store.Store, opts TagOptions) error {
	if !hex64(opts.Source) {
		if _, err := store.ParseReference(opts.Source); err != nil {
			return cliError("Error parsing reference: %q is not a valid repository/tag: %v", opts.Source, err)
		}
	}
	target, err := store.ParseReference(opts.Target)
	if err != nil {
		return cliError("Error parsing reference: %q is not a valid repository/tag: %v", opts.Target, err)
	}
	if target.Digest != "" {
		return cliError("%v", store.ErrDigestTag)
	}
	id, err := st.ResolveID(opts.Source)
	if err != nil {
		return daemonError(err)
	}
	if err := st.Tag(id, opts.Target); err != nil {
		return daemonError(fmt.Errorf("tagging %s: %w", opts.Target, err))
	}
	return nil
}

func hex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
