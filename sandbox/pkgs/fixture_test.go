package pkgs

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/shell"
	"github.com/layerlab/learn/sandbox/tools"
)

const testPath = "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"

// baseStatus is a python:3.14-slim-like dpkg database: what debian's
// bookworm-slim ships plus the python image's runtime libraries.
var baseStatus = []string{
	"base-files", "bash", "coreutils", "debconf", "dpkg", "libc6", "libc-bin", "zlib1g", "libzstd1",
	"libgnutls30", "libidn2-0", "libnettle8", "libhogweed6", "libgmp10", "libp11-kit0", "libtasn1-6",
	"libunistring2", "libffi8", "libpcre2-8-0", "libuuid1", "libselinux1", "libcom-err2", "libdb5.3",
	"libssl3", "ca-certificates", "openssl", "netbase", "tzdata", "libsqlite3-0", "libtinfo6",
	"libncursesw6", "libreadline8", "readline-common", "libbz2-1.0", "liblzma5", "libmd0", "libcrypt1",
	"perl-base", "libgcc-s1", "libstdc++6", "libudev1", "libsystemd0", "liblz4-1", "libacl1", "libattr1",
	"libpam0g", "libaudit1", "libcap-ng0", "libsemanage2", "libxxhash0", "libgpg-error0", "libgcrypt20",
	"debian-archive-keyring", "apt", "libapt-pkg6.0", "gpgv", "mawk", "sed", "grep", "tar", "gzip",
	"libexpat1", "libgdbm6", "libnsl2", "libtirpc3", "libtirpc-common", "libkeyutils1", "libmpdec3",
	"media-types", "gcc-12-base", "libbsd0",
}

// slimTree is a python:3.14-slim-like root: bookworm, Python 3.14 under
// /usr/local with pip 25.2, the sandbox tools and package managers on
// PATH, a dpkg database, an unprivileged "app" user.
func slimTree(t testing.TB) *layerfs.FS {
	t.Helper()
	f := layerfs.New()
	root := f.View(sandbox.Root)
	for _, d := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin", "/etc/apt/apt.conf.d", "/root", "/home/app",
		"/var/lib/dpkg/info", "/var/lib/apt/lists/partial", "/var/cache/apt/archives/partial", "/app",
		"/usr/local/lib/python3.14/site-packages/pip", "/usr/local/lib/python3.14/site-packages/pip-25.2.dist-info"} {
		must(t, root.MkdirAll(d, 0o755))
	}
	must(t, root.Mkdir("/tmp", 0o777))
	must(t, root.Chmod("/tmp", 0o777|fs.ModeSticky))
	must(t, root.Chmod("/root", 0o700))
	must(t, root.Chown("/home/app", 1000, 1000))
	must(t, root.Symlink("usr/bin", "/bin"))
	must(t, root.Symlink("usr/sbin", "/sbin"))
	elf := layerfs.Bytes([]byte("\x7fELF\x02\x01\x01"))
	for name := range tools.Default() {
		must(t, f.WriteContent("/usr/bin/"+name, elf, 0o755, 0, 0))
	}
	for _, name := range []string{"apt-get", "apt", "dpkg"} {
		must(t, f.WriteContent("/usr/bin/"+name, elf, 0o755, 0, 0))
	}
	must(t, f.WriteContent("/usr/local/bin/python3.14", elf, 0o755, 0, 0))
	must(t, root.Symlink("python3.14", "/usr/local/bin/python3"))
	must(t, root.Symlink("python3", "/usr/local/bin/python"))
	for _, name := range []string{"pip", "pip3", "pip3.14"} {
		writeT(t, root, "/usr/local/bin/"+name, "#!/usr/local/bin/python3.14\nfrom pip._internal.cli.main import main\n", 0o755)
	}
	writeT(t, root, "/usr/local/lib/python3.14/site-packages/pip/__init__.py", "__version__ = \"25.2\"\n", 0o644)
	writeT(t, root, "/usr/local/lib/python3.14/site-packages/pip-25.2.dist-info/METADATA", "Metadata-Version: 2.4\nName: pip\nVersion: 25.2\n", 0o644)
	writeT(t, root, "/usr/local/lib/python3.14/site-packages/pip-25.2.dist-info/top_level.txt", "pip\n", 0o644)
	writeT(t, root, "/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n", 0o644)
	writeT(t, root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\napp:x:1000:1000::/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", 0o644)
	writeT(t, root, "/etc/group", "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n", 0o644)
	writeT(t, root, "/etc/apt/apt.conf.d/docker-clean", "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\nDir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n", 0o644)
	writeT(t, root, "/etc/apt/apt.conf.d/docker-gzip-indexes", "Acquire::GzipIndexes \"true\";\n", 0o644)
	var st strings.Builder
	for _, name := range baseStatus {
		st.WriteString("Package: " + name + "\nStatus: install ok installed\nPriority: required\nArchitecture: amd64\nVersion: 1.0\nDescription: base package\n\n")
	}
	writeT(t, root, "/var/lib/dpkg/status", st.String(), 0o644)
	return f
}

var appUser = sandbox.Identity{UID: 1000, GID: 1000, Name: "app", Home: "/home/app"}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func writeT(t testing.TB, fsys sandbox.FS, name, content string, mode fs.FileMode) {
	t.Helper()
	must(t, writeFile(fsys, name, content, mode))
}

func readT(t testing.TB, fsys sandbox.FS, name string) string {
	t.Helper()
	s, err := readFile(fsys, name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return s
}

type result struct {
	out, err string
	code     int
}

func (r result) all() string { return r.out + r.err }

// run runs script through the sandbox shell as id in dir.
func run(t testing.TB, f *layerfs.FS, id sandbox.Identity, dir, script string, env ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	reg := tools.Default()
	for k, v := range Tools() {
		reg[k] = v
	}
	cfg := shell.Config{
		FS: f.View(id), Dir: dir,
		Env:    append([]string{"PATH=" + testPath, "HOME=" + id.Home, "LANG=C.UTF-8", "PYTHON_VERSION=3.14.0"}, env...),
		Stdout: &out, Stderr: &errb, Tools: reg, Hostname: "buildkitsandbox",
	}
	code, err := shell.Run(ctx, cfg, script)
	if err != nil {
		t.Fatalf("Run(%q): sandbox error %v (stderr %q)", script, err, errb.String())
	}
	return result{out.String(), errb.String(), code}
}

// layerSize is what committing the upper layer would add to an image.
func layerSize(f *layerfs.FS) int64 {
	l, _ := f.Fork().Commit()
	return l.Size()
}
