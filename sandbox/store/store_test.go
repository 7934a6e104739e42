package store

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

// layerTar builds a tar with the given files (name → content).
func layerTar(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		hdr := &tar.Header{Name: files[i], Mode: 0o644, Size: int64(len(files[i+1])), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[i+1]))
	}
	tw.Close()
	return buf.Bytes()
}

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "engine"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// putImage stores a one-layer image with a distinct config and tags it.
func putImage(t testing.TB, s *Store, created time.Time, content string, tags ...string) v1.Hash {
	t.Helper()
	l, _, err := s.PutLayer(bytes.NewReader(layerTar(t, "app/"+content, content)))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &v1.ConfigFile{Created: v1.Time{Time: created}, Config: v1.Config{Cmd: []string{"/bin/sh"}},
		History: []v1.History{{Created: v1.Time{Time: created}, CreatedBy: "COPY " + content + " /app/ # buildkit"}}}
	id, err := s.PutImage(cfg, []v1.Hash{l})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags {
		if err := s.Tag(id, tag); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestParseReference(t *testing.T) {
	for _, tc := range []struct{ in, full, familiar, err string }{
		{"alpine", "docker.io/library/alpine", "alpine", ""},
		{"alpine:3.20", "docker.io/library/alpine:3.20", "alpine:3.20", ""},
		{"user/app:v1", "docker.io/user/app:v1", "user/app:v1", ""},
		{"localhost:5000/app", "localhost:5000/app", "localhost:5000/app", ""},
		{"docker.io/library/x:1", "docker.io/library/x:1", "x:1", ""},
		{"ghcr.io/o/r@sha256:" + strings.Repeat("a", 64), "ghcr.io/o/r@sha256:" + strings.Repeat("a", 64), "ghcr.io/o/r@sha256:" + strings.Repeat("a", 64), ""},
		{"Bad", "", "", "invalid reference format: repository name (library/Bad) must be lowercase"},
		{"a b", "", "", "invalid reference format"},
		{"x:", "", "", "invalid reference format"},
		{"", "", "", "invalid reference format: repository name must have at least one component"},
		{strings.Repeat("a", 64), "", "", "invalid repository name (" + strings.Repeat("a", 64) + "), cannot specify 64-byte hexadecimal strings"},
	} {
		r, err := ParseReference(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || r.String() != tc.full || r.Familiar() != tc.familiar {
			t.Errorf("%q: %q %q %v, want %q %q", tc.in, r.String(), r.Familiar(), err, tc.full, tc.familiar)
		}
	}
}

func TestPutLayerDedupeAndSize(t *testing.T) {
	s := newStore(t)
	data := layerTar(t, "a", "hello", "b", "world!")
	h1, size, err := s.PutLayer(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if size != 11 {
		t.Errorf("content size %d, want 11", size)
	}
	want, _, _ := v1.SHA256(bytes.NewReader(data))
	if h1 != want {
		t.Errorf("diffID %s, want %s", h1, want)
	}
	h2, _, err := s.PutLayer(bytes.NewReader(data))
	if err != nil || h2 != h1 {
		t.Fatalf("second put: %s %v", h2, err)
	}
	rc, err := s.OpenLayer(h1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, data) {
		t.Error("layer content changed")
	}
	if tmp, _ := os.ReadDir(s.path("tmp")); len(tmp) != 0 {
		t.Errorf("temporary blobs left: %v", tmp)
	}
	if _, err := s.PutLayerVerified(bytes.NewReader(data), v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("0", 64)}); err == nil || !strings.Contains(err.Error(), "digest mismatch") {
		t.Errorf("verified put with a wrong digest: %v", err)
	}
	if _, _, err := s.PutLayer(strings.NewReader("not a tar at all, just text that goes on for a while............................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................................")); err == nil {
		t.Error("a non-tar layer was accepted")
	}
}

func TestImageResolution(t *testing.T) {
	s := newStore(t)
	now := time.Now().UTC().Truncate(time.Second)
	id := putImage(t, s, now, "one", "app:1", "localhost:5000/app")
	for _, ref := range []string{"app:1", "docker.io/library/app:1", "localhost:5000/app:latest", "localhost:5000/app",
		id.String(), id.Hex, id.Hex[:1], "sha256:" + id.Hex[:5]} {
		img, err := s.Image(ref)
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		if img.ID != id || img.Config.Config.Cmd[0] != "/bin/sh" || len(img.Layers) != 1 || img.Size != 3 {
			t.Errorf("%s: got %+v", ref, img)
		}
	}
	m, err := s.Image("app:1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Image("app@" + m.ManifestDigest.String()); err != nil || got.ID != id {
		t.Errorf("by digest: %v", err)
	}
	if !slices.Equal(m.FamiliarTags(), []string{"app:1", "localhost:5000/app:latest"}) {
		t.Errorf("tags %v", m.FamiliarTags())
	}
	for ref, msg := range map[string]string{"app": "No such image: app:latest", "nope:2": "No such image: nope:2"} {
		_, err := s.Image(ref)
		if !IsNotFound(err) || err.Error() != msg {
			t.Errorf("%s: %v, want %q", ref, err, msg)
		}
	}
}

func TestAmbiguousPrefix(t *testing.T) {
	s := newStore(t)
	// Make images until two IDs share a first hex digit.
	seen := map[byte]v1.Hash{}
	var a, b v1.Hash
	for i := 0; ; i++ {
		id := putImage(t, s, time.Unix(int64(i), 0), fmt.Sprint("c", i))
		if prev, ok := seen[id.Hex[0]]; ok {
			a, b = prev, id
			break
		}
		seen[id.Hex[0]] = id
	}
	_, err := s.Image(a.Hex[:1])
	var nf *NotFoundError
	if !errorsAs(err, &nf) || !nf.Ambiguous {
		t.Fatalf("ambiguous prefix: %v", err)
	}
	n := 1
	for a.Hex[:n] == b.Hex[:n] {
		n++
	}
	if img, err := s.Image(a.Hex[:n]); err != nil || img.ID != a {
		t.Errorf("longer prefix: %v", err)
	}
}

func TestTagMovesAndDangling(t *testing.T) {
	s := newStore(t)
	old := putImage(t, s, time.Unix(100, 0), "old", "app:latest")
	nw := putImage(t, s, time.Unix(200, 0), "new", "app:latest")
	imgs, err := s.Images()
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 2 || imgs[0].ID != nw || imgs[1].ID != old || len(imgs[1].Tags) != 0 || imgs[0].Tags[0] != "docker.io/library/app:latest" {
		t.Fatalf("images after retag: %+v %+v", imgs[0], imgs[1])
	}
	if err := s.Tag(nw, "x@sha256:"+strings.Repeat("a", 64)); err != ErrDigestTag {
		t.Errorf("digest tag: %v", err)
	}
	if err := s.Tag(nw, "Bad"); err == nil {
		t.Error("uppercase tag accepted")
	}
}

// Goroutines tagging at once must all keep their tags: the index is
// re-read under the lock for every change.
func TestConcurrentTag(t *testing.T) {
	s := newStore(t)
	id := putImage(t, s, time.Unix(1, 0), "base")
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A separate Store value, as a second process would have.
			s2, err := Open(s.Root())
			if err != nil {
				t.Error(err)
				return
			}
			if err := s2.Tag(id, fmt.Sprintf("app:v%d", i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	img, err := s.Image(id.Hex)
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Tags) != 40 {
		t.Fatalf("%d tags survived, want 40", len(img.Tags))
	}
}

func TestRemoveSemantics(t *testing.T) {
	s := newStore(t)
	id := putImage(t, s, time.Unix(1, 0), "x", "a:1", "b:1")
	layer := ChainIDs([]v1.Hash{mustImage(t, s, "a:1").Layers[0]})[0]

	_, err := s.Remove(id.Hex[:12], false)
	want := "conflict: unable to delete " + id.Hex[:12] + " (must be forced) - image is referenced in multiple repositories"
	if err == nil || err.Error() != want {
		t.Fatalf("rmi by ID with two tags: %v", err)
	}
	lines, err := s.Remove("a:1", false)
	if err != nil || !slices.Equal(lines, []string{"Untagged: a:1"}) {
		t.Fatalf("rmi a:1: %q %v", lines, err)
	}
	lines, err = s.Remove("b:1", false)
	wantLines := []string{"Untagged: b:1", "Deleted: " + id.String(), "Deleted: " + layer.String()}
	if err != nil || !slices.Equal(lines, wantLines) {
		t.Fatalf("rmi b:1: %q %v", lines, err)
	}
	if s.HasLayer(layer) {
		t.Error("layer blob kept after its only image went")
	}
	if _, err := s.Remove("b:1", false); err == nil || err.Error() != "No such image: b:1" {
		t.Errorf("second rmi: %v", err)
	}

	// -f untags every tag.
	id = putImage(t, s, time.Unix(2, 0), "y", "c:1", "d:1")
	lines, err = s.Remove(id.Hex[:4], true)
	if err != nil || !slices.Equal(lines[:3], []string{"Untagged: c:1", "Untagged: d:1", "Deleted: " + id.String()}) {
		t.Fatalf("rmi -f: %q %v", lines, err)
	}

	// The container hook: running containers block, stopped ones need -f.
	id = putImage(t, s, time.Unix(3, 0), "z", "e:1")
	running := true
	s.Containers = func(h v1.Hash) []ContainerRef {
		if h == id {
			return []ContainerRef{{ID: strings.Repeat("c", 64), Running: running}}
		}
		return nil
	}
	if _, err := s.Remove(id.Hex, true); err == nil || !strings.Contains(err.Error(), "(cannot be forced) - image is being used by running container cccccccccccc") {
		t.Errorf("running: %v", err)
	}
	if _, err := s.Remove("e:1", false); err == nil || !strings.Contains(err.Error(), `unable to remove repository reference "e:1" (must force) - container cccccccccccc is using its referenced image`) {
		t.Errorf("tag of running: %v", err)
	}
	running = false
	if _, err := s.Remove(id.Hex, false); err == nil || !strings.Contains(err.Error(), "image is being used by stopped container") {
		t.Errorf("stopped: %v", err)
	}
	if _, err := s.Remove(id.Hex, true); err != nil {
		t.Errorf("stopped, forced: %v", err)
	}
}

func mustImage(t testing.TB, s *Store, ref string) *Image {
	t.Helper()
	img, err := s.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestCorruptIndex(t *testing.T) {
	s := newStore(t)
	putImage(t, s, time.Unix(1, 0), "x", "a:1")
	name := filepath.Join(s.Root(), indexName)
	if err := os.WriteFile(name, []byte(`{"version":1,"images":{`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.Image("a:1")
	if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("corrupt index: %v", err)
	}
	if err := os.WriteFile(name, []byte(`{"version":1,"images":{},"tags":{"docker.io/library/a:1":"sha256:00"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Images(); err == nil || !strings.Contains(err.Error(), "missing image") {
		t.Fatalf("dangling tag in index: %v", err)
	}
}

// The store is a valid OCI image layout that go-containerregistry can read
// and validate, digests and all.
func TestOCILayoutValid(t *testing.T) {
	s := newStore(t)
	id := putImage(t, s, time.Unix(1, 0), "x", "a:1")
	p, err := layout.FromPath(s.Root())
	if err != nil {
		t.Fatal(err)
	}
	ii, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, _ := ii.IndexManifest()
	if len(im.Manifests) != 1 || im.Manifests[0].Annotations["io.containerd.image.name"] != "docker.io/library/a:1" {
		t.Fatalf("index.json: %+v", im)
	}
	img, err := p.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers: %v %v", layers, err)
	}
	d, _ := layers[0].Digest()
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	got, _, _ := v1.SHA256(rc)
	rc.Close()
	if got != d {
		t.Errorf("layer blob hashes to %s, descriptor says %s", got, d)
	}
	cn, _ := img.ConfigName()
	if cn != id {
		t.Errorf("config digest %s, want %s", cn, id)
	}
}

func TestCachePutGetPrune(t *testing.T) {
	s := newStore(t)
	id := putImage(t, s, time.Unix(1, 0), "kept", "app:1")
	keptLayer := mustImage(t, s, "app:1").Layers[0]
	loose, _, err := s.PutLayer(bytes.NewReader(layerTar(t, "tmp/x", "12345")))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	extra := json.RawMessage(`{"env":["A=1"]}`)
	for key, d := range map[string]v1.Hash{"k-kept": keptLayer, "k-loose": loose, "k-none": {}} {
		if err := s.CachePut(key, &CacheRecord{DiffID: d, CreatedBy: "RUN x", Created: now, LastUsed: now, Extra: extra}); err != nil {
			t.Fatal(err)
		}
	}
	rec, ok, err := s.CacheGet("k-loose")
	if err != nil || !ok || rec.DiffID != loose || rec.Key != "k-loose" || string(rec.Extra) != string(extra) {
		t.Fatalf("get: %+v %v %v", rec, ok, err)
	}
	if _, ok, _ := s.CacheGet("missing"); ok {
		t.Error("missing key found")
	}
	if err := s.CachePut("bad", &CacheRecord{DiffID: v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("1", 64)}}); err == nil {
		t.Error("record for a missing layer accepted")
	}

	// rmi leaves layers a cache record still needs.
	if _, err := s.Remove(id.Hex, true); err != nil {
		t.Fatal(err)
	}
	if !s.HasLayer(keptLayer) {
		t.Fatal("rmi removed a layer the build cache uses")
	}
	putImage(t, s, time.Unix(1, 0), "kept", "app:1") // same layer, tagged again

	reclaimed, err := s.PruneCache(false)
	if err != nil || reclaimed != 5 {
		t.Fatalf("prune: %d %v", reclaimed, err)
	}
	if s.HasLayer(loose) {
		t.Error("loose layer survived prune")
	}
	for key, want := range map[string]bool{"k-kept": true, "k-none": true, "k-loose": false} {
		if _, ok, _ := s.CacheGet(key); ok != want {
			t.Errorf("after prune %s present=%v", key, ok)
		}
	}
	reclaimed, err = s.PruneCache(true)
	if err != nil || reclaimed != 0 {
		t.Fatalf("prune -a: %d %v", reclaimed, err)
	}
	if !s.HasLayer(keptLayer) {
		t.Error("prune -a removed a layer an image uses")
	}
	if _, ok, _ := s.CacheGet("k-kept"); ok {
		t.Error("prune -a kept a record")
	}
}

func TestCorruptCacheRecord(t *testing.T) {
	s := newStore(t)
	if err := os.WriteFile(s.cacheFile("k"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CacheGet("k"); err == nil || !strings.Contains(err.Error(), s.cacheFile("k")) {
		t.Errorf("corrupt record: %v", err)
	}
}

// BenchmarkResolveTag is what every `learn docker run app` pays before any
// work: open the store, resolve a tag among many.
func BenchmarkResolveTag(b *testing.B) {
	s := newStore(b)
	for i := range 50 {
		putImage(b, s, time.Unix(int64(i), 0), fmt.Sprint("f", i), fmt.Sprintf("app%d:v1", i))
	}
	b.ResetTimer()
	for b.Loop() {
		s2, err := Open(s.Root())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s2.ResolveID("app25:v1"); err != nil {
			b.Fatal(err)
		}
	}
}

func errorsAs(err error, target **NotFoundError) bool {
	nf, ok := err.(*NotFoundError)
	if ok {
		*target = nf
	}
	return ok
}
