package dockercmd

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// SaveOptions are `docker save` flags.
type SaveOptions struct {
	Images []string
	Output string // -o; empty means stdout
}

// saveManifest is one entry of docker save's manifest.json.
type saveManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// RunSave writes the images as a tar in Docker 25+'s save format: an OCI
// image layout (oci-layout, index.json, blobs/sha256/...) that also carries
// manifest.json and repositories, so every docker version and every OCI
// tool can load it.
func RunSave(ios *iostreams.IOStreams, st *store.Store, opts SaveOptions) error {
	if opts.Output == "" && ios.IsStdoutTTY() {
		return cliError("cowardly refusing to save to a terminal. Use the -o flag or redirect")
	}
	type saved struct {
		img  *store.Image
		tags []string // full references
	}
	var list []*saved
	byID := map[v1.Hash]*saved{}
	for _, name := range opts.Images {
		imgs, tags, err := resolveForSave(st, name)
		if err != nil {
			return daemonError(err)
		}
		for i, img := range imgs {
			sv := byID[img.ID]
			if sv == nil {
				sv = &saved{img: img}
				byID[img.ID] = sv
				list = append(list, sv)
			}
			if tags[i] != "" && !contains(sv.tags, tags[i]) {
				sv.tags = append(sv.tags, tags[i])
			}
		}
	}

	var out io.Writer = ios.Out
	var tmp *os.File
	if opts.Output != "" {
		// Written beside the target and renamed at the end, like docker's
		// atomic writer: a failed save leaves no half-written file.
		var err error
		tmp, err = os.CreateTemp(filepath.Dir(opts.Output), "."+filepath.Base(opts.Output)+".tmp-*")
		if err != nil {
			return cliError("failed to save image: %v", err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		out = tmp
	}

	tw := tar.NewWriter(out)
	w := &saveWriter{tw: tw, st: st, written: map[v1.Hash]bool{}}
	w.dir("blobs/")
	w.dir("blobs/sha256/")
	index := v1.IndexManifest{SchemaVersion: 2, MediaType: "application/vnd.oci.image.index.v1+json"}
	var manifests []saveManifest
	repositories := map[string]map[string]string{}
	for _, sv := range list {
		img := sv.img
		for _, l := range img.Layers {
			w.blob(l)
		}
		w.blob(img.ID)
		w.blob(img.ManifestDigest)
		m := saveManifest{Config: "blobs/sha256/" + img.ID.Hex}
		for _, l := range img.Layers {
			m.Layers = append(m.Layers, "blobs/sha256/"+l.Hex)
		}
		desc := v1.Descriptor{MediaType: store.ManifestMediaType, Digest: img.ManifestDigest, Size: img.ManifestSize}
		if len(sv.tags) == 0 {
			index.Manifests = append(index.Manifests, desc)
		}
		for _, t := range sv.tags {
			r, _ := store.ParseReference(t)
			m.RepoTags = append(m.RepoTags, r.Familiar())
			d := desc
			d.Annotations = map[string]string{"io.containerd.image.name": r.String(), "org.opencontainers.image.ref.name": r.Tag}
			index.Manifests = append(index.Manifests, d)
			if repositories[r.FamiliarName()] == nil {
				repositories[r.FamiliarName()] = map[string]string{}
			}
			repositories[r.FamiliarName()][r.Tag] = img.ID.Hex
		}
		manifests = append(manifests, m)
	}
	w.json("index.json", index)
	w.json("manifest.json", manifests)
	w.file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	if len(repositories) > 0 {
		w.json("repositories", repositories)
	}
	if w.err == nil {
		w.err = tw.Close()
	}
	if w.err != nil {
		return cliError("failed to save image: %v", w.err)
	}
	if tmp != nil {
		if err := tmp.Sync(); err != nil {
			return cliError("failed to save image: %v", err)
		}
		if err := tmp.Chmod(0o600); err != nil {
			return cliError("failed to save image: %v", err)
		}
		if err := tmp.Close(); err != nil {
			return cliError("failed to save image: %v", err)
		}
		if err := os.Rename(tmp.Name(), opts.Output); err != nil {
			return cliError("failed to save image: %v", err)
		}
	}
	return nil
}

// resolveForSave follows docker's exporter: a repository name without a
// tag saves every tag of that repository; anything else names one image.
// tags[i] is the tag to record for imgs[i] ("" when saved by ID).
func resolveForSave(st *store.Store, name string) ([]*store.Image, []string, error) {
	if r, err := store.ParseReference(name); err == nil && r.Tag == "" && r.Digest == "" {
		all, err := st.Images()
		if err != nil {
			return nil, nil, err
		}
		var imgs []*store.Image
		var tags []string
		for _, im := range all {
			for _, t := range im.Tags {
				if strings.HasPrefix(t, r.Name()+":") {
					full, err := st.Image(im.ID.String())
					if err != nil {
						return nil, nil, err
					}
					imgs, tags = append(imgs, full), append(tags, t)
				}
			}
		}
		if len(imgs) > 0 {
			return imgs, tags, nil
		}
	}
	img, err := st.Image(name)
	if err != nil {
		return nil, nil, err
	}
	tag := ""
	if r, err := store.ParseReference(name); err == nil && r.Digest == "" && !strings.HasPrefix(img.ID.Hex, strings.TrimPrefix(name, "sha256:")) {
		tag = r.WithDefaultTag().String()
	}
	return []*store.Image{img}, []string{tag}, nil
}

// saveWriter writes tar entries with fixed metadata (so two saves of the
// same images are byte-identical) and remembers the first error.
type saveWriter struct {
	tw      *tar.Writer
	st      *store.Store
	written map[v1.Hash]bool
	err     error
}

var saveTime = time.Unix(0, 0)

func (w *saveWriter) dir(name string) {
	if w.err == nil {
		w.err = w.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: saveTime, Format: tar.FormatPAX})
	}
}

func (w *saveWriter) file(name string, data []byte) {
	if w.err != nil {
		return
	}
	w.err = w.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data)), ModTime: saveTime, Format: tar.FormatPAX})
	if w.err == nil {
		_, w.err = w.tw.Write(data)
	}
}

func (w *saveWriter) json(name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.err = errors.Join(w.err, err)
		return
	}
	w.file(name, b)
}

func (w *saveWriter) blob(h v1.Hash) {
	if w.err != nil || w.written[h] {
		return
	}
	w.written[h] = true
	rc, err := w.st.OpenBlob(h)
	if err != nil {
		w.err = err
		return
	}
	defer rc.Close()
	var size int64
	if f, ok := rc.(*os.File); ok {
		fi, err := f.Stat()
		if err != nil {
			w.err = err
			return
		}
		size = fi.Size()
	} else {
		b, err := io.ReadAll(rc)
		if err != nil {
			w.err = err
			return
		}
		rc = io.NopCloser(bytes.NewReader(b))
		size = int64(len(b))
	}
	w.err = w.tw.WriteHeader(&tar.Header{Name: "blobs/sha256/" + h.Hex, Typeflag: tar.TypeReg, Mode: 0o644, Size: size, ModTime: saveTime, Format: tar.FormatPAX})
	if w.err == nil {
		_, w.err = io.Copy(w.tw, rc)
	}
	if w.err != nil {
		w.err = fmt.Errorf("writing blob %s: %w", h, w.err)
	}
}
