package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Media types of what PutImage writes: plain OCI, which docker load, crane
// and containerd all read.
const (
	ManifestMediaType = "application/vnd.oci.image.manifest.v1+json"
	ConfigMediaType   = "application/vnd.oci.image.config.v1+json"
)

// Image is one stored image.
type Image struct {
	// ID is the config digest, the ID docker shows.
	ID     v1.Hash
	Config *v1.ConfigFile
	// RawConfig is the config blob exactly as stored (its digest is ID).
	RawConfig []byte
	// Layers are the diffIDs, bottom first.
	Layers []v1.Hash
	// Tags are full references (docker.io/library/app:1), sorted.
	Tags           []string
	Created        time.Time
	Size           int64
	ManifestDigest v1.Hash
	ManifestSize   int64
	LastTagTime    time.Time
}

// FamiliarTags are the tags as docker prints them (app:1).
func (img *Image) FamiliarTags() []string {
	out := make([]string, len(img.Tags))
	for i, t := range img.Tags {
		out[i] = familiarString(t)
	}
	return out
}

// NotFoundError is docker's "No such image". Ambiguous is set when the name
// was a short ID prefix that matched more than one image.
type NotFoundError struct {
	Ref       string
	Ambiguous bool
}

func (e *NotFoundError) Error() string { return "No such image: " + e.Ref }

// IsNotFound reports whether err says an image does not exist.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// PutImage stores an image made of cfg and already stored layers and
// returns its ID. The config's rootfs is set from layers; cfg itself is not
// changed. Storing the same image again is harmless and keeps its tags.
func (s *Store) PutImage(cfg *v1.ConfigFile, layers []v1.Hash) (v1.Hash, error) {
	c := *cfg
	c.RootFS = v1.RootFS{Type: "layers", DiffIDs: slices.Clone(layers)}
	if c.RootFS.DiffIDs == nil {
		c.RootFS.DiffIDs = []v1.Hash{}
	}
	if c.OS == "" {
		c.OS = "linux"
	}
	if c.Architecture == "" {
		c.Architecture = "amd64"
	}
	raw, err := json.Marshal(&c)
	if err != nil {
		return v1.Hash{}, err
	}
	return s.putImageRaw(raw, &c)
}

// PutImageRaw stores an image from its config blob, byte for byte, so the
// image keeps its ID (docker load and import need that). The config's
// rootfs names the layers, which must be stored already.
func (s *Store) PutImageRaw(raw []byte) (v1.Hash, error) {
	var cfg v1.ConfigFile
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return v1.Hash{}, fmt.Errorf("image config is not valid JSON: %v", err)
	}
	return s.putImageRaw(raw, &cfg)
}

func (s *Store) putImageRaw(raw []byte, cfg *v1.ConfigFile) (v1.Hash, error) {
	layers := cfg.RootFS.DiffIDs
	var size int64
	descs := make([]v1.Descriptor, 0, len(layers))
	for _, l := range layers {
		m, err := s.layerMeta(l)
		if err != nil {
			return v1.Hash{}, fmt.Errorf("storing image: %w", err)
		}
		size += m.Size
		descs = append(descs, v1.Descriptor{MediaType: LayerMediaType, Digest: l, Size: m.TarSize})
	}
	id, err := s.putSmallBlob(raw)
	if err != nil {
		return v1.Hash{}, err
	}
	man := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     ManifestMediaType,
		Config:        v1.Descriptor{MediaType: ConfigMediaType, Digest: id, Size: int64(len(raw))},
		Layers:        descs,
	}
	mb, err := json.Marshal(man)
	if err != nil {
		return v1.Hash{}, err
	}
	md, err := s.putSmallBlob(mb)
	if err != nil {
		return v1.Hash{}, err
	}
	err = s.update(func(idx *index) error {
		if e := idx.Images[id.String()]; e != nil {
			return nil
		}
		idx.Images[id.String()] = &imageEntry{
			Manifest: md, ManifestSize: int64(len(mb)), Config: id,
			Layers: slices.Clone(layers), Size: size, Created: cfg.Created.Time,
		}
		return nil
	})
	return id, err
}

// Image finds an image the way docker does: by name[:tag] (":latest" when
// omitted), by name@digest, or by its ID in full or as a unique prefix
// (with or without "sha256:").
func (s *Store) Image(ref string) (*Image, error) {
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	id, err := resolve(idx, ref)
	if err != nil {
		return nil, err
	}
	return s.load(idx, id)
}

// ResolveID is Image without reading the config: the fast path for a tag
// lookup.
func (s *Store) ResolveID(ref string) (v1.Hash, error) {
	idx, err := s.readIndex()
	if err != nil {
		return v1.Hash{}, err
	}
	id, err := resolve(idx, ref)
	if err != nil {
		return v1.Hash{}, err
	}
	return v1.NewHash(id)
}

// resolve returns the image ID ref names. Order follows docker: a full ID,
// then a reference, then an ID prefix.
func resolve(idx *index, ref string) (string, error) {
	if hex64Regexp.MatchString(ref) {
		ref = "sha256:" + ref
	}
	if strings.HasPrefix(ref, "sha256:") && len(ref) == 71 {
		if idx.Images[ref] != nil {
			return ref, nil
		}
		return "", &NotFoundError{Ref: ref}
	}
	notFound := ref
	if r, err := ParseReference(ref); err == nil {
		r = r.WithDefaultTag()
		notFound = r.Familiar()
		if r.Digest != "" {
			if id := byDigest(idx, r); id != "" {
				return id, nil
			}
		} else if id, ok := idx.Tags[r.String()]; ok {
			return id, nil
		}
	}
	if shortIDRegexp.MatchString(ref) {
		prefix := "sha256:" + strings.TrimPrefix(ref, "sha256:")
		var found []string
		for id := range idx.Images {
			if strings.HasPrefix(id, prefix) {
				found = append(found, id)
			}
		}
		if len(found) == 1 {
			return found[0], nil
		}
		if len(found) > 1 {
			return "", &NotFoundError{Ref: notFound, Ambiguous: true}
		}
	}
	return "", &NotFoundError{Ref: notFound}
}

// byDigest resolves name@digest: an image of that repository whose
// manifest (or config) has the digest. The store keeps no registry
// RepoDigests, so the manifest digest stands in for them.
func byDigest(idx *index, r Reference) string {
	for _, id := range sortedKeys(idx.Images) {
		e := idx.Images[id]
		if e.Manifest.String() != r.Digest && id != r.Digest {
			continue
		}
		for ref, tid := range idx.Tags {
			if tid == id && strings.HasPrefix(ref, r.Name()+":") {
				return id
			}
		}
	}
	return ""
}

func (s *Store) load(idx *index, id string) (*Image, error) {
	e := idx.Images[id]
	h, err := v1.NewHash(id)
	if err != nil {
		return nil, fmt.Errorf("image store index: bad image ID %q", id)
	}
	raw, err := s.readBlob(e.Config)
	if err != nil {
		return nil, err
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("config of image %s is corrupt: %v", id, err)
	}
	img := entryImage(idx, id, h, e)
	img.Config, img.RawConfig = &cfg, raw
	return img, nil
}

func entryImage(idx *index, id string, h v1.Hash, e *imageEntry) *Image {
	img := &Image{
		ID: h, Layers: slices.Clone(e.Layers), Created: e.Created, Size: e.Size,
		ManifestDigest: e.Manifest, ManifestSize: e.ManifestSize, LastTagTime: e.LastTagTime,
		Tags: []string{},
	}
	for ref, tid := range idx.Tags {
		if tid == id {
			img.Tags = append(img.Tags, ref)
		}
	}
	slices.Sort(img.Tags)
	return img
}

// Images lists every image, newest first (ties by ID, for stable output).
// Config is not loaded: the listing needs only the index.
func (s *Store) Images() ([]*Image, error) {
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	out := make([]*Image, 0, len(idx.Images))
	for id, e := range idx.Images {
		h, err := v1.NewHash(id)
		if err != nil {
			return nil, fmt.Errorf("image store index: bad image ID %q", id)
		}
		out = append(out, entryImage(idx, id, h, e))
	}
	slices.SortFunc(out, func(a, b *Image) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	return out, nil
}
