package dockercmd

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

func save(t testing.TB, st *store.Store, images ...string) []byte {
	t.Helper()
	ios, _, out, _ := iostreams.Test()
	if err := RunSave(ios, st, SaveOptions{Images: images}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func tarNames(t testing.TB, b []byte) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	src := newStore(t)
	id := buildImage(t, src, testNow, "print(1)", "app:1", "app:2")
	other := buildImage(t, src, testNow, "print(2)", "other:1")
	img, _ := src.Image("app:1")

	data := save(t, src, "app", other.Hex[:8])
	names := tarNames(t, data)
	for _, want := range []string{"blobs/sha256/" + id.Hex, "blobs/sha256/" + img.ManifestDigest.Hex, "blobs/sha256/" + img.Layers[0].Hex, "index.json", "manifest.json", "oci-layout", "repositories"} {
		if !slices.Contains(names, want) {
			t.Errorf("save tar lacks %s: %v", want, names)
		}
	}
	if !bytes.Equal(data, save(t, src, "app", other.Hex[:8])) {
		t.Error("two saves of the same images differ")
	}

	// A reader of docker's format (go-containerregistry's tarball, as
	// docker load reads manifest.json) sees the same digests.
	tag, _ := name.NewTag("app:2")
	gimg, err := tarball.Image(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, &tag)
	if err != nil {
		t.Fatal(err)
	}
	if cn, _ := gimg.ConfigName(); cn != id {
		t.Errorf("tarball sees config %s, want %s", cn, id)
	}

	dst := newStore(t)
	ios, in, out, _ := iostreams.Test()
	in.Write(data)
	if err := RunLoad(ios, dst, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if want := "Loaded image: app:1\nLoaded image: app:2\nLoaded image ID: " + other.String() + "\n"; out.String() != want {
		t.Errorf("load said %q, want %q", out, want)
	}
	got, err := dst.Image("app:2")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || got.ManifestDigest != img.ManifestDigest || !slices.Equal(got.Layers, img.Layers) || got.Size != img.Size {
		t.Errorf("loaded %+v\nwant %+v", got, img)
	}
	if _, err := dst.Image(other.String()); err != nil {
		t.Errorf("image saved by ID: %v", err)
	}

	// Loading a tag that another image holds says so, like docker.
	moved := buildImage(t, dst, testNow, "print(9)", "app:1")
	ios, in, out, _ = iostreams.Test()
	in.Write(save(t, src, "app:1"))
	if err := RunLoad(ios, dst, LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if want := "The image app:1 already exists, renaming the old one with ID " + moved.String() + " to empty string\nLoaded image: app:1\n"; out.String() != want {
		t.Errorf("retag message %q", out)
	}
}

// A tar that is only an OCI layout (no manifest.json) loads by index.json.
func TestLoadOCILayoutOnly(t *testing.T) {
	src := newStore(t)
	id := buildImage(t, src, testNow, "print(1)", "app:1")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tr := tar.NewReader(bytes.NewReader(save(t, src, "app:1")))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if hdr.Name == "manifest.json" || hdr.Name == "repositories" {
			continue
		}
		tw.WriteHeader(hdr)
		io.Copy(tw, tr)
	}
	tw.Close()
	dst := newStore(t)
	var out bytes.Buffer
	if err := Load(dst, &buf, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "Loaded image: app:1\n" {
		t.Errorf("output %q", out.String())
	}
	if got, err := dst.Image("app:1"); err != nil || got.ID != id {
		t.Errorf("loaded %v", err)
	}
}

// go-containerregistry's tarball.Write is the older docker save format
// with gzip layers: loading it keeps the image ID.
func TestLoadCompressedDockerTar(t *testing.T) {
	layer, err := tarball.LayerFromReader(bytes.NewReader(makeTar(t, tarFile{name: "hello.txt", body: "hello"})))
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	img, _ = mutate.Config(img, v1.Config{Cmd: []string{"cat", "/hello.txt"}})
	tag, _ := name.NewTag("greeter:v1")
	var buf bytes.Buffer
	if err := tarball.Write(tag, img, &buf); err != nil {
		t.Fatal(err)
	}
	st := newStore(t)
	var out bytes.Buffer
	if err := Load(st, &buf, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "Loaded image: greeter:v1\n" {
		t.Errorf("output %q", out.String())
	}
	got, err := st.Image("greeter:v1")
	want, _ := img.ConfigName()
	if err != nil || got.ID != want || got.Size != 5 {
		t.Fatalf("loaded %+v %v, want ID %s", got, err, want)
	}
}

// evilSave is a docker save tar whose one layer holds entry.
func evilSave(t testing.TB, entry tarFile) []byte {
	layer := makeTar(t, entry)
	diffID, _, _ := v1.SHA256(bytes.NewReader(layer))
	cfg := fmt.Sprintf(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%q]},"config":{}}`, diffID.String())
	cfgID, _, _ := v1.SHA256(strings.NewReader(cfg))
	manifest := fmt.Sprintf(`[{"Config":"blobs/sha256/%s","RepoTags":["evil:1"],"Layers":["blobs/sha256/%s"]}]`, cfgID.Hex, diffID.Hex)
	return makeTar(t,
		tarFile{name: "blobs/sha256/" + diffID.Hex, body: string(layer)},
		tarFile{name: "blobs/sha256/" + cfgID.Hex, body: cfg},
		tarFile{name: "manifest.json", body: manifest},
	)
}

func TestLoadRefusesEscapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"layer dotdot", evilSave(t, tarFile{name: "../evil", body: "x"}), `entry "../evil" escapes`},
		{"layer nested dotdot", evilSave(t, tarFile{name: "app/../../evil", body: "x"}), `entry "app/../../evil" escapes`},
		{"layer absolute", evilSave(t, tarFile{name: "/etc/passwd", body: "x"}), `entry "/etc/passwd" has an absolute path`},
		{"layer hard link out", evilSave(t, tarFile{name: "l", typ: tar.TypeLink, link: "../../etc/shadow"}), `hard link "l"`},
		{"archive dotdot", makeTar(t, tarFile{name: "../evil", body: "x"}), `invalid archive: entry "../evil" escapes`},
		{"archive symlink out", makeTar(t, tarFile{name: "manifest.json", typ: tar.TypeSymlink, link: "../../../etc/passwd"}), `link "manifest.json" points outside`},
		{"not an image", makeTar(t, tarFile{name: "hello", body: "x"}), "neither manifest.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			ios, in, out, _ := iostreams.Test()
			in.Write(tc.data)
			err := RunLoad(ios, st, LoadOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "Error response from daemon: ") {
				t.Fatalf("err %v, want it to mention %s", err, tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("output %q", out)
			}
			if imgs, _ := st.Images(); len(imgs) != 0 {
				t.Errorf("an image was stored: %v", imgs)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(st.Root()), "evil")); err == nil {
				t.Error("a file escaped the store")
			}
		})
	}
}

func TestSaveRefusesTerminal(t *testing.T) {
	st := newStore(t)
	buildImage(t, st, testNow, "x", "app:1")
	ios, _, _, _ := iostreams.Test()
	ios.SetTTY(true)
	err := RunSave(ios, st, SaveOptions{Images: []string{"app:1"}})
	if err == nil || err.Error() != "cowardly refusing to save to a terminal. Use the -o flag or redirect" {
		t.Errorf("save to a terminal: %v", err)
	}
	err = RunLoad(ios, st, LoadOptions{})
	if err == nil || err.Error() != "requested load from stdin, but stdin is empty" {
		t.Errorf("load from a terminal: %v", err)
	}
	err = RunSave(ios, st, SaveOptions{Images: []string{"nope:1"}, Output: filepath.Join(t.TempDir(), "x.tar")})
	if err == nil || err.Error() != "Error response from daemon: No such image: nope:1" {
		t.Errorf("save of a missing image: %v", err)
	}
}

func fuzzSeeds(t testing.TB) [][]byte {
	// Small seeds: the fuzzer mutates whole inputs, and a megabyte-sized
	// one slows every execution down to a crawl.
	st := newStore(t)
	l, _, err := st.PutLayer(bytes.NewReader(makeTar(t, tarFile{name: "etc/motd", body: "hi\n"})))
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.PutImage(&v1.ConfigFile{Config: v1.Config{Cmd: []string{"cat", "/etc/motd"}}}, []v1.Hash{l})
	if err != nil {
		t.Fatal(err)
	}
	st.Tag(id, "app:1")
	return [][]byte{
		save(t, st, "app:1"),
		evilSave(t, tarFile{name: "../evil", body: "x"}),
		makeTar(t, tarFile{name: "index.json", body: `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:` + strings.Repeat("0", 64) + `"}]}`}),
		sparseTar(),
		{},
	}
}

// FuzzLoad feeds arbitrary bytes to load: it may fail, but it must not
// panic, leave temporary files behind, or write anything outside the store.
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	parent := f.TempDir()
	st, err := store.Open(filepath.Join(parent, "engine"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Load(st, bytes.NewReader(data), io.Discard)
		ents, _ := os.ReadDir(parent)
		if len(ents) != 1 {
			t.Fatalf("load wrote outside the store: %v", ents)
		}
		if tmp, _ := os.ReadDir(filepath.Join(st.Root(), "tmp")); len(tmp) != 0 {
			t.Fatalf("temporary files left: %v", tmp)
		}
	})
}

// TestFuzzSeedsCurrent keeps testdata/fuzz/FuzzLoad in step with
// fuzzSeeds: the corpus must hold every seed, byte for byte, so go test
// replays them all. LEARN_WRITE_FUZZ_SEEDS=1 rewrites the files.
func TestFuzzSeedsCurrent(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	write := os.Getenv("LEARN_WRITE_FUZZ_SEEDS") != ""
	for i, s := range fuzzSeeds(t) {
		name := filepath.Join(dir, fmt.Sprintf("seed-%d", i))
		body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(s)) + ")\n"
		if write {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil || string(got) != body {
			t.Errorf("%s is missing or stale: run LEARN_WRITE_FUZZ_SEEDS=1 go test -run TestFuzzSeedsCurrent ./dockercmd", name)
		}
	}
}

// A sparse entry claims far more bytes than the archive holds (here 4GB
// from one header block); load must refuse it before spooling anything.
func TestLoadRefusesSparse(t *testing.T) {
	st := newStore(t)
	err := Load(st, bytes.NewReader(sparseTar()), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "sparse") {
		t.Fatalf("sparse entry: %v", err)
	}
}

func sparseTar() []byte {
	b := make([]byte, 512)
	octal := func(off int, v int64) { copy(b[off:], fmt.Sprintf("%011o\x00", v)) }
	copy(b, "manifest.json")
	copy(b[100:], "0000644\x00")
	octal(108, 0)
	octal(116, 0)
	octal(124, 0)
	octal(136, 0)
	b[156] = tar.TypeGNUSparse
	copy(b[257:], "ustar  \x00")
	octal(386, 1<<32-1) // one sparse entry: no data, at the very end
	octal(398, 0)
	octal(483, 1<<32-1) // real size
	copy(b[148:], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return append(b, make([]byte, 1024)...)
}
