package dockercmd

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/layerlab/learn/sandbox/layerfs"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// LoadOptions are `docker load` flags.
type LoadOptions struct {
	Input string // -i; empty means stdin
	Quiet bool   // -q: docker only hides progress bars, which the sandbox has none of
}

// RunLoad reads a docker save tar or an OCI image layout tar into the store
// and prints docker's "Loaded image: name:tag" / "Loaded image ID: ..." lines.
func RunLoad(ios *iostreams.IOStreams, st *store.Store, opts LoadOptions) error {
	in := ios.In
	if opts.Input == "" {
		if ios.IsStdinTTY() {
			return cliError("requested load from stdin, but stdin is empty")
		}
	} else {
		f, err := os.Open(opts.Input)
		if err != nil {
			return cliError("%v", err)
		}
		defer f.Close()
		in = f
	}
	if err := Load(st, in, ios.Out); err != nil {
		return daemonError(err)
	}
	return nil
}

// Maximum size of a JSON file (manifest, index, config) read from an archive.
const maxJSON = 16 << 20

// Load imports an archive. Nothing in it is unpacked to the host: each
// regular file is spooled to an anonymous file in the store's tmp folder,
// names are only keys in a map, and every layer is checked entry by entry
// while it is stored.
func Load(st *store.Store, r io.Reader, out io.Writer) error {
	dir, err := os.MkdirTemp(filepath.Join(st.Root(), "tmp"), "load-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	a := &archive{dir: dir, files: map[string]string{}, links: map[string]string{}}
	if err := a.read(r); err != nil {
		return err
	}
	switch {
	case a.has("manifest.json"):
		return a.loadDocker(st, out)
	case a.has("index.json"):
		return a.loadOCI(st, out)
	}
	return errors.New("invalid archive: it has neither manifest.json (docker save) nor index.json (OCI layout)")
}

// archive is a tar read into spool files.
type archive struct {
	dir   string
	files map[string]string // entry name → spool file
	links map[string]string // entry name → entry it stands for
	n     int
}

func (a *archive) read(r io.Reader) error {
	rr, err := decompress(r)
	if err != nil {
		return err
	}
	tr := tar.NewReader(rr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("invalid archive: %v", err)
		}
		name, err := cleanEntryName(hdr.Name)
		if err != nil {
			return fmt.Errorf("invalid archive: %v", err)
		}
		if name == "" {
			continue
		}
		if layerfs.IsSparse(hdr) {
			return fmt.Errorf("invalid archive: entry %q is a sparse file, which docker save never writes", hdr.Name)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
		case tar.TypeReg, tar.TypeRegA:
			a.n++
			spool := filepath.Join(a.dir, fmt.Sprint(a.n))
			f, err := os.Create(spool)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("invalid archive: reading %s: %v", name, err)
			}
			a.files[name] = spool
			delete(a.links, name)
		case tar.TypeSymlink, tar.TypeLink:
			// Old docker saves link repeated layers to their first copy.
			target := hdr.Linkname
			if hdr.Typeflag == tar.TypeSymlink && !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(name), target)
			}
			clean, err := cleanEntryName(target)
			if err != nil || clean == "" {
				return fmt.Errorf("invalid archive: link %q points outside the archive (%s)", hdr.Name, hdr.Linkname)
			}
			a.links[name] = clean
		default:
			return fmt.Errorf("invalid archive: entry %q has unsupported type %q", hdr.Name, string(hdr.Typeflag))
		}
	}
	return nil
}

func (a *archive) resolve(name string) (string, bool) {
	name = path.Clean(strings.TrimPrefix(name, "./"))
	for range 16 {
		if f, ok := a.files[name]; ok {
			return f, true
		}
		t, ok := a.links[name]
		if !ok {
			return "", false
		}
		name = t
	}
	return "", false
}

func (a *archive) has(name string) bool { _, ok := a.resolve(name); return ok }

func (a *archive) open(name string) (*os.File, error) {
	f, ok := a.resolve(name)
	if !ok {
		return nil, fmt.Errorf("invalid archive: %s is missing", name)
	}
	return os.Open(f)
}

func (a *archive) readJSON(name string, v any) ([]byte, error) {
	f, err := a.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxJSON+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxJSON {
		return nil, fmt.Errorf("invalid archive: %s is too large", name)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, fmt.Errorf("invalid archive: %s: %v", name, err)
	}
	return b, nil
}

func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// loadDocker reads manifest.json, the format of every docker save.
func (a *archive) loadDocker(st *store.Store, out io.Writer) error {
	var manifests []saveManifest
	if _, err := a.readJSON("manifest.json", &manifests); err != nil {
		return err
	}
	for _, m := range manifests {
		var want v1.Hash
		if base := strings.TrimSuffix(path.Base(m.Config), ".json"); hex64(base) {
			want = v1.Hash{Algorithm: "sha256", Hex: base}
		}
		id, err := a.loadImage(st, m.Config, want, m.Layers, nil)
		if err != nil {
			return err
		}
		if err := tagLoaded(st, out, id, m.RepoTags); err != nil {
			return err
		}
	}
	return nil
}

// loadOCI reads an OCI image layout (index.json), following nested indexes
// to the first linux image of each entry.
func (a *archive) loadOCI(st *store.Store, out io.Writer) error {
	var idx v1.IndexManifest
	if _, err := a.readJSON("index.json", &idx); err != nil {
		return err
	}
	for _, d := range idx.Manifests {
		m, err := a.findManifest(d, 0)
		if err != nil {
			return err
		}
		layers := make([]string, len(m.Layers))
		for i, l := range m.Layers {
			layers[i] = blobName(l.Digest)
		}
		id, err := a.loadImage(st, blobName(m.Config.Digest), m.Config.Digest, layers, m.Layers)
		if err != nil {
			return err
		}
		var tags []string
		if n := d.Annotations["io.containerd.image.name"]; n != "" {
			tags = append(tags, n)
		}
		if err := tagLoaded(st, out, id, tags); err != nil {
			return err
		}
	}
	return nil
}

func (a *archive) findManifest(d v1.Descriptor, depth int) (*v1.Manifest, error) {
	if depth > 4 {
		return nil, errors.New("invalid archive: image indexes nested too deep")
	}
	switch d.MediaType {
	case "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json":
		var idx v1.IndexManifest
		if _, err := a.readJSON(blobName(d.Digest), &idx); err != nil {
			return nil, err
		}
		for _, c := range idx.Manifests {
			if c.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
				continue
			}
			if c.Platform != nil && c.Platform.OS != "linux" {
				continue
			}
			return a.findManifest(c, depth+1)
		}
		return nil, errors.New("invalid archive: no linux image in the index")
	}
	var m v1.Manifest
	if _, err := a.readJSON(blobName(d.Digest), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// loadImage stores one image's layers and config; wantID, when known, is
// checked so a tampered config is refused.
func (a *archive) loadImage(st *store.Store, configName string, wantID v1.Hash, layerNames []string, descs []v1.Descriptor) (v1.Hash, error) {
	var cfg v1.ConfigFile
	raw, err := a.readJSON(configName, &cfg)
	if err != nil {
		return v1.Hash{}, err
	}
	sum := sha256.Sum256(raw)
	got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
	if wantID != (v1.Hash{}) && got != wantID {
		return v1.Hash{}, fmt.Errorf("invalid archive: config %s has digest %s", configName, got)
	}
	if len(cfg.RootFS.DiffIDs) != len(layerNames) {
		return v1.Hash{}, fmt.Errorf("invalid manifest, layers length mismatch: expected %d, got %d", len(cfg.RootFS.DiffIDs), len(layerNames))
	}
	for i, name := range layerNames {
		if err := a.loadLayer(st, name, cfg.RootFS.DiffIDs[i], descs, i); err != nil {
			return v1.Hash{}, err
		}
	}
	id, err := st.PutImageRaw(raw)
	if err != nil {
		return v1.Hash{}, err
	}
	return id, nil
}

func (a *archive) loadLayer(st *store.Store, name string, diffID v1.Hash, descs []v1.Descriptor, i int) error {
	if st.HasLayer(diffID) {
		return nil
	}
	f, err := a.open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if descs != nil {
		// The blob must be what the manifest says before it is unpacked.
		got, _, err := v1.SHA256(f)
		if err != nil {
			return err
		}
		if got != descs[i].Digest {
			return fmt.Errorf("invalid archive: layer %s has digest %s", name, got)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	r, err := decompress(f)
	if err != nil {
		return fmt.Errorf("layer %s: %v", name, err)
	}
	if _, _, err := st.PutLayerFunc(r, diffID, checkLayerEntry); err != nil {
		return fmt.Errorf("loading layer %s: %w", name, err)
	}
	return nil
}

// tagLoaded applies the archive's tags with docker's messages, including
// the one for a tag taken from another image.
func tagLoaded(st *store.Store, out io.Writer, id v1.Hash, tags []string) error {
	if len(tags) == 0 {
		fmt.Fprintf(out, "Loaded image ID: %s\n", id)
		return nil
	}
	for _, t := range tags {
		r, err := store.ParseReference(t)
		if err != nil {
			return fmt.Errorf("invalid tag %q in archive: %v", t, err)
		}
		r = r.WithDefaultTag()
		if old, err := st.ResolveID(r.String()); err == nil && old != id {
			fmt.Fprintf(out, "The image %s already exists, renaming the old one with ID %s to empty string\n", r.Familiar(), old)
		}
		if err := st.Tag(id, r.String()); err != nil {
			return err
		}
		fmt.Fprintf(out, "Loaded image: %s\n", r.Familiar())
	}
	return nil
}
