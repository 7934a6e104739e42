// Package rootfs turns an image's layer list into a layered filesystem,
// loading each layer once per process from the store (or from a faster
// source, such as the offline catalogue's generated layers).
package rootfs

import (
	"fmt"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/store"
)

// Loader loads layers by diffID and remembers them.
type Loader struct {
	Store *store.Store
	// Source, when set, may supply a layer without reading its tar; ok
	// false falls back to the store.
	Source func(diffID v1.Hash) (l *layerfs.Layer, ok bool, err error)

	mu     sync.Mutex
	layers map[v1.Hash]*layerfs.Layer
}

// Add records a layer the caller already has (a build step just made it).
func (l *Loader) Add(h v1.Hash, layer *layerfs.Layer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.layers == nil {
		l.layers = map[v1.Hash]*layerfs.Layer{}
	}
	l.layers[h] = layer
}

// Has reports whether the layer can be loaded: it is known here, or the
// store holds its blob (a cache record may outlive a pruned layer).
func (l *Loader) Has(h v1.Hash) bool {
	l.mu.Lock()
	_, ok := l.layers[h]
	l.mu.Unlock()
	if ok {
		return true
	}
	rc, err := l.Store.OpenLayer(h)
	if err != nil {
		return false
	}
	rc.Close()
	return true
}

// Layer returns the parsed layer h.
func (l *Loader) Layer(h v1.Hash) (*layerfs.Layer, error) {
	l.mu.Lock()
	if layer, ok := l.layers[h]; ok {
		l.mu.Unlock()
		return layer, nil
	}
	l.mu.Unlock()
	var layer *layerfs.Layer
	if l.Source != nil {
		src, ok, err := l.Source(h)
		if err != nil {
			return nil, fmt.Errorf("loading layer %s: %w", h, err)
		}
		if ok {
			layer = src
		}
	}
	if layer == nil {
		rc, err := l.Store.OpenLayer(h)
		if err != nil {
			return nil, fmt.Errorf("loading layer %s: %w", h, err)
		}
		layer, err = layerfs.ReadLayer(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("reading layer %s: %w", h, err)
		}
	}
	l.Add(h, layer)
	return layer, nil
}

// FS returns a new filesystem with the given layers, bottom first, and an
// empty writable layer on top.
func (l *Loader) FS(diffIDs []v1.Hash) (*layerfs.FS, error) {
	lowers := make([]*layerfs.Layer, 0, len(diffIDs))
	for _, h := range diffIDs {
		layer, err := l.Layer(h)
		if err != nil {
			return nil, err
		}
		lowers = append(lowers, layer)
	}
	return layerfs.New(lowers...), nil
}

// Image returns the filesystem of an image in the store.
func (l *Loader) Image(ref string) (*layerfs.FS, *store.Image, error) {
	img, err := l.Store.Image(ref)
	if err != nil {
		return nil, nil, err
	}
	fsys, err := l.FS(img.Layers)
	return fsys, img, err
}
