package images

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/store"
)

// recipe is how one layer is made: what build writes on top of the layers
// below it, padded with zeros to size bytes of content. id names it in the
// checked-in digest table; changing what a recipe writes changes its
// digest, which TestLayerTable reports.
type recipe struct {
	id    string
	size  int64
	date  time.Time
	build func(t *tree)
	pads  []pad
}

// asWritten is the size of a recipe that is exactly what it writes (a
// COPY of a script, a RUN that makes a directory): no padding.
const asWritten = -1

// chain is a layer with everything below it: a layer's tar (its whiteouts,
// the metadata of the parents it lists) depends on its lowers too.
type chain []*recipe

func (c chain) key() string {
	ids := make([]string, len(c))
	for i, r := range c {
		ids[i] = r.id
	}
	return strings.Join(ids, "+")
}

// generatorName is what the store records as the source of catalogue layers.
const generatorName = "layerlab-catalogue"

func init() {
	store.RegisterGenerator(generatorName, func(key string, w io.Writer) error {
		l, err := layerByKey(key)
		if err != nil {
			return err
		}
		_, err = l.WriteTo(w)
		return err
	})
}

// built holds the layers made in this process: a layer is built once and
// shared by every build and image that uses it (layers are immutable).
var built struct {
	sync.Mutex
	m map[string]*layerfs.Layer
}

// resetBuilt forgets built layers (benchmarks of a cold process).
func resetBuilt() {
	built.Lock()
	built.m = nil
	built.Unlock()
}

// layer returns the built top layer of c, building it (and what is below
// it) on first use. Building is cheap: file contents are zeros that take no
// memory and no tar is read or written.
func layer(c chain) (*layerfs.Layer, error) {
	built.Lock()
	defer built.Unlock()
	return layerLocked(c)
}

func layerLocked(c chain) (*layerfs.Layer, error) {
	key := c.key()
	if l := built.m[key]; l != nil {
		return l, nil
	}
	lowers := make([]*layerfs.Layer, 0, len(c)-1)
	for i := 1; i < len(c); i++ {
		l, err := layerLocked(c[:i])
		if err != nil {
			return nil, err
		}
		lowers = append(lowers, l)
	}
	r := c[len(c)-1]
	t := newTree(lowers, r.date)
	r.build(t)
	if r.size != asWritten {
		t.padTo(r.size, r.pads)
	}
	if t.err != nil {
		return nil, fmt.Errorf("building catalogue layer %s: %w", r.id, t.err)
	}
	l, _ := t.f.Commit()
	if r.size != asWritten && l.Size() != r.size {
		return nil, fmt.Errorf("building catalogue layer %s: content is %d bytes, want %d", r.id, l.Size(), r.size)
	}
	if built.m == nil {
		built.m = map[string]*layerfs.Layer{}
	}
	built.m[key] = l
	return l, nil
}

// chains lists every distinct layer chain of the catalogue by key.
func chains() map[string]chain {
	out := map[string]chain{}
	for _, e := range catalogue() {
		for i := range e.layers {
			c := e.layers[:i+1]
			out[c.key()] = c
		}
	}
	return out
}

func layerByKey(key string) (*layerfs.Layer, error) {
	c, ok := chains()[key]
	if !ok {
		return nil, fmt.Errorf("the catalogue has no layer %q (made by another version of learn?)", key)
	}
	return layer(c)
}

// layerInfo is what the checked-in table (digests.go) knows of a layer
// without generating it.
type layerInfo struct {
	DiffID  string // sha256:...
	Size    int64  // content bytes
	TarSize int64
}

func info(c chain) (layerInfo, error) {
	li, ok := layerTable[c.key()]
	if !ok {
		return layerInfo{}, fmt.Errorf("catalogue layer %s is missing from the digest table; run go generate ./sandbox/images", c.key())
	}
	return li, nil
}

// LoadLayer gives the parsed form of a catalogue layer straight from its
// recipe, with no tar read or parsed (for rootfs.Loader.Source): ok is
// false for layers that are not the catalogue's, which the loader then
// reads from the store.
func LoadLayer(diffID v1.Hash) (*layerfs.Layer, bool, error) {
	key, ok := byDiffID()[diffID.String()]
	if !ok {
		return nil, false, nil
	}
	l, err := layerByKey(key)
	if err != nil {
		return nil, false, err
	}
	return l, true, nil
}

var byDiffID = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for key, li := range layerTable {
		m[li.DiffID] = key
	}
	return m
})
