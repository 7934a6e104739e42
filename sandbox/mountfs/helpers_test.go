//go:build unix

package mountfs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/hostfs"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/shell"
	"github.com/layerlab/learn/sandbox/tools"
)

const testPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

var nobody = sandbox.Identity{UID: 65534, GID: 65534, Name: "nobody", Home: "/nonexistent"}

// rootTree is a small Debian-like root: every sandbox tool in /usr/bin,
// /bin -> usr/bin, the usual accounts, an /app without the mountpoint.
func rootTree(t testing.TB) *layerfs.FS {
	t.Helper()
	f := layerfs.New()
	root := f.View(sandbox.Root)
	for _, d := range []string{"/usr/bin", "/usr/sbin", "/etc", "/root", "/app/src", "/var/lib"} {
		must(t, root.MkdirAll(d, 0o755))
	}
	must(t, root.Mkdir("/tmp", 0o777))
	must(t, root.Chmod("/tmp", 0o777|fs.ModeSticky))
	must(t, root.Symlink("usr/bin", "/bin"))
	for name := range tools.Default() {
		must(t, f.WriteContent("/usr/bin/"+name, layerfs.Bytes([]byte("\x7fELF\x02\x01\x01")), 0o755, 0, 0))
	}
	must(t, f.WriteContent("/etc/passwd", layerfs.Bytes([]byte("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")), 0o644, 0, 0))
	must(t, f.WriteContent("/etc/group", layerfs.Bytes([]byte("root:x:0:\nnogroup:x:65534:\n")), 0o644, 0, 0))
	must(t, f.WriteContent("/etc/hostname", layerfs.Bytes([]byte("container-host\n")), 0o644, 0, 0))
	must(t, f.WriteContent("/app/src/main.py", layerfs.Bytes([]byte("print('hi')\n")), 0o644, 0, 0))
	return f
}

// world is a container root with a bind mount at /app/data, a named
// volume at /vol, a read-only bind at /ro and a read-only volume at /rovol.
type world struct {
	layers               *layerfs.FS
	fs                   sandbox.FS
	bind, vol, ro, rovol string // host directories
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{layers: rootTree(t)}
	base := t.TempDir()
	var mounts []Mount
	for _, m := range []struct {
		dir    *string
		name   string
		target string
		ro     bool // on the Mount
		hostRO bool // in hostfs.Options
	}{
		{&w.bind, "bind", "/app/data", false, false},
		{&w.vol, "volumes/cache/_data", "/vol", false, false},
		{&w.ro, "config", "/ro", true, false},
		{&w.rovol, "volumes/seed/_data", "/rovol", false, true},
	} {
		*m.dir = filepath.Join(base, m.name)
		must(t, os.MkdirAll(*m.dir, 0o755))
		must(t, os.Chmod(*m.dir, 0o755))
		h, err := hostfs.New(*m.dir, hostfs.Options{ReadOnly: m.hostRO, Identity: sandbox.Root})
		must(t, err)
		mounts = append(mounts, Mount{Target: m.target, FS: h, ReadOnly: m.ro})
	}
	must(t, os.WriteFile(filepath.Join(w.bind, "in.txt"), []byte("from host\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(w.ro, "app.conf"), []byte("debug=0\n"), 0o644))
	w.fs = New(w.layers.View(sandbox.Root), mounts)
	return w
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func errnoIs(err error, want syscall.Errno) bool {
	var e syscall.Errno
	return errors.As(err, &e) && e == want
}

func hostRead(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("host: %v", err)
	}
	return string(b)
}

func readAll(t testing.TB, fsys sandbox.FS, name string) string {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeAll(fsys sandbox.FS, name, content string) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte(content)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type result struct {
	out, err string
	code     int
}

// run runs script in the sandbox's shell over fsys, as its identity.
func run(t testing.TB, fsys sandbox.FS, dir, script string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code, err := shell.Run(ctx, shell.Config{
		FS: fsys, Dir: dir,
		Env:    []string{"PATH=" + testPath, "HOME=" + fsys.Identity().Home},
		Stdout: &out, Stderr: &errb,
		Tools: tools.Default(), Hostname: "abc123",
	}, script)
	if err != nil {
		t.Fatalf("Run(%q): sandbox error %v (stderr %q)", script, err, errb.String())
	}
	return result{out.String(), errb.String(), code}
}

// match compares exactly, or as a substring when want starts with "~".
func match(want, got string) bool {
	if s, ok := strings.CutPrefix(want, "~"); ok {
		return strings.Contains(got, s)
	}
	return want == got
}
