package rootfs

import (
	"bytes"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/testimage"
)

func TestLoaderReadsOnceAndPrefersSource(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tarData, _ := testimage.Rootfs(nil)
	h, _, err := st.PutLayer(bytes.NewReader(tarData))
	if err != nil {
		t.Fatal(err)
	}
	l := &Loader{Store: st}
	a, err := l.Layer(h)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.Layer(h)
	if a != b {
		t.Error("a layer was parsed twice")
	}
	fsys, err := l.FS([]v1.Hash{h})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.View(sandbox.Root).Stat("/bin/sh"); err != nil {
		t.Errorf("merged view: %v", err)
	}

	// A Source answers first; the store is not consulted.
	calls := 0
	src := &Loader{Store: st, Source: func(v1.Hash) (*layerfs.Layer, bool, error) {
		calls++
		return a, true, nil
	}}
	if got, _ := src.Layer(h); got != a || calls != 1 {
		t.Errorf("source not used: calls=%d", calls)
	}
	if !l.Has(h) || l.Has(v1.Hash{Algorithm: "sha256", Hex: "00"}) {
		t.Error("Has wrong")
	}
}
