package images

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox/store"
)

// NotFoundError is a reference the catalogue cannot answer: an unknown
// repository (NoRepo) or an unknown tag or digest of a known one. Error is
// BuildKit's wording (what `docker build` prints after "failed to resolve
// source metadata for ..."); PullMessage is the daemon's for `docker pull`.
// Both end with a line saying what the sandbox has instead.
type NotFoundError struct {
	Ref    store.Reference
	NoRepo bool
}

func (e *NotFoundError) Error() string {
	if e.NoRepo {
		return "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed\n" + Hint()
	}
	return e.Ref.String() + ": not found\n" + Hint()
}

// PullMessage is the daemon's error for `docker pull` (without "Error
// response from daemon: "), then the hint line.
func (e *NotFoundError) PullMessage() string {
	if e.NoRepo {
		return "pull access denied for " + e.Ref.FamiliarName() + ", repository does not exist or may require authorization: server message: insufficient_scope: authorization failed\n" + Hint()
	}
	return "manifest for " + e.Ref.Familiar() + " not found: manifest unknown: manifest unknown\n" + Hint()
}

// Hint says where images come from in the embedded sandbox, on one line.
func Hint() string {
	return "the embedded sandbox is offline: it can use the images `learn docker images` lists and these, which `learn docker pull` fetches from its catalogue: " +
		strings.Join(Names(), ", ")
}

// Lookup finds the catalogue entry a reference names: a tag ("python"
// meaning python:latest) or a digest (the image ID or its manifest digest,
// as `learn docker images --digests` shows after a pull).
func Lookup(ref string) (*Entry, store.Reference, error) {
	r, err := store.ParseReference(ref)
	if err != nil {
		return nil, r, err
	}
	r = r.WithDefaultTag()
	repo := false
	for _, e := range catalogue() {
		for _, full := range e.References() {
			er, _ := store.ParseReference(full)
			if er.Name() != r.Name() {
				continue
			}
			repo = true
			if r.Digest == "" && er.Tag == r.Tag {
				return e, r, nil
			}
		}
		if repo && r.Digest != "" {
			if id, man, err := e.ID(); err == nil && (id.String() == r.Digest || man.String() == r.Digest) {
				return e, r, nil
			}
		}
	}
	if r.Digest != "" && repo {
		// Digests of other images of a known repository are unknown tags.
		return nil, r, &NotFoundError{Ref: r}
	}
	return nil, r, &NotFoundError{Ref: r, NoRepo: !repo}
}

// PullResult is what a pull did.
type PullResult struct {
	Entry *Entry
	Ref   store.Reference // normalised, with the default tag when none was given
	Image *store.Image
	// Existed says, per layer, whether the store had it already.
	Existed []bool
	DiffIDs []v1.Hash
	// UpToDate: the reference already named this image.
	UpToDate bool
	Manifest v1.Hash
}

// Pull records the catalogue image ref names in st and tags it with ref
// (a digest reference leaves it untagged, as docker does). Layers are
// recorded as generated: no tar is written or hashed.
func Pull(st *store.Store, ref string) (*PullResult, error) {
	e, r, err := Lookup(ref)
	if err != nil {
		return nil, err
	}
	res := &PullResult{Entry: e, Ref: r}
	if res.DiffIDs, err = e.DiffIDs(); err != nil {
		return nil, err
	}
	for i, d := range res.DiffIDs {
		existed := st.HasLayer(d)
		res.Existed = append(res.Existed, existed)
		if existed {
			continue
		}
		li, err := info(e.layers[:i+1])
		if err != nil {
			return nil, err
		}
		if err := st.PutGeneratedLayer(d, li.Size, li.TarSize, generatorName, e.layers[:i+1].key()); err != nil {
			return nil, fmt.Errorf("pulling %s: %w", e.Name, err)
		}
	}
	raw, err := e.RawConfig()
	if err != nil {
		return nil, err
	}
	_, res.Manifest, err = e.ID()
	if err != nil {
		return nil, err
	}
	if r.Digest == "" {
		if old, err := st.ResolveID(r.String()); err == nil && old == sha(raw) {
			res.UpToDate = true
		}
	}
	id, err := st.PutImageRaw(raw)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", e.Name, err)
	}
	if r.Digest == "" {
		if err := st.Tag(id, r.String()); err != nil {
			return nil, err
		}
	}
	if res.Image, err = st.Image(id.String()); err != nil {
		return nil, err
	}
	return res, nil
}

// Resolver finds a build's base images (build.Options.ResolveImage): the
// store first, so images the learner built, loaded, imported or tagged win
// even under a catalogue name; then the catalogue, whose image is then
// recorded in the store as pulled, as docker does on a FROM.
func Resolver(st *store.Store) func(ref string) (*store.Image, error) {
	return func(ref string) (*store.Image, error) {
		img, err := st.Image(ref)
		if err == nil || !store.IsNotFound(err) {
			return img, err
		}
		res, err := Pull(st, ref)
		if err != nil {
			return nil, err
		}
		return res.Image, nil
	}
}
