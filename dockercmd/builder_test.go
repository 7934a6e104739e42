package dockercmd

import (
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

func TestBuilderPrune(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	put := func(key string) {
		if err := st.CachePut(key, &store.CacheRecord{Key: key, Created: time.Now(), DiffID: v1.Hash{}}); err != nil {
			t.Fatal(err)
		}
	}
	put("a")
	put("b")

	// Declining the prompt changes nothing.
	ios, in, out, _ := iostreams.Test()
	in.WriteString("n\n")
	if err := RunBuilderPrune(ios, st, BuilderPruneOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "WARNING! This will remove all build cache.") {
		t.Errorf("prompt %q", out)
	}
	if _, ok, _ := st.CacheGet("a"); !ok {
		t.Fatal("declined prune removed a record")
	}

	ios, _, out, _ = iostreams.Test()
	if err := RunBuilderPrune(ios, st, BuilderPruneOptions{All: true, Force: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Total reclaimed space:") {
		t.Errorf("output %q", out)
	}
	for _, k := range []string{"a", "b"} {
		if _, ok, _ := st.CacheGet(k); ok {
			t.Errorf("record %s survived prune -a -f", k)
		}
	}
}
