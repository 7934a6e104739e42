package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/layerlab/learn/sandbox/cachecase"
	"github.com/layerlab/learn/sandbox/runtime"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/testimage"
	"github.com/layerlab/learn/sandbox/tools"
)

func newRuntime(t testing.TB) (*runtime.Runtime, *store.Image) {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rootfs, _ := testimage.Rootfs(nil)
	if err := cachecase.ImportBase(st, rootfs); err != nil {
		t.Fatal(err)
	}
	img, err := st.Image(cachecase.BaseImage)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := runtime.New(t.TempDir(), st, nil, tools.Default())
	if err != nil {
		t.Fatal(err)
	}
	return rt, img
}

func start(t testing.TB, rt *runtime.Runtime, c *runtime.Container) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code, err := rt.Start(context.Background(), c, runtime.Stdio{Out: &out, Err: &out})
	if err != nil {
		t.Fatal(err)
	}
	return code, out.String()
}

// A container's writes survive a second run of the same container, and
// nobody else sees them.
func TestWritableLayerPerContainer(t *testing.T) {
	rt, img := newRuntime(t)
	c, err := rt.Create(runtime.CreateOptions{Name: "keeper", Image: "learnbase:1", Cmd: []string{"sh", "-c", "echo run >> /log.txt; cat /log.txt"}}, img)
	if err != nil {
		t.Fatal(err)
	}
	if _, out := start(t, rt, c); out != "run\n" {
		t.Fatalf("first run printed %q", out)
	}
	again, _ := rt.Get("keeper")
	if _, out := start(t, rt, again); out != "run\nrun\n" {
		t.Fatalf("second run of the same container printed %q, want two lines", out)
	}
	other, _ := rt.Create(runtime.CreateOptions{Image: "learnbase:1", Cmd: []string{"cat", "/log.txt"}}, img)
	if code, out := start(t, rt, other); code == 0 || !strings.Contains(out, "No such file") {
		t.Fatalf("another container saw the write: %d %q", code, out)
	}
	if other.Name == "" || !strings.Contains(other.Name, "_") {
		t.Errorf("generated name %q", other.Name)
	}
}

func TestCmdEntrypointRules(t *testing.T) {
	rt, img := newRuntime(t)
	img.Config.Config.Entrypoint = []string{"echo", "ep"}
	img.Config.Config.Cmd = []string{"default"}
	empty := ""
	cat := "cat"
	cases := []struct {
		opt  runtime.CreateOptions
		want string
	}{
		{runtime.CreateOptions{}, "echo ep default"},
		{runtime.CreateOptions{Cmd: []string{"given"}}, "echo ep given"},
		{runtime.CreateOptions{Entrypoint: &cat}, "cat"},
		{runtime.CreateOptions{Entrypoint: &cat, Cmd: []string{"/etc/passwd"}}, "cat /etc/passwd"},
		{runtime.CreateOptions{Entrypoint: &empty, Cmd: []string{"true"}}, "true"},
	}
	for _, tc := range cases {
		c, err := rt.Create(tc.opt, img)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Command(); got != tc.want {
			t.Errorf("%+v: command %q, want %q", tc.opt, got, tc.want)
		}
	}
	if _, err := rt.Create(runtime.CreateOptions{Entrypoint: &empty}, img); err == nil || err.Error() != "No command specified" {
		t.Errorf("no command: %v", err)
	}
}

func TestNamesAndRemove(t *testing.T) {
	rt, img := newRuntime(t)
	c, err := rt.Create(runtime.CreateOptions{Name: "db", Cmd: []string{"true"}}, img)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.Create(runtime.CreateOptions{Name: "db", Cmd: []string{"true"}}, img)
	var conflict *runtime.ConflictError
	if !errors.As(err, &conflict) || conflict.ID != c.ID {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := rt.Create(runtime.CreateOptions{Name: "x", Cmd: []string{"true"}}, img); err == nil {
		t.Error("a one-letter name is invalid in docker")
	}
	if got, err := rt.Get(c.ID[:5]); err != nil || got.ID != c.ID {
		t.Errorf("ID prefix: %v", err)
	}
	// rmi is refused while a container uses the image.
	if refs := rt.Store.Containers(img.ID); len(refs) != 1 {
		t.Errorf("containers using the image: %v", refs)
	}
	if _, err := rt.Remove("db", false, false); err != nil {
		t.Fatal(err)
	}
	var nf *runtime.NotFoundError
	if _, err := rt.Get("db"); !errors.As(err, &nf) {
		t.Errorf("after rm: %v", err)
	}
}

func TestLogsKeepStreams(t *testing.T) {
	rt, img := newRuntime(t)
	c, _ := rt.Create(runtime.CreateOptions{Cmd: []string{"sh", "-c", "echo out; echo err >&2; printf partial"}}, img)
	start(t, rt, c)
	lines, err := rt.Logs(c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.Stream+":"+l.Text)
	}
	if strings.Join(got, "|") != "stdout:out\n|stderr:err\n|stdout:partial" {
		t.Errorf("logs %q", got)
	}
}
