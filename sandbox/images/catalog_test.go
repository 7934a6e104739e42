package images

import (
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/store"
)

// want is what the real image's Dockerfile sets (docker-library/python,
// docker-library/postgres, nginxinc/docker-nginx, debian, ubuntu, alpine,
// busybox), and its documented unpacked size in MB (docs/catalog.md).
var want = map[string]struct {
	env        []string
	cmd        []string
	entrypoint []string
	ports      []string
	volumes    []string
	stop       string
	sizeMB     float64
}{
	"python:3.14-slim":     {env: []string{pythonPath, "PYTHON_VERSION=3.14.6", "PYTHON_SHA256=143b1dddefaec3bd2e21e3b839b34a2b7fb9842272883c576420d605e9f30c63"}, cmd: []string{"python3"}, sizeMB: 119},
	"python:3.14":          {env: []string{pythonPath, "PYTHON_VERSION=3.14.6"}, cmd: []string{"python3"}, sizeMB: 1020},
	"python:3.13-slim":     {env: []string{pythonPath, "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "PYTHON_VERSION=3.13.14"}, cmd: []string{"python3"}, sizeMB: 122},
	"python:3.12-slim":     {env: []string{pythonPath, "LANG=C.UTF-8", "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "PYTHON_VERSION=3.12.13"}, cmd: []string{"python3"}, sizeMB: 127},
	"python:3.11-slim":     {env: []string{pythonPath, "LANG=C.UTF-8", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", "PYTHON_VERSION=3.11.15"}, cmd: []string{"python3"}, sizeMB: 131},
	"python:3.11":          {env: []string{pythonPath, "LANG=C.UTF-8", "PYTHON_VERSION=3.11.15"}, cmd: []string{"python3"}, sizeMB: 1040},
	"python:3.9-slim":      {env: []string{pythonPath, "LANG=C.UTF-8", "GPG_KEY=E3FF2839C048B25C084DEBE9B26995E310250568", "PYTHON_VERSION=3.9.25"}, cmd: []string{"python3"}, sizeMB: 126},
	"debian:bookworm-slim": {env: []string{defaultPath}, cmd: []string{"bash"}, sizeMB: 74.8},
	"debian:trixie-slim":   {env: []string{defaultPath}, cmd: []string{"bash"}, sizeMB: 78.6},
	"ubuntu:24.04":         {env: []string{defaultPath}, cmd: []string{"/bin/bash"}, sizeMB: 78.1},
	"alpine:3.20":          {env: []string{defaultPath}, cmd: []string{"/bin/sh"}, sizeMB: 7.8},
	"busybox:latest":       {env: []string{defaultPath}, cmd: []string{"sh"}, sizeMB: 4.28},
	"postgres:15": {env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin", "GOSU_VERSION=1.19", "LANG=en_US.utf8", "PG_MAJOR=15", "PG_VERSION=15.17-1.pgdg13+1", "PGDATA=/var/lib/postgresql/data"},
		cmd: []string{"postgres"}, entrypoint: []string{"docker-entrypoint.sh"}, ports: []string{"5432/tcp"}, volumes: []string{"/var/lib/postgresql/data"}, stop: "SIGINT", sizeMB: 423},
	"nginx:1.27": {env: []string{defaultPath, "NGINX_VERSION=1.27.5", "NJS_VERSION=0.8.10"},
		cmd: []string{"nginx", "-g", "daemon off;"}, entrypoint: []string{"/docker-entrypoint.sh"}, ports: []string{"80/tcp"}, stop: "SIGQUIT", sizeMB: 192},
}

func keys(m map[string]struct{}) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestEntriesMatchRealImages(t *testing.T) {
	if len(Entries()) != len(want) {
		t.Errorf("catalogue has %d entries, the table of expectations %d", len(Entries()), len(want))
	}
	for _, e := range Entries() {
		w, ok := want[e.Name]
		if !ok {
			t.Errorf("%s: no expectations", e.Name)
			continue
		}
		c := e.Config
		for _, kv := range w.env {
			if !slices.Contains(c.Env, kv) {
				t.Errorf("%s: Env %q lacks %q", e.Name, c.Env, kv)
			}
		}
		if strings.HasPrefix(e.Name, "python:3.13") || strings.HasPrefix(e.Name, "python:3.14") {
			for _, kv := range c.Env {
				if strings.HasPrefix(kv, "LANG=") {
					t.Errorf("%s: python 3.13+ images set no LANG, got %s", e.Name, kv)
				}
			}
		}
		if !slices.Equal(c.Cmd, w.cmd) || !slices.Equal(c.Entrypoint, w.entrypoint) {
			t.Errorf("%s: Cmd %q Entrypoint %q, want %q %q", e.Name, c.Cmd, c.Entrypoint, w.cmd, w.entrypoint)
		}
		if !slices.Equal(keys(c.ExposedPorts), w.ports) || !slices.Equal(keys(c.Volumes), w.volumes) || c.StopSignal != w.stop {
			t.Errorf("%s: ports %v volumes %v stop %q", e.Name, keys(c.ExposedPorts), keys(c.Volumes), c.StopSignal)
		}
		got := float64(e.Size()) / 1e6
		if got < w.sizeMB*0.95 || got > w.sizeMB*1.05 {
			t.Errorf("%s: size %.1f MB, documented %.1f MB", e.Name, got, w.sizeMB)
		}
		// History: one non-empty entry per layer, as the daemon expects.
		raw, err := e.RawConfig()
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := v1.ParseConfigFile(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range cfg.History {
			if !h.EmptyLayer {
				n++
			}
		}
		if n != len(cfg.RootFS.DiffIDs) {
			t.Errorf("%s: %d non-empty history entries for %d layers", e.Name, n, len(cfg.RootFS.DiffIDs))
		}
	}
}

// rootOf builds an entry's filesystem straight from its recipes.
func rootOf(t *testing.T, name string) sandbox.FS {
	t.Helper()
	e, _, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	var lowers []*layerfs.Layer
	for i := range e.layers {
		l, err := layer(e.layers[:i+1])
		if err != nil {
			t.Fatal(err)
		}
		lowers = append(lowers, l)
	}
	return layerfs.New(lowers...).View(sandbox.Root)
}

func read(t *testing.T, fsys sandbox.FS, name string) string {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return string(b)
}

func TestRootFilesystems(t *testing.T) {
	exists := func(fsys sandbox.FS, name string) bool { _, err := fsys.Stat(name); return err == nil }
	for _, tc := range []struct {
		image      string
		osRelease  string
		users      []string
		has, hasnt []string
	}{
		{"python:3.14-slim", "VERSION_CODENAME=trixie", []string{"root:x:0:0:", "_apt:x:42:", "nobody:x:65534:"},
			[]string{"/bin/sh", "/usr/local/bin/python3", "/usr/local/bin/python", "/usr/local/bin/pip", "/usr/local/bin/pip3.14", "/usr/bin/apt-get", "/usr/sbin/useradd", "/usr/sbin/adduser", "/usr/local/lib/python3.14/site-packages/pip-25.3.dist-info/RECORD", "/usr/local/lib/libpython3.14.so.1.0"},
			[]string{"/usr/bin/curl", "/usr/bin/gcc", "/usr/bin/git", "/usr/bin/make"}},
		{"python:3.14", "VERSION_CODENAME=trixie", nil,
			[]string{"/usr/bin/curl", "/usr/bin/gcc", "/usr/bin/git", "/usr/bin/make", "/usr/local/bin/python3.14"}, nil},
		{"python:3.11-slim", "trixie", nil, []string{"/usr/local/lib/python3.11/site-packages/setuptools-79.0.1.dist-info/METADATA", "/usr/local/bin/wheel"}, []string{"/usr/bin/gcc"}},
		{"debian:bookworm-slim", "VERSION_CODENAME=bookworm", []string{"root:x:0:0:root:/root:/bin/bash"}, []string{"/usr/bin/dash", "/usr/bin/apt"}, []string{"/usr/local/bin/python3"}},
		{"ubuntu:24.04", "VERSION_ID=\"24.04\"", []string{"ubuntu:x:1000:1000:"}, []string{"/usr/bin/apt-get", "/usr/bin/dash"}, nil},
		{"alpine:3.20", "VERSION_ID=3.20.10", []string{"root:x:0:0:root:/root:/bin/sh"}, []string{"/sbin/apk", "/usr/sbin/adduser", "/bin/busybox"}, []string{"/usr/bin/apt-get"}},
		{"busybox", "", []string{"root:x:0:0:root:/root:/bin/sh"}, []string{"/bin/sh", "/bin/adduser"}, []string{"/etc/os-release"}},
		{"postgres:15", "trixie", []string{"postgres:x:999:999::/var/lib/postgresql:/bin/bash"}, []string{"/usr/lib/postgresql/15/bin/postgres", "/usr/bin/psql", "/usr/local/bin/docker-entrypoint.sh", "/usr/local/bin/gosu"}, nil},
		{"nginx:1.27", "bookworm", []string{"nginx:x:101:101:nginx user:/nonexistent:/bin/false"}, []string{"/usr/sbin/nginx", "/docker-entrypoint.sh", "/etc/nginx/conf.d/default.conf", "/usr/bin/curl"}, nil},
	} {
		t.Run(tc.image, func(t *testing.T) {
			fsys := rootOf(t, tc.image)
			if tc.osRelease != "" && !strings.Contains(read(t, fsys, "/etc/os-release"), tc.osRelease) {
				t.Errorf("/etc/os-release lacks %q", tc.osRelease)
			}
			passwd := read(t, fsys, "/etc/passwd")
			for _, u := range tc.users {
				if !strings.Contains(passwd, u) {
					t.Errorf("/etc/passwd lacks %q", u)
				}
			}
			for _, n := range tc.has {
				fi, err := fsys.Stat(n)
				if err != nil {
					t.Errorf("missing %s", n)
				} else if strings.Contains(n, "bin/") && fi.Mode().Perm()&0o111 == 0 {
					t.Errorf("%s is not executable: %v", n, fi.Mode())
				}
			}
			for _, n := range tc.hasnt {
				if exists(fsys, n) {
					t.Errorf("%s should not exist", n)
				}
			}
			if fi, err := fsys.Stat("/tmp"); err != nil || fi.Mode()&fs.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
				t.Errorf("/tmp is not 1777: %v %v", fi, err)
			}
			if fi, err := fsys.Stat("/root"); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("/root is not 0700")
			}
		})
	}
	// Alpine's sh is busybox ash through a symlink; Debian's is dash.
	alp := rootOf(t, "alpine:3.20")
	if target, err := alp.Readlink("/bin/sh"); err != nil || target != "/bin/busybox" {
		t.Errorf("alpine /bin/sh -> %q, %v", target, err)
	}
	deb := rootOf(t, "debian:bookworm-slim")
	if target, _ := deb.Readlink("/usr/bin/sh"); target != "dash" {
		t.Errorf("debian /usr/bin/sh -> %q", target)
	}
	if st := read(t, deb, "/var/lib/dpkg/status"); !strings.Contains(st, "Package: coreutils\nStatus: install ok installed") {
		t.Error("dpkg status lacks coreutils")
	}
	pg := rootOf(t, "postgres:15")
	if fi, err := pg.Stat("/var/lib/postgresql/data"); err != nil || sandbox.OwnerOf(fi).UID != 999 {
		t.Errorf("PGDATA not owned by postgres: %v", err)
	}
}

func TestLookup(t *testing.T) {
	for ref, name := range map[string]string{
		"python":                              "python:3.14",
		"python:latest":                       "python:3.14",
		"docker.io/library/python:slim":       "python:3.14-slim",
		"python:3.14.6-slim-trixie":           "python:3.14-slim",
		"busybox":                             "busybox:latest",
		"index.docker.io/library/alpine:3.20": "alpine:3.20",
	} {
		e, _, err := Lookup(ref)
		if err != nil || e.Name != name {
			t.Errorf("Lookup(%q) = %v, %v; want %s", ref, e, err, name)
		}
	}
	e, _, _ := Lookup("python:3.14-slim")
	id, man, err := e.ID()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []v1.Hash{id, man} {
		if got, _, err := Lookup("python@" + d.String()); err != nil || got != e {
			t.Errorf("Lookup by digest %s: %v", d, err)
		}
	}
	var nf *NotFoundError
	for ref, noRepo := range map[string]bool{"nosuchimage": true, "python:3.99": false, "alpine": false, "ghcr.io/x/y": true} {
		_, _, err := Lookup(ref)
		if !errors.As(err, &nf) || nf.NoRepo != noRepo {
			t.Errorf("Lookup(%q) = %v, want not found (no repo %v)", ref, err, noRepo)
		}
	}
	_, _, err = Lookup("nosuchimage")
	if !strings.HasPrefix(err.Error(), "pull access denied, repository does not exist or may require authorization") || !strings.Contains(err.Error(), "learn docker pull") {
		t.Errorf("error %q", err)
	}
	_, _, err = Lookup("python:3.99")
	errors.As(err, &nf)
	if !strings.HasPrefix(nf.PullMessage(), "manifest for python:3.99 not found: manifest unknown") {
		t.Errorf("pull message %q", nf.PullMessage())
	}
}

func openStore(t testing.TB) *store.Store {
	st, err := store.Open(filepath.Join(t.TempDir(), "engine"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestResolverOrder(t *testing.T) {
	st := openStore(t)
	resolve := Resolver(st)
	img, err := resolve("python:3.14-slim")
	if err != nil {
		t.Fatal(err)
	}
	e, _, _ := Lookup("python:3.14-slim")
	if img.Size != e.Size() || !slices.Contains(img.Tags, "docker.io/library/python:3.14-slim") {
		t.Fatalf("pulled image %+v", img)
	}
	// A learner's image under a catalogue name wins.
	l, _, err := st.PutLayer(strings.NewReader(string(make([]byte, 1024))))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := st.PutImage(&v1.ConfigFile{Config: v1.Config{Cmd: []string{"mine"}}}, []v1.Hash{l})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Tag(mine, "python:3.13-slim"); err != nil {
		t.Fatal(err)
	}
	img, err = resolve("python:3.13-slim")
	if err != nil || img.ID != mine {
		t.Fatalf("resolved %v, %v; want the learner's image", img, err)
	}
	if _, err := resolve("nosuchimage"); err == nil {
		t.Fatal("unknown image resolved")
	}
}

func TestPullRecordsWithoutWriting(t *testing.T) {
	st := openStore(t)
	res, err := Pull(st, "python:3.14")
	if err != nil {
		t.Fatal(err)
	}
	var blobBytes int64
	filepath.Walk(filepath.Join(st.Root(), "blobs"), func(_ string, fi fs.FileInfo, _ error) error {
		if fi != nil && !fi.IsDir() {
			blobBytes += fi.Size()
		}
		return nil
	})
	if blobBytes > 64<<10 {
		t.Errorf("pull of a 1 GB image wrote %d bytes of blobs", blobBytes)
	}
	if res.Image.Size < 1e9 {
		t.Errorf("image size %d", res.Image.Size)
	}
	if res.Image.ManifestDigest != res.Manifest {
		t.Errorf("predicted manifest %s, store made %s", res.Manifest, res.Image.ManifestDigest)
	}
	again, err := Pull(st, "python:3.14")
	if err != nil || !again.UpToDate {
		t.Fatalf("second pull: %+v %v", again, err)
	}
}

// TestGeneratedLayerMatchesRecipe checks that the tar the store streams
// for a pulled layer parses back to the layer LoadLayer gives (same
// digest when written again).
func TestGeneratedLayerMatchesRecipe(t *testing.T) {
	st := openStore(t)
	res, err := Pull(st, "alpine:3.20")
	if err != nil {
		t.Fatal(err)
	}
	d := res.DiffIDs[0]
	rc, err := st.OpenLayer(d)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := layerfs.ReadLayer(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	direct, ok, err := LoadLayer(d)
	if err != nil || !ok {
		t.Fatalf("LoadLayer: %v %v", ok, err)
	}
	a, _ := measure(parsed)
	b, _ := measure(direct)
	if a != b || a.DiffID != d.String() {
		t.Errorf("parsed %+v, direct %+v, want digest %s", a, b, d)
	}
	if _, ok, _ := LoadLayer(v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("0", 64)}); ok {
		t.Error("LoadLayer claimed a layer that is not the catalogue's")
	}
}
