package build

import (
	"errors"
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/dockerfile"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/progress"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/users"
)

// stepCtx is what a step's work sees: a private, writable copy of the
// parent state's files.
type stepCtx struct {
	r  *stageRun
	fs *layerfs.FS
	v  *progress.Vertex
}

// identity resolves a USER value against the step's /etc/passwd.
func (sc *stepCtx) identity(user string) (sandbox.Identity, error) {
	if user == "" {
		return sandbox.Root, nil
	}
	return users.Lookup(sc.fs.View(sandbox.Root), user)
}

// step runs one cache-keyed step: a hit reuses the recorded layer, a miss
// does the work on a fork of the parent's files and records the result.
// Nothing reaches the store unless work succeeds.
func (r *stageRun) step(cmd instructions.Command, name string, k keyInput, in Inputs, createdBy string, ignoreCache bool, work func(*stepCtx) error) error {
	b := r.b
	key := k.digest()
	v := b.opt.Progress.Start(r.vertexName(name))
	step := Step{Name: v.Name, Instruction: name, Stage: r.st.DisplayName, Line: r.line(cmd), Key: key, Inputs: in}
	next := r.s.clone()
	next.key = key
	if !ignoreCache {
		rec, hit, err := b.opt.Store.CacheGet(key)
		if err != nil {
			return err
		}
		if hit && b.haveLayer(rec.DiffID) {
			if !isZero(rec.DiffID) {
				next.layers = append(next.layers, rec.DiffID)
				next.fs = nil
				next.created = rec.Created
			} else if r.s.fs != nil {
				next.fs = r.s.fs
			}
			r.s = next
			r.history(createdBy, !isZero(rec.DiffID))
			step.Cached = true
			b.steps = append(b.steps, step)
			b.opt.Progress.Cached(v)
			return nil
		}
	}
	parent, err := b.materialize(r.s)
	if err != nil {
		b.opt.Progress.Error(v, err.Error())
		return err
	}
	sc := &stepCtx{r: r, fs: parent.Fork(), v: v}
	if err := work(sc); err != nil {
		msg := err.Error()
		b.opt.Progress.Error(v, msg)
		var be *Error
		if errors.As(err, &be) {
			be.Step = v.Name
			if be.Line == 0 {
				be.Line = step.Line
			}
			return be
		}
		return &Error{Line: step.Line, Step: v.Name, Msg: msg, err: err}
	}
	now := b.opt.Now()
	var diffID v1.Hash
	var size int64
	if sc.fs.Changed() {
		diffID, size, err = b.storeDiff(sc.fs)
		if err != nil {
			b.opt.Progress.Error(v, err.Error())
			return err
		}
		layer, committed := sc.fs.Commit()
		b.layers.Add(diffID, layer)
		next.layers = append(next.layers, diffID)
		next.fs = committed
		next.created = now
	} else {
		next.fs = sc.fs
	}
	if err := b.putRecord(key, diffID, size, createdBy, now); err != nil {
		return err
	}
	r.s = next
	r.history(createdBy, !isZero(diffID))
	b.steps = append(b.steps, step)
	b.opt.Progress.Done(v)
	return nil
}

// failStep reports a step that fails before it can run (its cache key
// cannot be computed): the vertex is shown, then its error.
func (r *stageRun) failStep(cmd instructions.Command, name string, err error) error {
	v := r.b.opt.Progress.Start(r.vertexName(name))
	r.b.opt.Progress.Error(v, err.Error())
	return &Error{Line: r.line(cmd), Step: v.Name, Msg: err.Error(), err: err}
}

// line is the Dockerfile line a command stands for: an ONBUILD trigger
// belongs to the FROM that pulled it in.
func (r *stageRun) line(cmd instructions.Command) int {
	if r.onbuild {
		return r.st.Line
	}
	return dockerfile.Line(cmd)
}

func isZero(h v1.Hash) bool { return h.Hex == "" }

// haveLayer guards against a cache record whose layer blob was pruned.
func (b *builder) haveLayer(h v1.Hash) bool { return isZero(h) || b.layers.Has(h) }

// was made, which later cache hits reuse so the image ID stays the same.
func (b *builder) putRecord(key string, diffID v1.Hash, size int64, createdBy string, now time.Time) error {
	return b.opt.Store.CachePut(key, &store.CacheRecord{Key: key, DiffID: diffID, Size: size, CreatedBy: createdBy, Created: now, LastUsed: now})
}

// storeDiff streams the fork's changes into the store as a layer.
func (b *builder) storeDiff(fs *layerfs.FS) (v1.Hash, int64, error) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(fs.WriteDiff(pw)) }()
	h, n, err := b.opt.Store.PutLayer(pr)
	pr.CloseWithError(err)
	if err != nil {
		return v1.Hash{}, 0, fmt.Errorf("storing layer: %w", err)
	}
	return h, n, nil
}

// materialize loads a state's files from its layers on first need.
func (b *builder) materialize(s *state) (*layerfs.FS, error) {
	if s.fs != nil {
		return s.fs, nil
	}
	fsys, err := b.layers.FS(s.layers)
	if err != nil {
		return nil, err
	}
	s.fs = fsys
	return fsys, nil
}
