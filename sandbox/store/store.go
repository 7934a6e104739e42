package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/atomicfile"
)

// Layout of the store under its root:
//
//	oci-layout, index.json     the OCI image layout (index.json is derived
//	blobs/sha256/<hex>         from repositories.json on every change)
//	repositories.json          the authoritative index: images and tags
//	layers/<hex>.json          per-layer sizes, so nothing is re-hashed
//	cache/<hex>.json           build cache records, one file per key
//	tmp/                       blobs being written, renamed when verified
//	lock                       flock taken around every index change
const (
	indexName    = "repositories.json"
	indexVersion = 1
)

// Store is an open engine state directory. Its methods are safe for
// concurrent use by goroutines and by several processes: every change
// re-reads the index under a file lock and replaces it atomically.
type Store struct {
	root string

	// Containers, when set by the container runtime, lists the containers
	// created from an image, so rmi refuses to pull an image from under
	// them the way docker does. Nil means there are none.
	Containers func(id v1.Hash) []ContainerRef
}

// ContainerRef is a container that uses an image.
type ContainerRef struct {
	ID      string
	Running bool
}

// index is repositories.json: everything `docker images` and a tag lookup
// need, without opening a blob.
type index struct {
	Version int                    `json:"version"`
	Images  map[string]*imageEntry `json:"images"` // by image ID (config digest)
	Tags    map[string]string      `json:"tags"`   // full reference → image ID
}

type imageEntry struct {
	Manifest     v1.Hash   `json:"manifest"`
	ManifestSize int64     `json:"manifestSize"`
	Config       v1.Hash   `json:"config"`
	Layers       []v1.Hash `json:"layers"`
	Size         int64     `json:"size"`
	Created      time.Time `json:"created"`
	LastTagTime  time.Time `json:"lastTagTime"`
}

// Open opens (creating if needed) the store rooted at root.
func Open(root string) (*Store, error) {
	for _, d := range []string{"blobs/sha256", "layers", "cache", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return nil, fmt.Errorf("opening image store: %w", err)
		}
	}
	s := &Store{root: root}
	layoutFile := filepath.Join(root, "oci-layout")
	if _, err := os.Stat(layoutFile); errors.Is(err, fs.ErrNotExist) {
		if err := atomicfile.WriteFile(layoutFile, []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(filepath.Join(root, "index.json")); errors.Is(err, fs.ErrNotExist) {
		if err := s.writeOCIIndex(&index{}); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Root is the directory the store lives in.
func (s *Store) Root() string { return s.root }

func (s *Store) path(elem ...string) string {
	return filepath.Join(append([]string{s.root}, elem...)...)
}

func (s *Store) blobPath(h v1.Hash) string { return s.path("blobs", h.Algorithm, h.Hex) }

// readIndex loads repositories.json; a missing file is an empty store.
func (s *Store) readIndex() (*index, error) {
	name := s.path(indexName)
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return &index{Version: indexVersion, Images: map[string]*imageEntry{}, Tags: map[string]string{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var idx index
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("image store index %s is corrupt (%v); remove it or the whole %s folder to start afresh", name, err, s.root)
	}
	if idx.Version != indexVersion {
		return nil, fmt.Errorf("image store index %s has version %d, want %d", name, idx.Version, indexVersion)
	}
	if idx.Images == nil {
		idx.Images = map[string]*imageEntry{}
	}
	if idx.Tags == nil {
		idx.Tags = map[string]string{}
	}
	for id, e := range idx.Images {
		if e == nil {
			return nil, fmt.Errorf("image store index %s is corrupt: image %s has no entry", name, id)
		}
	}
	for ref, id := range idx.Tags {
		if idx.Images[id] == nil {
			return nil, fmt.Errorf("image store index %s is corrupt: tag %s points to missing image %s", name, ref, id)
		}
	}
	return &idx, nil
}

// update runs fn on the index under the store lock and writes the result,
// so two learn processes tagging at once both keep their tags.
func (s *Store) update(fn func(idx *index) error) error {
	unlock, err := atomicfile.Lock(s.path("lock"))
	if err != nil {
		return err
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return err
	}
	if err := fn(idx); err != nil {
		return err
	}
	return s.writeIndex(idx)
}

func (s *Store) writeIndex(idx *index) error {
	idx.Version = indexVersion
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(s.path(indexName), b, 0o644); err != nil {
		return err
	}
	return s.writeOCIIndex(idx)
}

// writeOCIIndex keeps index.json a valid OCI image layout index, so tools
// such as crane or skopeo can read the store: one descriptor per tag,
// annotated the way containerd and docker save do, plus one for each
// untagged image.
func (s *Store) writeOCIIndex(idx *index) error {
	im := v1.IndexManifest{SchemaVersion: 2, MediaType: "application/vnd.oci.image.index.v1+json", Manifests: []v1.Descriptor{}}
	tagged := map[string]bool{}
	for _, ref := range sortedKeys(idx.Tags) {
		id := idx.Tags[ref]
		e := idx.Images[id]
		tagged[id] = true
		r, err := ParseReference(ref)
		if err != nil {
			continue
		}
		im.Manifests = append(im.Manifests, v1.Descriptor{
			MediaType: "application/vnd.oci.image.manifest.v1+json", Digest: e.Manifest, Size: e.ManifestSize,
			Annotations: map[string]string{"io.containerd.image.name": ref, "org.opencontainers.image.ref.name": r.Tag},
		})
	}
	for _, id := range sortedKeys(idx.Images) {
		if !tagged[id] {
			e := idx.Images[id]
			im.Manifests = append(im.Manifests, v1.Descriptor{MediaType: "application/vnd.oci.image.manifest.v1+json", Digest: e.Manifest, Size: e.ManifestSize})
		}
	}
	b, err := json.MarshalIndent(im, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(s.path("index.json"), b, 0o644)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
