package build_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/build"
	"github.com/layerlab/learn/sandbox/cachecase"
	"github.com/layerlab/learn/sandbox/contenthash"
	"github.com/layerlab/learn/sandbox/progress"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/testimage"
	"github.com/layerlab/learn/sandbox/tools"
)

// newStore returns a store holding the test base image learnbase:1.
func newStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rootfs, err := testimage.Rootfs(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cachecase.ImportBase(st, rootfs); err != nil {
		t.Fatal(err)
	}
	return st
}

// writeContext lays out files (name → content) in a new directory.
func writeContext(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func doBuild(t testing.TB, st *store.Store, dir string, opt build.Options) (*build.Result, string, error) {
	t.Helper()
	var out bytes.Buffer
	opt.ContextDir = dir
	opt.Store = st
	opt.Tools = tools.Default()
	opt.Progress = progress.NewPlain(&out)
	if opt.Tags == nil {
		opt.Tags = []string{"test"}
	}
	res, err := build.Build(context.Background(), opt)
	return res, out.String(), err
}

// rootFS is the image's merged filesystem.
func rootFS(t testing.TB, st *store.Store, ref string) sandbox.FS {
	t.Helper()
	fsys, _, err := (&rootfs.Loader{Store: st}).Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	return fsys.View(sandbox.Root)
}

func readFile(t testing.TB, fsys sandbox.FS, name string) string {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return string(b)
}

func TestImageConfig(t *testing.T) {
	st := newStore(t)
	dir := writeContext(t, map[string]string{"Dockerfile": `FROM learnbase:1
ENV APP_ENV=prod LANG=C.UTF-8
WORKDIR /srv
WORKDIR app
USER nobody
EXPOSE 8000 9000/udp
LABEL org.opencontainers.image.title="pipeline" team=data
VOLUME ["/data"]
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --retries=2 CMD ["true"]
ENTRYPOINT ["python"]
CMD ["src/pipeline.py"]
`})
	if _, out, err := doBuild(t, st, dir, build.Options{}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	img, err := st.Image("test")
	if err != nil {
		t.Fatal(err)
	}
	c := img.Config.Config
	checks := []struct {
		what      string
		got, want any
	}{
		{"Env", strings.Join(c.Env, " "), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin APP_ENV=prod LANG=C.UTF-8"},
		{"WorkingDir", c.WorkingDir, "/srv/app"},
		{"User", c.User, "nobody"},
		{"Entrypoint", strings.Join(c.Entrypoint, " "), "python"},
		{"Cmd", strings.Join(c.Cmd, " "), "src/pipeline.py"},
		{"StopSignal", c.StopSignal, "SIGINT"},
		{"Label", c.Labels["org.opencontainers.image.title"], "pipeline"},
		{"Healthcheck", strings.Join(c.Healthcheck.Test, " ") + " " + c.Healthcheck.Interval.String(), "CMD true 5s"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.what, ch.got, ch.want)
		}
	}
	if _, ok := c.ExposedPorts["9000/udp"]; !ok || len(c.ExposedPorts) != 2 {
		t.Errorf("ExposedPorts = %v", c.ExposedPorts)
	}
	if _, ok := c.Volumes["/data"]; !ok {
		t.Errorf("Volumes = %v", c.Volumes)
	}
	// History: the imported layer, then one entry per instruction, with
	// empty_layer for metadata and for WORKDIR steps that changed nothing.
	var created []string
	for _, h := range img.Config.History[1:] {
		created = append(created, h.CreatedBy)
	}
	if created[0] != "ENV APP_ENV=prod LANG=C.UTF-8" || created[len(created)-1] != `CMD ["src/pipeline.py"]` {
		t.Errorf("history = %q", created)
	}
	if got, want := len(img.Config.RootFS.DiffIDs), len(img.Layers); got != want {
		t.Errorf("%d diffIDs for %d layers", got, want)
	}
}

// ENTRYPOINT drops a CMD inherited from the base, but not one set in the
// same stage.
func TestEntrypointResetsInheritedCmd(t *testing.T) {
	st := newStore(t)
	dir := writeContext(t, map[string]string{
		"Dockerfile": "FROM learnbase:1 AS base\nCMD [\"sh\"]\n\nFROM base\nENTRYPOINT [\"echo\"]\n",
	})
	if _, out, err := doBuild(t, st, dir, build.Options{}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	img, _ := st.Image("test")
	if len(img.Config.Config.Cmd) != 0 {
		t.Errorf("Cmd = %v, want none after ENTRYPOINT", img.Config.Config.Cmd)
	}
}

func TestCopyAndAdd(t *testing.T) {
	st := newStore(t)
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	tw.WriteHeader(&tar.Header{Name: "pkg/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "pkg/data.txt", Typeflag: tar.TypeReg, Mode: 0o600, Size: 5})
	tw.Write([]byte("12345"))
	tw.Close()
	dockerfile := strings.Join([]string{
		"FROM learnbase:1",
		"COPY --chown=nobody:nogroup --chmod=750 run.sh /opt/",
		"COPY a.txt b.txt /multi/",
		"ADD bundle.tar /srv/",
		"COPY <<EOT /etc/motd",
		"hello from a heredoc",
		"EOT",
		"RUN <<EOT",
		"echo from a heredoc > /heredoc.txt",
		"EOT",
		"",
	}, "\n")
	dir := writeContext(t, map[string]string{
		"Dockerfile": dockerfile,
		"run.sh":     "echo run", "a.txt": "a", "b.txt": "b", "bundle.tar": tarBuf.String(),
	})
	if _, out, err := doBuild(t, st, dir, build.Options{}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	fsys := rootFS(t, st, "test")
	fi, err := fsys.Stat("/opt/run.sh")
	if err != nil {
		t.Fatal(err)
	}
	if o := sandbox.OwnerOf(fi); o.UID != 65534 || o.GID != 65534 || fi.Mode().Perm() != 0o750 {
		t.Errorf("run.sh owner %d:%d mode %v, want 65534:65534 0750", o.UID, o.GID, fi.Mode().Perm())
	}
	if readFile(t, fsys, "/multi/b.txt") != "b" {
		t.Error("multi-source COPY into a directory")
	}
	if readFile(t, fsys, "/srv/pkg/data.txt") != "12345" {
		t.Error("ADD did not unpack the local tar")
	}
	if readFile(t, fsys, "/etc/motd") != "hello from a heredoc\n" {
		t.Error("COPY heredoc")
	}
	if readFile(t, fsys, "/heredoc.txt") != "from a heredoc\n" {
		t.Error("RUN heredoc")
	}
}

func TestBuildErrors(t *testing.T) {
	cases := []struct {
		name, dockerfile, want string
		line                   int
	}{
		{"multi source", "FROM learnbase:1\nCOPY a b /dest\n", "destination must be a directory and end with a /", 2},
		{"add url", "FROM learnbase:1\nADD https://example.com/x /x\n", "no network", 2},
		{"unknown user", "FROM learnbase:1\nUSER ghost\nRUN true\n", "unable to find user ghost", 3},
		{"scratch run", "FROM scratch\nRUN echo hi\n", "", 2},
		{"cycle", "FROM learnbase:1 AS a\nCOPY --from=b / /\nFROM learnbase:1 AS b\nCOPY --from=a / /\n", "", 0},
		{"bad chmod", "FROM learnbase:1\nCOPY --chmod=999 a /a\n", "invalid chmod parameter", 2},
	}
	st := newStore(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeContext(t, map[string]string{"Dockerfile": c.dockerfile, "a": "a", "b": "b"})
			_, out, err := doBuild(t, st, dir, build.Options{})
			var be *build.Error
			if !errors.As(err, &be) {
				t.Fatalf("error %v (%T), want *build.Error\n%s", err, err, out)
			}
			if !strings.Contains(be.Msg, c.want) {
				t.Errorf("message %q, want it to contain %q", be.Msg, c.want)
			}
			if c.line != 0 && be.Line != c.line {
				t.Errorf("line %d, want %d", be.Line, c.line)
			}
			if !strings.Contains(be.Report(), "ERROR: failed to solve: ") {
				t.Errorf("report %q", be.Report())
			}
		})
	}
}

// A failed step leaves nothing behind: the next build of a fixed
// Dockerfile starts from the last good step.
func TestFailedStepStoresNothing(t *testing.T) {
	st := newStore(t)
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM learnbase:1\nRUN echo one > /one\nRUN echo two > /two && exit 1\n"})
	if _, _, err := doBuild(t, st, dir, build.Options{}); err == nil {
		t.Fatal("want the build to fail")
	}
	if _, err := st.Image("test"); err == nil {
		t.Error("a failed build tagged an image")
	}
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM learnbase:1\nRUN echo one > /one\nRUN echo two > /two\n"), 0o644)
	res, out, err := doBuild(t, st, dir, build.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !res.Steps[1].Cached || res.Steps[2].Cached {
		t.Errorf("steps %+v: want the first RUN cached and the second run", res.Steps)
	}
	if readFile(t, rootFS(t, st, "test"), "/two") != "two\n" {
		t.Error("second RUN's file missing")
	}
}

// A fully cached rebuild makes the same image ID (BuildKit dates history by
// the layers' records); a metadata change makes a new one.
func TestImageIDStable(t *testing.T) {
	st := newStore(t)
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM learnbase:1\nRUN echo hi > /hi\nCMD [\"cat\", \"/hi\"]\n"})
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	first, _, err := doBuild(t, st, dir, build.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	second, _, _ := doBuild(t, st, dir, build.Options{Now: now})
	if first.ImageID != second.ImageID {
		t.Errorf("cached rebuild changed the ID: %s -> %s", first.ImageID, second.ImageID)
	}
	os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM learnbase:1\nRUN echo hi > /hi\nCMD [\"cat\", \"/etc/hostname\"]\n"), 0o644)
	third, _, _ := doBuild(t, st, dir, build.Options{Now: now})
	if third.ImageID == first.ImageID || !third.Steps[1].Cached {
		t.Errorf("CMD change: id %s (was %s), RUN cached %v", third.ImageID, first.ImageID, third.Steps[1].Cached)
	}
}

// Steps carry what went into their keys, so a checker can say why a step
// ran.
func TestStepInputs(t *testing.T) {
	st := newStore(t)
	dir := writeContext(t, map[string]string{"Dockerfile": "FROM learnbase:1\nENV A=1\nCOPY src/ /app/\nRUN ls /app\n", "src/x.py": "x", "src/y.py": "y"})
	res, _, err := doBuild(t, st, dir, build.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	cp := res.Steps[1]
	if cp.Inputs.Op != "COPY" || len(cp.Inputs.Files) < 2 {
		t.Fatalf("COPY inputs %+v", cp.Inputs)
	}
	run := res.Steps[2]
	if run.Inputs.Parent != cp.Key || !strings.Contains(strings.Join(run.Inputs.Env, " "), "A=1") {
		t.Errorf("RUN inputs %+v", run.Inputs)
	}
}

func hashCache(tb testing.TB) *contenthash.Cache { return contenthash.NewCache() }

// A base image's ONBUILD triggers run first in a stage built FROM it, named
// "ONBUILD ..." and counted in the step total; they do not pass on.
func TestOnbuildTriggers(t *testing.T) {
	st := newStore(t)
	base := writeContext(t, map[string]string{"Dockerfile": "FROM learnbase:1\nONBUILD COPY app.txt /app/\nONBUILD RUN cat /app/app.txt > /seen.txt\n"})
	if _, out, err := doBuild(t, st, base, build.Options{Tags: []string{"onbase"}}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	child := writeContext(t, map[string]string{"Dockerfile": "FROM onbase\nRUN cat /seen.txt\n", "app.txt": "from the child's context\n"})
	res, out, err := doBuild(t, st, child, build.Options{Tags: []string{"onchild"}})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var names []string
	for _, s := range res.Steps {
		names = append(names, s.Name)
	}
	want := "[1/4] FROM docker.io/library/onbase:latest|[2/4] ONBUILD COPY app.txt /app/|[3/4] ONBUILD RUN cat /app/app.txt > /seen.txt|[4/4] RUN cat /seen.txt"
	if got := strings.Join(names, "|"); got != want {
		t.Errorf("steps\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(out, "from the child's context") {
		t.Errorf("the trigger did not run with the child's context:\n%s", out)
	}
	img, _ := st.Image("onchild")
	if len(img.Config.Config.OnBuild) != 0 {
		t.Errorf("triggers passed on: %v", img.Config.Config.OnBuild)
	}
}
