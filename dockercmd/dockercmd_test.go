package dockercmd

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func init() { now = func() time.Time { return testNow } }

type tarFile struct {
	name, body string
	typ        byte
	link       string
}

func makeTar(t testing.TB, files ...tarFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		typ := f.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: f.name, Typeflag: typ, Linkname: f.link, Mode: 0o644, Size: int64(len(f.body)), ModTime: time.Unix(0, 0)}
		if typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(f.body))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "engine"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// buildImage stores a BuildKit-looking image: a base layer, a WORKDIR with
// no layer change in history terms, a COPY and a RUN.
func buildImage(t testing.TB, st *store.Store, created time.Time, app string, tags ...string) v1.Hash {
	t.Helper()
	base, _, err := st.PutLayer(bytes.NewReader(makeTar(t, tarFile{name: "bin/sh", body: strings.Repeat("x", 1500000)})))
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := st.PutLayer(bytes.NewReader(makeTar(t, tarFile{name: "app/main.py", body: app})))
	if err != nil {
		t.Fatal(err)
	}
	ts := func(d time.Duration) v1.Time { return v1.Time{Time: created.Add(d)} }
	cfg := &v1.ConfigFile{
		Created: ts(0),
		Config: v1.Config{
			Env:        []string{"PATH=/usr/local/bin:/usr/bin:/bin"},
			Cmd:        []string{"python", "main.py"},
			WorkingDir: "/app",
			Labels:     map[string]string{"course": "layerlab"},
		},
		History: []v1.History{
			{Created: ts(-48 * time.Hour), CreatedBy: "/bin/sh -c #(nop) ADD file:0123456789abcdef in / "},
			{Created: ts(-48 * time.Hour), CreatedBy: `/bin/sh -c #(nop)  CMD ["/bin/sh"]`, EmptyLayer: true},
			{Created: ts(0), CreatedBy: "WORKDIR /app", Comment: "buildkit.dockerfile.v0", EmptyLayer: true},
			{Created: ts(0), CreatedBy: "COPY main.py . # buildkit", Comment: "buildkit.dockerfile.v0"},
			{Created: ts(0), CreatedBy: `CMD ["python" "main.py"]`, Comment: "buildkit.dockerfile.v0", EmptyLayer: true},
		},
	}
	id, err := st.PutImage(cfg, []v1.Hash{base, code})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags {
		if err := st.Tag(id, tag); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func run(t *testing.T, fn func(*iostreams.IOStreams) error) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	err := fn(ios)
	return out.String(), errOut.String(), err
}

func TestImagesTable(t *testing.T) {
	st := newStore(t)
	old := buildImage(t, st, testNow.Add(-70*time.Minute), "print(1)", "app:1", "app:latest")
	nw := buildImage(t, st, testNow.Add(-2*time.Minute), "print(2)", "web:dev")
	dangling := buildImage(t, st, testNow.Add(-3*24*time.Hour), "print(3)")
	out, _, err := run(t, func(io *iostreams.IOStreams) error { return RunImages(io, st, ImagesOptions{}) })
	if err != nil {
		t.Fatal(err)
	}
	want := "REPOSITORY   TAG       IMAGE ID       CREATED             SIZE\n" +
		"web          dev       " + nw.Hex[:12] + "   2 minutes ago       1.5MB\n" +
		"app          1         " + old.Hex[:12] + "   About an hour ago   1.5MB\n" +
		"app          latest    " + old.Hex[:12] + "   About an hour ago   1.5MB\n" +
		"<none>       <none>    " + dangling.Hex[:12] + "   3 days ago          1.5MB\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}

	out, _, _ = run(t, func(io *iostreams.IOStreams) error { return RunImages(io, st, ImagesOptions{Quiet: true}) })
	if got := strings.Count(out, "\n"); got != 4 || !strings.HasPrefix(out, nw.Hex[:12]+"\n") {
		t.Errorf("-q:\n%s", out)
	}

	var f FilterOpt
	f.Set("dangling=true")
	out, _, _ = run(t, func(io *iostreams.IOStreams) error {
		return RunImages(io, st, ImagesOptions{Filter: f, Format: "{{.ID}} {{.Repository}}:{{.Tag}}", NoTrunc: true})
	})
	if out != dangling.String()+" <none>:<none>\n" {
		t.Errorf("dangling filter: %q", out)
	}

	out, _, _ = run(t, func(io *iostreams.IOStreams) error {
		return RunImages(io, st, ImagesOptions{Match: "app", Format: "table {{.Repository}}:{{.Tag}}\t{{.Size}}"})
	})
	if want := "REPOSITORY:TAG   SIZE\napp:1            1.5MB\napp:latest       1.5MB\n"; out != want {
		t.Errorf("reference + table format:\n%q\nwant\n%q", out, want)
	}

	out, _, _ = run(t, func(io *iostreams.IOStreams) error {
		return RunImages(io, st, ImagesOptions{Match: "web:*", Format: "json"})
	})
	var row map[string]string
	if err := json.Unmarshal([]byte(out), &row); err != nil || row["Repository"] != "web" || row["Size"] != "1.5MB" || row["Digest"] != "<none>" || row["CreatedSince"] != "2 minutes ago" {
		t.Errorf("json: %q %v", out, err)
	}

	var bad FilterOpt
	bad.Set("colour=red")
	_, _, err = run(t, func(io *iostreams.IOStreams) error { return RunImages(io, st, ImagesOptions{Filter: bad}) })
	if err == nil || err.Error() != "Error response from daemon: invalid filter 'colour'" {
		t.Errorf("bad filter: %v", err)
	}
	if err := bad.Set("nonsense"); err == nil || err.Error() != "bad format of filter (expected name=value)" {
		t.Errorf("filter syntax: %v", err)
	}
}

func TestHistory(t *testing.T) {
	st := newStore(t)
	id := buildImage(t, st, testNow.Add(-5*time.Minute), "print(1)", "app:1")
	out, _, err := run(t, func(io *iostreams.IOStreams) error {
		return RunHistory(io, st, HistoryOptions{Image: "app:1", Human: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT\n" +
		id.Hex[:12] + "   5 minutes ago   CMD [\"python\" \"main.py\"]                        0B        buildkit.dockerfile.v0\n" +
		"<missing>      5 minutes ago   COPY main.py . # buildkit                       8B        buildkit.dockerfile.v0\n" +
		"<missing>      5 minutes ago   WORKDIR /app                                    0B        buildkit.dockerfile.v0\n" +
		"<missing>      2 days ago      /bin/sh -c #(nop)  CMD [\"/bin/sh\"]              0B        \n" +
		"<missing>      2 days ago      /bin/sh -c #(nop) ADD file:0123456789abcdef …   1.5MB     \n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	out, _, _ = run(t, func(io *iostreams.IOStreams) error {
		return RunHistory(io, st, HistoryOptions{Image: id.Hex[:6], Human: false, NoTrunc: true, Format: "{{.ID}}|{{.Size}}|{{.CreatedAt}}"})
	})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || lines[0] != id.String()+"|0|"+time.Unix(testNow.Add(-5*time.Minute).Unix(), 0).Format(time.RFC3339) || !strings.HasPrefix(lines[4], "<missing>|1500000|") {
		t.Errorf("-H=false --no-trunc:\n%s", out)
	}
	out, _, _ = run(t, func(io *iostreams.IOStreams) error {
		return RunHistory(io, st, HistoryOptions{Image: "app:1", Quiet: true, Human: true})
	})
	if out != id.Hex[:12]+"\n<missing>\n<missing>\n<missing>\n<missing>\n" {
		t.Errorf("-q: %q", out)
	}
	_, _, err = run(t, func(io *iostreams.IOStreams) error {
		return RunHistory(io, st, HistoryOptions{Image: "nope", Human: true})
	})
	if err == nil || err.Error() != "Error response from daemon: No such image: nope:latest" {
		t.Errorf("missing: %v", err)
	}
}

func TestInspect(t *testing.T) {
	st := newStore(t)
	id := buildImage(t, st, testNow, "print(1)", "app:1")
	out, _, err := run(t, func(io *iostreams.IOStreams) error {
		return RunInspect(io, st, InspectOptions{Names: []string{"app:1"}, Object: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := st.Image("app:1")
	for _, want := range []string{
		"[\n    {\n        \"Id\": \"" + id.String() + "\",\n        \"RepoTags\": [\n            \"app:1\"\n        ],\n        \"RepoDigests\": [],\n        \"Parent\": \"\",\n",
		"        \"Created\": \"2025-06-01T12:00:00Z\",\n",
		"        \"Config\": {\n            \"Env\": [\n                \"PATH=/usr/local/bin:/usr/bin:/bin\"\n            ],\n            \"Cmd\": [\n                \"python\",\n                \"main.py\"\n            ],\n            \"WorkingDir\": \"/app\",\n            \"Labels\": {\n                \"course\": \"layerlab\"\n            }\n        },\n",
		"        \"Architecture\": \"amd64\",\n        \"Os\": \"linux\",\n        \"Size\": 1500008,\n        \"RootFS\": {\n            \"Type\": \"layers\",\n            \"Layers\": [\n                \"" + img.Layers[0].String() + "\",\n",
		"        \"Metadata\": {\n            \"LastTagTime\": \"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks\n%s\ngot\n%s", want, out)
		}
	}
	var arr []map[string]any
	if err := json.Unmarshal([]byte(out), &arr); err != nil || len(arr) != 1 {
		t.Fatalf("not a JSON array: %v", err)
	}

	out, _, err = run(t, func(io *iostreams.IOStreams) error {
		return RunInspect(io, st, InspectOptions{Names: []string{"app:1"}, Format: "{{json .Config.Cmd}} {{.Os}} {{index .Config.Labels \"course\"}} {{.Config.WorkingDir}}"})
	})
	if err != nil || out != `["python","main.py"] linux layerlab /app`+"\n" {
		t.Errorf("format: %q %v", out, err)
	}
	// Raw-JSON fallback: a key only the JSON has.
	out, _, err = run(t, func(io *iostreams.IOStreams) error {
		return RunInspect(io, st, InspectOptions{Names: []string{"app:1"}, Format: "{{.Id}}"})
	})
	if err != nil || out != id.String()+"\n" {
		t.Errorf("raw fallback: %q %v", out, err)
	}

	out, _, err = run(t, func(io *iostreams.IOStreams) error {
		return RunInspect(io, st, InspectOptions{Names: []string{"nope"}, Object: true})
	})
	if out != "[]\n" || err == nil || err.Error() != "Error: No such object: nope" {
		t.Errorf("docker inspect nope: %q %v", out, err)
	}
	_, _, err = run(t, func(io *iostreams.IOStreams) error {
		return RunInspect(io, st, InspectOptions{Names: []string{"nope", "app:1", "gone:2"}, Object: true, Type: "image"})
	})
	if err == nil || err.Error() != "Error response from daemon: No such image: nope:latest\nError response from daemon: No such image: gone:2" {
		t.Errorf("--type image: %v", err)
	}
	_, _, err = run(t, func(io *iostreams.IOStreams) error {
		return RunInspect(io, st, InspectOptions{Names: []string{"x"}, Object: true, Type: "bogus"})
	})
	if err == nil || !strings.HasPrefix(err.Error(), `unknown type: "bogus": must be one of "config", "container"`) {
		t.Errorf("bad type: %v", err)
	}
}

func TestTagAndRmi(t *testing.T) {
	st := newStore(t)
	id := buildImage(t, st, testNow, "print(1)", "app:1")
	for _, tc := range []struct{ src, dst, err string }{
		{"app:1", "app:2", ""},
		{"app:1", "Bad", `Error parsing reference: "Bad" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase`},
		{"app:1", "a b", `Error parsing reference: "a b" is not a valid repository/tag: invalid reference format`},
		{"app:9", "x", "Error response from daemon: No such image: app:9"},
		{"app:1", "x@sha256:" + strings.Repeat("a", 64), "refusing to create a tag with a digest reference"},
	} {
		_, _, err := run(t, func(io *iostreams.IOStreams) error { return RunTag(io, st, TagOptions{Source: tc.src, Target: tc.dst}) })
		if (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("tag %s %s: %v, want %q", tc.src, tc.dst, err, tc.err)
		}
	}
	_, _, err := run(t, func(io *iostreams.IOStreams) error { return RunRmi(io, st, RmiOptions{Images: []string{id.Hex[:5]}}) })
	if err == nil || err.Error() != "Error response from daemon: conflict: unable to delete "+id.Hex[:12]+" (must be forced) - image is referenced in multiple repositories" {
		t.Errorf("rmi id: %v", err)
	}
	out, _, err := run(t, func(io *iostreams.IOStreams) error {
		return RunRmi(io, st, RmiOptions{Images: []string{"app:2", "nope"}})
	})
	if out != "Untagged: app:2\n" || err == nil || err.Error() != "Error response from daemon: No such image: nope:latest" {
		t.Errorf("rmi app:2 nope: %q %v", out, err)
	}
	out, errOut, err := run(t, func(io *iostreams.IOStreams) error {
		return RunRmi(io, st, RmiOptions{Images: []string{"nope", "app:1"}, Force: true})
	})
	if err != nil || errOut != "Error response from daemon: No such image: nope:latest\n" || !strings.HasPrefix(out, "Untagged: app:1\nDeleted: "+id.String()+"\nDeleted: sha256:") {
		t.Errorf("rmi -f: %q %q %v", out, errOut, err)
	}
}

func TestImportWithChanges(t *testing.T) {
	st := newStore(t)
	rootfs := makeTar(t, tarFile{name: "bin/", typ: tar.TypeDir}, tarFile{name: "bin/hello", body: "#!/bin/sh\necho hi\n"}, tarFile{name: "etc/motd", body: "welcome\n"})
	ios, in, out, _ := iostreams.Test()
	in.Write(rootfs)
	err := RunImport(ios, st, ImportOptions{Source: "-", Reference: "mybox:1", Changes: []string{`CMD ["/bin/hello"]`, "ENV GREETING=hi", "EXPOSE 8080"}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := st.Image("mybox:1")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != img.ID.String()+"\n" {
		t.Errorf("output %q", out)
	}
	c := img.Config.Config
	if strings.Join(c.Cmd, " ") != "/bin/hello" || strings.Join(c.Env, ",") != "GREETING=hi" || len(c.ExposedPorts) != 1 || img.Size != int64(len("#!/bin/sh\necho hi\n")+len("welcome\n")) {
		t.Errorf("config %+v size %d", c, img.Size)
	}
	want, _, _ := v1.SHA256(bytes.NewReader(rootfs))
	if img.Layers[0] != want {
		t.Errorf("diffID %s, want the tar's digest %s", img.Layers[0], want)
	}
	if rec := InspectImage(img); rec.Comment != "Imported from -" {
		t.Errorf("comment %q", rec.Comment)
	}

	// No changes: no config at all, so no Env and no Cmd.
	ios, in, _, _ = iostreams.Test()
	in.Write(rootfs)
	if err := RunImport(ios, st, ImportOptions{Source: "-", Reference: "plain"}); err != nil {
		t.Fatal(err)
	}
	if img, _ := st.Image("plain"); img.Config.Config.Env != nil || img.Config.Config.Cmd != nil {
		t.Errorf("plain import has a config: %+v", img.Config.Config)
	}

	ios, in, _, _ = iostreams.Test()
	in.Write(rootfs)
	err = RunImport(ios, st, ImportOptions{Source: "-", Changes: []string{"RUN echo no"}})
	if err == nil || err.Error() != "Error response from daemon: RUN is not a valid change command" {
		t.Errorf("RUN change: %v", err)
	}

	ios, in, _, _ = iostreams.Test()
	in.Write(makeTar(t, tarFile{name: "../evil", body: "x"}))
	err = RunImport(ios, st, ImportOptions{Source: "-", Reference: "evil"})
	if err == nil || !strings.Contains(err.Error(), `"../evil"`) {
		t.Errorf("escaping import: %v", err)
	}
	if _, err := st.Image("evil"); err == nil {
		t.Error("escaping import was stored")
	}
}
