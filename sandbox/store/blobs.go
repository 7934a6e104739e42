package store

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/atomicfile"
)

// LayerMediaType is the media type of every layer the store keeps: an
// uncompressed tar, so its digest is its diffID.
const LayerMediaType = "application/vnd.oci.image.layer.v1.tar"

// layerMeta is layers/<hex>.json: sizes measured once, when the layer was
// stored.
type layerMeta struct {
	// Size is the sum of the regular files' sizes in the layer: what docker
	// counts as a layer's size in `docker images` and `docker history`.
	Size int64 `json:"size"`
	// TarSize is the length of the blob (the manifest's descriptor size).
	TarSize int64 `json:"tarSize"`
	// Generator and Recipe are set for a layer kept without a blob: its
	// tar is produced on demand (see PutGeneratedLayer).
	Generator string `json:"generator,omitempty"`
	Recipe    string `json:"recipe,omitempty"`
}

// putBlob streams r into a temporary file while hashing it, checks the
// digest against want (when not zero) and renames it into blobs/. A blob
// that is already there is not written twice. measure, when set, reads the
// same bytes as they stream past (to size a layer without a second pass).
func (s *Store) putBlob(r io.Reader, want v1.Hash, measure func(io.Reader) error) (v1.Hash, int64, error) {
	tmp, err := os.CreateTemp(s.path("tmp"), "blob-*")
	if err != nil {
		return v1.Hash{}, 0, fmt.Errorf("storing blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	cw := &countWriter{}
	tee := io.TeeReader(r, io.MultiWriter(tmp, h, cw))
	if measure != nil {
		if err := measure(tee); err != nil {
			return v1.Hash{}, 0, err
		}
	}
	// Whatever the measure did not read (tar padding) still belongs to the blob.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return v1.Hash{}, 0, fmt.Errorf("storing blob: %w", err)
	}
	got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	if want != (v1.Hash{}) && got != want {
		return v1.Hash{}, 0, fmt.Errorf("blob digest mismatch: content is %s, expected %s", got, want)
	}
	dst := s.blobPath(got)
	if _, err := os.Stat(dst); err == nil {
		return got, cw.n, nil
	}
	if err := tmp.Sync(); err != nil {
		return v1.Hash{}, 0, fmt.Errorf("storing blob: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return v1.Hash{}, 0, fmt.Errorf("storing blob: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return v1.Hash{}, 0, fmt.Errorf("storing blob: %w", err)
	}
	return got, cw.n, nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// PutLayer stores an uncompressed tar layer and returns its diffID and its
// content size (the sum of its regular files, as docker reports sizes).
// Storing the same bytes twice keeps one copy.
func (s *Store) PutLayer(r io.Reader) (v1.Hash, int64, error) {
	return s.PutLayerFunc(r, v1.Hash{}, nil)
}

// PutLayerVerified is PutLayer for content whose diffID is already known
// (from a manifest being loaded): a mismatch is an error and nothing is kept.
func (s *Store) PutLayerVerified(r io.Reader, diffID v1.Hash) (int64, error) {
	_, n, err := s.PutLayerFunc(r, diffID, nil)
	return n, err
}

// PutLayerFunc is the general form: want, when not zero, is the expected
// diffID, and check, when set, sees every tar header as it streams past; an
// error from it (a path escaping the root, say) aborts the write and nothing
// is kept. One pass, whatever the layer's size.
func (s *Store) PutLayerFunc(r io.Reader, want v1.Hash, check func(*tar.Header) error) (v1.Hash, int64, error) {
	var size int64
	measure := func(r io.Reader) error {
		tr := tar.NewReader(r)
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("layer is not a valid tar archive: %w", err)
			}
			if check != nil {
				if err := check(hdr); err != nil {
					return err
				}
			}
			if hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA {
				size += hdr.Size
			}
		}
	}
	h, tarSize, err := s.putBlob(r, want, measure)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	b, _ := json.Marshal(layerMeta{Size: size, TarSize: tarSize})
	if err := atomicfile.WriteFile(s.path("layers", h.Hex+".json"), b, 0o644); err != nil {
		return v1.Hash{}, 0, err
	}
	return h, size, nil
}

// HasLayer reports whether the layer's blob is in the store.
func (s *Store) HasLayer(diffID v1.Hash) bool {
	_, err := os.Stat(s.blobPath(diffID))
	if err != nil {
		_, gen := s.generatedMeta(diffID)
		return gen
	}
	return true
}

// OpenLayer opens a stored layer's tar stream.
func (s *Store) OpenLayer(diffID v1.Hash) (io.ReadCloser, error) {
	f, err := os.Open(s.blobPath(diffID))
	if errors.Is(err, fs.ErrNotExist) {
		if m, ok := s.generatedMeta(diffID); ok {
			return s.openGenerated(m)
		}
		return nil, fmt.Errorf("layer %s is not in the image store", diffID)
	}
	return f, err
}

// LayerSize is a stored layer's content size (see PutLayer).
func (s *Store) LayerSize(diffID v1.Hash) (int64, error) {
	m, err := s.layerMeta(diffID)
	return m.Size, err
}

func (s *Store) layerMeta(diffID v1.Hash) (layerMeta, error) {
	var m layerMeta
	name := s.path("layers", diffID.Hex+".json")
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("layer %s is not in the image store", diffID)
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("layer record %s is corrupt: %v", name, err)
	}
	return m, nil
}

// readBlob reads a small blob (config, manifest) whole.
func (s *Store) readBlob(h v1.Hash) ([]byte, error) {
	b, err := os.ReadFile(s.blobPath(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s is missing from the image store", h)
	}
	return b, err
}

// OpenBlob opens any stored blob (layer, config, manifest) by digest.
func (s *Store) OpenBlob(h v1.Hash) (io.ReadCloser, error) {
	f, err := os.Open(s.blobPath(h))
	if errors.Is(err, fs.ErrNotExist) {
		if m, ok := s.generatedMeta(h); ok {
			return s.materialise(h, m)
		}
		return nil, fmt.Errorf("blob %s is missing from the image store", h)
	}
	return f, err
}

// putSmallBlob stores bytes already in memory.
func (s *Store) putSmallBlob(b []byte) (v1.Hash, error) {
	h, _, err := s.putBlob(bytes.NewReader(b), v1.Hash{}, nil)
	return h, err
}
