package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// ErrDigestTag is docker's refusal to tag name@digest.
var ErrDigestTag = errors.New("refusing to create a tag with a digest reference")

// Tag points ref at image id. A tag that pointed at another image moves;
// that image keeps its other tags or becomes dangling (<none>).
func (s *Store) Tag(id v1.Hash, ref string) error {
	r, err := ParseReference(ref)
	if err != nil {
		return err
	}
	if r.Digest != "" {
		return ErrDigestTag
	}
	r = r.WithDefaultTag()
	return s.update(func(idx *index) error {
		e := idx.Images[id.String()]
		if e == nil {
			return &NotFoundError{Ref: id.String()}
		}
		idx.Tags[r.String()] = id.String()
		e.LastTagTime = time.Now().UTC()
		return nil
	})
}

// Untag removes one tag; the image stays even if it becomes dangling.
func (s *Store) Untag(ref string) error {
	r, err := ParseReference(ref)
	if err != nil {
		return err
	}
	r = r.WithDefaultTag()
	return s.update(func(idx *index) error {
		if _, ok := idx.Tags[r.String()]; !ok {
			return &NotFoundError{Ref: r.Familiar()}
		}
		delete(idx.Tags, r.String())
		return nil
	})
}

// ConflictError is docker's refusal to delete an image (its Error text is
// the daemon's).
type ConflictError struct{ msg string }

func (e *ConflictError) Error() string { return e.msg }

func deleteConflict(id string, hard bool, why string) error {
	force := "must be forced"
	if hard {
		force = "cannot be forced"
	}
	return &ConflictError{msg: fmt.Sprintf("conflict: unable to delete %s (%s) - %s", shortID(id), force, why)}
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// Remove is `docker rmi`: ref names a tag (untag it, and delete the image
// if that was its last tag) or an ID (delete the image, untagging it first
// when it has a single tag, or any number with force). It returns docker's
// "Untagged: x" / "Deleted: sha256:..." lines. Deleted layers are reported
// by chain ID, as docker's layer store does, and their blobs are removed
// unless a build cache record still needs them.
func (s *Store) Remove(ref string, force bool) ([]string, error) {
	var lines []string
	var removed *imageEntry
	err := s.update(func(idx *index) error {
		lines, removed = nil, nil
		id, err := resolve(idx, ref)
		if err != nil {
			return err
		}
		e := idx.Images[id]
		tags := tagsOf(idx, id)
		var containers []ContainerRef
		if s.Containers != nil {
			h, _ := v1.NewHash(id)
			containers = s.Containers(h)
		}
		if !isIDPrefix(id, ref) {
			r, _ := ParseReference(ref)
			r = r.WithDefaultTag()
			if !force && len(tags) == 1 && len(containers) > 0 {
				return &ConflictError{msg: fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
					ref, shortID(containers[0].ID), shortID(id))}
			}
			delete(idx.Tags, r.String())
			lines = append(lines, "Untagged: "+r.Familiar())
			if len(tags) > 1 {
				return nil
			}
			// The last tag went: delete the image quietly, unless a
			// container still uses it (then it stays, dangling).
			for _, c := range containers {
				if c.Running || !force {
					return nil
				}
			}
		} else {
			for _, c := range containers {
				if c.Running {
					return deleteConflict(id, true, "image is being used by running container "+shortID(c.ID))
				}
			}
			if len(tags) > 1 && !force {
				return deleteConflict(id, false, "image is referenced in multiple repositories")
			}
			if !force && len(containers) > 0 {
				return deleteConflict(id, false, "image is being used by stopped container "+shortID(containers[0].ID))
			}
			for _, t := range tags {
				delete(idx.Tags, t)
				lines = append(lines, "Untagged: "+familiarString(t))
			}
		}
		delete(idx.Images, id)
		removed = e
		lines = append(lines, "Deleted: "+id)
		lines = append(lines, releasedChains(idx, e.Layers)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if removed != nil {
		s.collect(removed.Layers)
		for _, b := range []v1.Hash{removed.Manifest, removed.Config} {
			os.Remove(s.blobPath(b))
		}
	}
	return lines, nil
}

func tagsOf(idx *index, id string) []string {
	var tags []string
	for _, ref := range sortedKeys(idx.Tags) {
		if idx.Tags[ref] == id {
			tags = append(tags, ref)
		}
	}
	return tags
}

// isIDPrefix reports whether ref was given as (a prefix of) the ID rather
// than as a name, the way docker tells `rmi abc1` from `rmi app`.
func isIDPrefix(id, ref string) bool {
	return strings.HasPrefix(id, ref) || strings.HasPrefix(strings.TrimPrefix(id, "sha256:"), ref)
}

// ChainIDs returns the chain ID of each layer prefix (OCI image spec): the
// names docker's layer store gives layers, and prints when it deletes them.
func ChainIDs(diffIDs []v1.Hash) []v1.Hash {
	out := make([]v1.Hash, len(diffIDs))
	for i, d := range diffIDs {
		if i == 0 {
			out[i] = d
			continue
		}
		sum := sha256.Sum256([]byte(out[i-1].String() + " " + d.String()))
		out[i] = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
	}
	return out
}

// releasedChains lists, top layer first, the chains of layers no remaining
// image uses.
func releasedChains(idx *index, layers []v1.Hash) []string {
	used := map[v1.Hash]bool{}
	for _, e := range idx.Images {
		for _, c := range ChainIDs(e.Layers) {
			used[c] = true
		}
	}
	chains := ChainIDs(layers)
	var out []string
	for i := len(chains) - 1; i >= 0; i-- {
		if !used[chains[i]] {
			out = append(out, "Deleted: "+chains[i].String())
			used[chains[i]] = true
		}
	}
	return out
}

// collect deletes the blobs of candidate layers that no image and no build
// cache record uses. Only candidates are considered, so a layer another
// process has just stored for an image it has not written yet is left
// alone.
func (s *Store) collect(candidates []v1.Hash) int64 {
	if len(candidates) == 0 {
		return 0
	}
	var reclaimed int64
	unlock, err := lockStore(s)
	if err != nil {
		return 0
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return 0
	}
	used := map[v1.Hash]bool{}
	for _, e := range idx.Images {
		for _, l := range e.Layers {
			used[l] = true
		}
	}
	recs, _ := s.cacheRecords()
	for _, r := range recs {
		used[r.DiffID] = true
	}
	for _, l := range candidates {
		if used[l] {
			continue
		}
		used[l] = true // once, even if the image repeats a layer
		m, err := s.layerMeta(l)
		if err == nil {
			reclaimed += m.Size
		}
		// A generated layer has no blob: its record is all there is.
		if os.Remove(s.blobPath(l)) == nil || err == nil && m.Generator != "" {
			os.Remove(s.path("layers", l.Hex+".json"))
		}
	}
	return reclaimed
}
