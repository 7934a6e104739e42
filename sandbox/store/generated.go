package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/atomicfile"
)

// A generated layer is recorded by digest, sizes and a recipe, with no blob
// on disk: its tar is produced again whenever it is read. The offline
// base-image catalogue stores its layers this way, so that pulling a 1 GB
// image writes a few hundred bytes and hashes nothing.

// Generator writes the uncompressed tar of the layer a recipe describes. It
// must write the same bytes every time (the layer's digest depends on them).
type Generator func(recipe string, w io.Writer) error

var (
	generatorsMu sync.RWMutex
	generators   = map[string]Generator{}
)

// RegisterGenerator makes g the source of layers recorded with name. The
// package that records such layers registers itself when it is linked in.
func RegisterGenerator(name string, g Generator) {
	generatorsMu.Lock()
	defer generatorsMu.Unlock()
	generators[name] = g
}

func generator(name string) (Generator, error) {
	generatorsMu.RLock()
	defer generatorsMu.RUnlock()
	g := generators[name]
	if g == nil {
		return nil, fmt.Errorf("no generator %q is registered for this layer (this learn binary cannot produce it)", name)
	}
	return g, nil
}

// PutGeneratedLayer records a layer whose tar gen (registered under
// generator) produces from recipe. diffID, size (file content bytes, as
// PutLayer reports) and tarSize (the tar's length) are the caller's
// promise about those bytes; Blob reads that materialise the tar check the
// digest. A layer already stored as a real blob is left as it is.
func (s *Store) PutGeneratedLayer(diffID v1.Hash, size, tarSize int64, generator, recipe string) error {
	if generator == "" {
		return errors.New("storing generated layer: no generator named")
	}
	if _, err := os.Stat(s.blobPath(diffID)); err == nil {
		return nil
	}
	b, _ := json.Marshal(layerMeta{Size: size, TarSize: tarSize, Generator: generator, Recipe: recipe})
	return atomicfile.WriteFile(s.path("layers", diffID.Hex+".json"), b, 0o644)
}

// generatedMeta returns the record of a layer that has no blob on disk but
// a recipe; ok is false for anything else.
func (s *Store) generatedMeta(h v1.Hash) (layerMeta, bool) {
	m, err := s.layerMeta(h)
	if err != nil || m.Generator == "" {
		return layerMeta{}, false
	}
	return m, true
}

// openGenerated streams a generated layer's tar. Nothing is produced until
// the first Read, so opening only to see that a layer exists costs nothing.
func (s *Store) openGenerated(m layerMeta) (io.ReadCloser, error) {
	g, err := generator(m.Generator)
	if err != nil {
		return nil, err
	}
	return &lazyTar{gen: func(w io.Writer) error { return g(m.Recipe, w) }}, nil
}

type lazyTar struct {
	gen func(io.Writer) error
	pr  *io.PipeReader
}

func (l *lazyTar) Read(p []byte) (int, error) {
	if l.pr == nil {
		pr, pw := io.Pipe()
		l.pr = pr
		go func() { pw.CloseWithError(l.gen(pw)) }()
	}
	return l.pr.Read(p)
}

func (l *lazyTar) Close() error {
	if l.pr != nil {
		return l.pr.Close()
	}
	return nil
}

// materialise writes a generated layer to an unlinked temporary file and
// returns it open at its start, after checking its digest: callers of
// OpenBlob (docker save) want an *os.File whose size they can stat, and the
// disk space is given back when the file is closed.
func (s *Store) materialise(h v1.Hash, m layerMeta) (*os.File, error) {
	g, err := generator(m.Generator)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(s.path("tmp"), "gen-*")
	if err != nil {
		return nil, fmt.Errorf("generating layer %s: %w", h, err)
	}
	os.Remove(f.Name()) // open files stay readable; nothing is left behind
	sum := sha256.New()
	if err := g(m.Recipe, io.MultiWriter(f, sum)); err != nil {
		f.Close()
		return nil, fmt.Errorf("generating layer %s: %w", h, err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != h.Hex {
		f.Close()
		return nil, fmt.Errorf("generating layer %s: content is sha256:%s (recipe %q has drifted)", h, got, m.Recipe)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// IsGeneratedLayer reports whether a layer is kept as a recipe rather than
// as a blob.
func (s *Store) IsGeneratedLayer(diffID v1.Hash) bool {
	if _, err := os.Stat(s.blobPath(diffID)); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	_, ok := s.generatedMeta(diffID)
	return ok
}
