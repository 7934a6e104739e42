package build

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox/dockerfile"
)

// NormalizeTag returns the full name docker prints for a -t value
// ("pipeline" → "docker.io/library/pipeline:latest") or docker's error.
func NormalizeTag(t string) (string, error) {
	tag, err := name.NewTag(t, name.WithDefaultTag("latest"), name.StrictValidation)
	if err != nil {
		// StrictValidation rejects a missing tag; parse leniently then.
		if tag, err = name.NewTag(t, name.WithDefaultTag("latest")); err != nil {
			return "", fmt.Errorf("invalid tag %q: invalid reference format", t)
		}
	}
	if t != strings.ToLower(t) && strings.ToLower(tag.RepositoryStr()) != tag.RepositoryStr() {
		return "", fmt.Errorf("invalid tag %q: invalid reference format: repository name must be lowercase", t)
	}
	reg := tag.RegistryStr()
	if reg == name.DefaultRegistry {
		reg = "docker.io"
	}
	return reg + "/" + tag.RepositoryStr() + ":" + tag.TagStr(), nil
}

// export writes the final stage as an image and names it.
func (b *builder) export(s *state, target *dockerfile.Stage) (v1.Hash, []string, error) {
	p := b.opt.Progress
	v := p.Start("exporting to image")
	created := s.created
	if created.IsZero() {
		created = b.opt.Now()
	}
	history := append([]v1.History(nil), s.history...)
	for i := range history {
		if history[i].Created.IsZero() {
			history[i].Created = v1.Time{Time: created}
		}
	}
	cfg := &v1.ConfigFile{
		Architecture: s.arch,
		OS:           s.osName,
		Created:      v1.Time{Time: created},
		Config:       cloneConfig(s.cfg),
		History:      history,
		RootFS:       v1.RootFS{Type: "layers", DiffIDs: append([]v1.Hash(nil), s.layers...)},
	}
	p.Status(v, "exporting layers done")
	id, err := b.opt.Store.PutImage(cfg, s.layers)
	if err != nil {
		p.Error(v, err.Error())
		return v1.Hash{}, nil, err
	}
	p.Status(v, fmt.Sprintf("writing image %s done", id))
	var tags []string
	for _, t := range b.opt.Tags {
		full, err := NormalizeTag(t)
		if err != nil {
			p.Error(v, err.Error())
			return v1.Hash{}, nil, err
		}
		if err := b.opt.Store.Tag(id, full); err != nil {
			p.Error(v, err.Error())
			return v1.Hash{}, nil, err
		}
		// BuildKit names the image as given, made fully qualified but
		// without adding the default tag.
		shown := full
		if !hasTag(t) {
			shown = strings.TrimSuffix(full, ":latest")
		}
		p.Status(v, "naming to "+shown+" done")
		tags = append(tags, full)
	}
	p.Done(v)
	return id, tags, nil
}

// hasTag reports whether a reference names a tag (a ":" after the last "/").
func hasTag(ref string) bool {
	i := strings.LastIndex(ref, "/")
	return strings.Contains(ref[i+1:], ":")
}
