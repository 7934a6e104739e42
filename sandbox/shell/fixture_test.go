package shell

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/tools"
)

const testPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// debianTree is a small Debian-like root: merged /usr, every sandbox tool
// as an ELF-looking executable in /usr/bin, the usual accounts.
func debianTree(t *testing.T) *layerfs.FS {
	t.Helper()
	f := layerfs.New()
	root := f.View(sandbox.Root)
	for _, d := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin", "/etc", "/root", "/home", "/var/lib", "/app", "/opt"} {
		if err := root.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must(t, root.Mkdir("/tmp", 0o777))
	must(t, root.Chmod("/tmp", 0o777|fs.ModeSticky))
	must(t, root.Chmod("/root", 0o700))
	must(t, root.Symlink("usr/bin", "/bin"))
	must(t, root.Symlink("usr/sbin", "/sbin"))
	for name := range tools.Default() {
		dir := "/usr/bin/"
		if strings.Contains("useradd groupadd userdel groupdel usermod adduser addgroup deluser delgroup", name) {
			dir = "/usr/sbin/"
		}
		must(t, f.WriteContent(dir+name, layerfs.Bytes([]byte("\x7fELF\x02\x01\x01")), 0o755, 0, 0))
	}
	writeFile(t, root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0o644)
	writeFile(t, root, "/etc/group", "root:x:0:\ndaemon:x:1:\nusers:x:100:\nnogroup:x:65534:\n", 0o644)
	writeFile(t, root, "/etc/hostname", "container-host\n", 0o644)
	writeFile(t, root, "/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n", 0o644)
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, fsys sandbox.FS, name, content string, mode fs.FileMode) {
	t.Helper()
	f, err := fsys.OpenFile(name, 0x241 /* O_WRONLY|O_CREATE|O_TRUNC */, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	must(t, f.Close())
	must(t, fsys.Chmod(name, mode))
}

func readFile(t *testing.T, fsys sandbox.FS, name string) string {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	var b bytes.Buffer
	b.ReadFrom(f)
	return b.String()
}

type result struct {
	out, err string
	code     int
}

func runAs(t *testing.T, fsys sandbox.FS, dir, script string, env ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	cfg := Config{
		FS: fsys, Dir: dir,
		Env:    append([]string{"PATH=" + testPath, "HOME=" + fsys.Identity().Home}, env...),
		Stdout: &out, Stderr: &errb,
		Tools:    tools.Default(),
		Hostname: "abc123",
	}
	code, err := Run(ctx, cfg, script)
	if err != nil {
		t.Fatalf("Run(%q): sandbox error %v (stderr %q)", script, err, errb.String())
	}
	return result{out.String(), errb.String(), code}
}

var nobody = sandbox.Identity{UID: 65534, GID: 65534, Name: "nobody", Home: "/nonexistent"}
