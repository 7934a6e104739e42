package pkgs

import (
	"strings"
	"testing"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
)

func TestAptGet(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		id           sandbox.Identity
		code         int
		want         []string
	}{
		{"before update", "apt-get install -y curl", sandbox.Root, 100, []string{
			"Reading package lists...\nBuilding dependency tree...\nReading state information...\n", "E: Unable to locate package curl\n"}},
		{"update and install", "apt-get update && apt-get install -y curl", sandbox.Root, 0, []string{
			"Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]\n",
			"Get:4 http://deb.debian.org/debian bookworm/main amd64 Packages [8,792 kB]\n",
			"Fetched 9,332 kB in 1s",
			"The following NEW packages will be installed:\n  curl krb5-locales libbrotli1 libcurl4 libgssapi-krb5-2 libk5crypto3 libkrb5-3\n",
			"0 upgraded, 18 newly installed, 0 to remove and 0 not upgraded.\n",
			"Selecting previously unselected package curl.\n",
			"Setting up curl (7.88.1-10+deb12u14) ...\n",
			"Setting up libcurl4:amd64 (7.88.1-10+deb12u14) ...\n",
			"Preparing to unpack .../17-curl_7.88.1-10+deb12u14_amd64.deb ...\n",
		}},
		{"unknown after update", "apt-get update -qq && apt-get install -y nosuch", sandbox.Root, 100, []string{"E: Unable to locate package nosuch\n"}},
		{"asks without -y", "apt-get update -qq && apt-get install curl", sandbox.Root, 1, []string{"Do you want to continue? [Y/n] Abort.\n"}},
		{"not root", "apt-get install -y curl", appUser, 100, []string{
			"E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n"}},
		{"apt warns", "apt update", sandbox.Root, 0, []string{
			"WARNING: apt does not have a stable CLI interface. Use with caution in scripts.",
			"All packages are up to date.\n"}},
		{"already installed", "apt-get update -qq && apt-get install -y openssl", sandbox.Root, 0, []string{
			"openssl is already the newest version (3.0.17-1~deb12u2).\n0 upgraded, 0 newly installed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := slimTree(t)
			r := run(t, f, tc.id, "/", tc.script)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tc.code, r.all())
			}
			for _, w := range tc.want {
				if !strings.Contains(r.all(), w) {
					t.Errorf("output lacks %q:\n%s", w, r.all())
				}
			}
		})
	}
}

func TestAptTraces(t *testing.T) {
	f := slimTree(t)
	r := run(t, f, sandbox.Root, "/", "apt-get update && apt-get install -y --no-install-recommends postgresql-client")
	if r.code != 0 {
		t.Fatal(r.all())
	}
	v := f.View(sandbox.Root)
	status := readT(t, v, "/var/lib/dpkg/status")
	if !strings.Contains(status, "Package: postgresql-client-15\nStatus: install ok installed\n") || !strings.Contains(status, "Package: libpq5\n") {
		t.Error("dpkg status lacks the new packages")
	}
	if fi, err := v.Stat("/usr/bin/psql"); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("psql missing or not executable: %v", err)
	}
	if len(glob(v, archivesDir, "*.deb")) != 0 {
		t.Error("docker-clean should leave no .deb files")
	}
	again := run(t, f, sandbox.Root, "/", "apt-get install -y postgresql-client")
	if !strings.Contains(again.out, "postgresql-client is already the newest version") {
		t.Errorf("second install:\n%s", again.all())
	}
}

func TestAptSizes(t *testing.T) {
	size := func(script string) int64 {
		f := slimTree(t)
		if r := run(t, f, sandbox.Root, "/", script); r.code != 0 {
			t.Fatalf("%s:\n%s", script, r.all())
		}
		return layerSize(f)
	}
	full := size("apt-get update && apt-get install -y curl")
	cleaned := size("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*")
	lean := size("apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*")
	lists := full - cleaned
	if lists < 15e6 || lists > 20e6 {
		t.Errorf("lists are %d bytes, want 15-20 MB", lists)
	}
	if lean >= cleaned {
		t.Errorf("--no-install-recommends %d >= %d", lean, cleaned)
	}
	if cleaned < 3e6 || cleaned > 12e6 {
		t.Errorf("curl and its libraries take %d bytes", cleaned)
	}
	t.Logf("update+curl %d MB, lists removed %d MB, no recommends %d MB", full/1e6, cleaned/1e6, lean/1e6)
	// Without docker-clean the .debs stay until apt-get clean.
	f := slimTree(t)
	must(t, f.View(sandbox.Root).Remove(dockerClean))
	run(t, f, sandbox.Root, "/", "apt-get update -qq && apt-get install -y -qq make")
	v := f.View(sandbox.Root)
	if len(glob(v, archivesDir, "*.deb")) != 1 {
		t.Error("make's .deb not kept")
	}
	run(t, f, sandbox.Root, "/", "apt-get clean")
	if len(glob(v, archivesDir, "*.deb")) != 0 || exists(v, "/var/cache/apt/pkgcache.bin") {
		t.Error("apt-get clean left files")
	}
}

func alpineTree(t testing.TB) *layerfs.FS {
	f := slimTree(t)
	root := f.View(sandbox.Root)
	writeT(t, root, "/etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n", 0o644)
	writeT(t, root, "/etc/alpine-release", "3.20.3\n", 0o644)
	writeT(t, root, "/sbin/apk", elfStub, 0o755)
	var db strings.Builder
	for _, n := range []string{"alpine-baselayout", "alpine-baselayout-data", "alpine-keys", "apk-tools", "busybox", "busybox-binsh", "ca-certificates-bundle", "libcrypto3", "libssl3", "musl", "musl-utils", "scanelf", "ssl_client", "zlib"} {
		db.WriteString("P:" + n + "\nV:1\nI:550000\n\n")
	}
	writeT(t, root, apkInstalled, db.String(), 0o644)
	return f
}

func TestApk(t *testing.T) {
	f := alpineTree(t)
	r := run(t, f, sandbox.Root, "/", "apk add --no-cache curl")
	want := "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\n" +
		"fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz\n" +
		"(1/10) Installing ca-certificates (20241121-r1)\n"
	if r.code != 0 || !strings.HasPrefix(r.out, want) || !strings.Contains(r.out, "(10/10) Installing curl (8.12.1-r0)\n") || !strings.Contains(r.out, "OK: 13 MiB in 24 packages\n") {
		t.Errorf("apk add:\n%s", r.all())
	}
	v := f.View(sandbox.Root)
	if exists(v, "/var/cache/apk") && len(glob(v, "/var/cache/apk", "*")) > 0 {
		t.Error("--no-cache left an index")
	}
	run(t, f, sandbox.Root, "/", "apk add bash")
	if len(glob(v, "/var/cache/apk", "APKINDEX.*")) != 2 {
		t.Error("apk add without --no-cache should keep the indexes")
	}
	bad := run(t, f, sandbox.Root, "/", "apk add nosuch")
	if bad.code != 1 || !strings.Contains(bad.err, "ERROR: unable to select packages:\n  nosuch (no such package):\n    required by: world[nosuch]\n") {
		t.Errorf("unknown:\n%s", bad.all())
	}
}

func BenchmarkAptUpdateInstallCurl(b *testing.B) {
	f := slimTree(b)
	b.ResetTimer()
	for range b.N {
		if r := run(b, f.Fork(), sandbox.Root, "/", "apt-get update && apt-get install -y curl"); r.code != 0 {
			b.Fatal(r.all())
		}
	}
}
