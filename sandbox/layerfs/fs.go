package layerfs

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/layerlab/learn/sandbox"
)

// FS is a root filesystem: read-only lower layers (bottom first) plus one
// writable upper layer. It is safe for concurrent use.
type FS struct {
	mu     sync.RWMutex
	lowers []*Layer // never appended to in place: siblings may share it
	upper  *node
	gen    uint64
	now    func() time.Time
}

// gens hands out generations; each is used by one FS at a time, so a node or
// inode with another generation is shared and must be copied before a change.
var gens atomic.Uint64

// New returns a filesystem over lowers (bottom first) with an empty upper layer.
func New(lowers ...*Layer) *FS {
	g := gens.Add(1)
	return &FS{
		lowers: slices.Clone(lowers),
		upper:  newDirNode(g, nil),
		gen:    g,
		now:    time.Now,
	}
}

// SetClock sets where new modification times come from (time.Now by
// default); builds that want reproducible layers pass a fixed clock.
func (f *FS) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = now
}

// Layers returns the read-only lower layers, bottom first.
func (f *FS) Layers() []*Layer {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return slices.Clone(f.lowers)
}

// View returns the tree as seen by id: every operation is checked against
// id's uid, gid and groups the way Linux checks them.
func (f *FS) View(id sandbox.Identity) sandbox.FS { return &view{f: f, id: id} }

// Fork returns a copy-on-write clone with the same lowers and a copy of the
// upper layer. It costs O(1): both sides take a new generation, so the
// upper's nodes become shared and are copied on their next change.
func (f *FS) Fork() *FS {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gen = gens.Add(1)
	return &FS{lowers: f.lowers, upper: f.upper, gen: gens.Add(1), now: f.now}
}

// Commit freezes the upper layer into a Layer and returns it with a new FS
// that has it on top of the lowers and an empty upper. f stays usable.
func (f *FS) Commit() (*Layer, *FS) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := newLayer(f.diffTree())
	// The layer shares f's nodes: f must copy them before changing them.
	f.gen = gens.Add(1)
	g := New(append(slices.Clone(f.lowers), l)...)
	g.now = f.now
	return l, g
}

// Changed reports whether the upper layer holds any change.
func (f *FS) Changed() bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return changed(f.upper)
}

// changed reports whether n or anything below it is a change; directories a
// layer only passes through (created on the way to a file later removed)
// are not.
func changed(n *node) bool {
	if n.ino != nil || n.whiteout || n.opaque {
		return true
	}
	for _, k := range n.kids {
		if changed(k) {
			return true
		}
	}
	return false
}
