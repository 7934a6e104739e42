package images

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox/store"
)

// Entry is one image of the catalogue.
type Entry struct {
	// Name is the reference Docker Hub's tag page goes by (python:3.14-slim);
	// Aliases are other tags of Docker Hub's that name the same image.
	Name    string
	Aliases []string
	// CompressedSize is the download size Docker Hub shows for linux/amd64
	// (approximate; see docs/catalog.md). The unpacked size is Size.
	CompressedSize int64
	Created        time.Time
	Config         v1.Config

	steps  []step
	layers chain
}

// step is one history entry: a layer, or an instruction that made none.
type step struct {
	createdBy string
	comment   string
	layer     *recipe
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour) // midday UTC: the day reads the same in every zone
}

func newEntry(name string, aliases []string, compressed int64, created time.Time, cfg v1.Config, steps []step) *Entry {
	e := &Entry{Name: name, Aliases: aliases, CompressedSize: compressed, Created: created, Config: cfg, steps: steps}
	for _, s := range steps {
		if s.layer != nil {
			e.layers = append(e.layers, s.layer)
		}
	}
	return e
}

// References are the entry's names in full (docker.io/library/python:3.14-slim).
func (e *Entry) References() []string {
	var out []string
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		r, err := store.ParseReference(n)
		if err != nil {
			panic(err)
		}
		out = append(out, r.WithDefaultTag().String())
	}
	return out
}

// Size is the unpacked size: the content of its layers, what `docker
// images` shows.
func (e *Entry) Size() int64 {
	var n int64
	for i := range e.layers {
		li, err := info(e.layers[:i+1])
		if err != nil {
			return 0
		}
		n += li.Size
	}
	return n
}

// DiffIDs are the digests of the entry's layers, bottom first.
func (e *Entry) DiffIDs() ([]v1.Hash, error) {
	out := make([]v1.Hash, len(e.layers))
	for i := range e.layers {
		li, err := info(e.layers[:i+1])
		if err != nil {
			return nil, err
		}
		if out[i], err = v1.NewHash(li.DiffID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RawConfig is the image config blob; its digest is the image ID.
func (e *Entry) RawConfig() ([]byte, error) {
	diffIDs, err := e.DiffIDs()
	if err != nil {
		return nil, err
	}
	cfg := v1.ConfigFile{
		Architecture: "amd64",
		OS:           "linux",
		Created:      v1.Time{Time: e.Created},
		Config:       e.Config,
		RootFS:       v1.RootFS{Type: "layers", DiffIDs: diffIDs},
	}
	for _, s := range e.steps {
		created := e.Created
		if s.layer != nil {
			created = s.layer.date
		}
		cfg.History = append(cfg.History, v1.History{
			Created: v1.Time{Time: created}, CreatedBy: s.createdBy, Comment: s.comment, EmptyLayer: s.layer == nil,
		})
	}
	return json.Marshal(&cfg)
}

// ID is the image ID (config digest) and ManifestDigest the digest the
// store gives its manifest: both known without generating a layer, so
// `python@sha256:...` resolves before the image is pulled.
func (e *Entry) ID() (id, manifest v1.Hash, err error) {
	raw, err := e.RawConfig()
	if err != nil {
		return id, manifest, err
	}
	id = sha(raw)
	// The manifest store.PutImageRaw writes: uncompressed OCI layers.
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     store.ManifestMediaType,
		Config:        v1.Descriptor{MediaType: store.ConfigMediaType, Digest: id, Size: int64(len(raw))},
	}
	for i := range e.layers {
		li, _ := info(e.layers[:i+1])
		d, _ := v1.NewHash(li.DiffID)
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: store.LayerMediaType, Digest: d, Size: li.TarSize})
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return id, manifest, err
	}
	return id, sha(mb), nil
}

func sha(b []byte) v1.Hash {
	s := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(s[:])}
}

// Entries lists the catalogue, sorted by name.
func Entries() []*Entry { return slices.Clone(catalogue()) }

// Names are the entries' names, sorted: what error messages offer.
func Names() []string {
	var out []string
	for _, e := range catalogue() {
		out = append(out, e.Name)
	}
	return out
}

var catalogue = sync.OnceValue(func() []*Entry {
	es := buildCatalogue()
	slices.SortFunc(es, func(a, b *Entry) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	seen := map[string]string{}
	for _, e := range es {
		for _, r := range e.References() {
			if prev, dup := seen[r]; dup {
				panic(fmt.Sprintf("images: %s names both %s and %s", r, prev, e.Name))
			}
			seen[r] = e.Name
		}
	}
	return es
})

const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// debuerreotype is the history line of a Debian rootfs layer, as the
// official debian images record it.
func debuerreotype(suite string, date time.Time) (string, string) {
	return fmt.Sprintf("# debian.sh --arch 'amd64' out/ '%s' '@%d'", suite, date.Truncate(24*time.Hour).Unix()), "debuerreotype 0.16"
}

func baseStep(o debianOS) step {
	return step{createdBy: o.createdBy, comment: "debuerreotype 0.16", layer: o.recipe()}
}

func debianBase(id, suite, version string, full bool, size int64, date string) debianOS {
	d := day(date)
	o := debianOS{id: id, debianVersion: version, full: full, size: size, date: d}
	if suite == "trixie" {
		o.osRelease, o.passwd, o.group, o.pkgs = trixieRelease(version), debianPasswdTrixie, debianGroupTrixie, trixieSlimPkgs
	} else {
		o.osRelease, o.passwd, o.group, o.pkgs = bookwormRelease, debianPasswdBookworm, debianGroupBookworm, bookwormSlimPkgs
	}
	o.createdBy, _ = debuerreotype(suite, d)
	return o
}

const bk = "buildkit.dockerfile.v0"

var pythons = map[string]pyVersion{
	"3.14": {minor: "3.14", full: "3.14.6", sha256: "143b1dddefaec3bd2e21e3b839b34a2b7fb9842272883c576420d605e9f30c63", pip: "25.3"},
	"3.13": {minor: "3.13", full: "3.13.14", sha256: "639e43243c620a308f968213df9e00f2f8f62332f7adbaa7a7eeb9783057c690", gpgKey: "7169605F62C751356D054A26A821E680E5FA6305", pip: "25.3"},
	"3.12": {minor: "3.12", full: "3.12.13", sha256: "c08bc65a81971c1dd5783182826503369466c7e67374d1646519adf05207b684", gpgKey: "7169605F62C751356D054A26A821E680E5FA6305", lang: true, pip: "25.0.1"},
	"3.11": {minor: "3.11", full: "3.11.15", sha256: "272179ddd9a2e41a0fc8e42e33dfbdca0b3711aa5abf372d3f2d51543d09b625", gpgKey: "A035C8C19219BA821ECEA86B64E628F8D684696D", lang: true, pip: "24.0", setuptools: "79.0.1", wheel: "0.45.1"},
	"3.9":  {minor: "3.9", full: "3.9.25", sha256: "00e07d7c0f2f0cc002432d1ee84d2a40dae404a99303e3f97701c10966c91834", gpgKey: "E3FF2839C048B25C084DEBE9B26995E310250568", lang: true, pip: "23.0.1", setuptools: "79.0.1", wheel: "0.45.1"},
}

const pythonPath = "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// pythonImage assembles a python image's history the way its Dockerfile
// reads: the base's layers, ENV PATH (and LANG), the runtime dependencies,
// the version variables, the build, the symlinks, CMD.
func pythonImage(name string, aliases []string, compressed int64, v pyVersion, created time.Time, base []step, deps, build *recipe) *Entry {
	env := []string{pythonPath}
	steps := slices.Clone(base)
	steps = append(steps, step{createdBy: "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", comment: bk})
	if v.lang {
		env = append(env, "LANG=C.UTF-8")
		steps = append(steps, step{createdBy: "ENV LANG=C.UTF-8", comment: bk})
	}
	depsCmd := "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates \t\tnetbase \t\ttzdata \t; \tapt-get dist-clean # buildkit"
	if len(base) > 1 { // full images: buildpack-deps below
		depsCmd = "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tlibbluetooth-dev \t\ttk-dev \t\tuuid-dev \t; \tapt-get dist-clean # buildkit"
	}
	steps = append(steps, step{createdBy: depsCmd, comment: bk, layer: deps})
	if v.gpgKey != "" {
		env = append(env, "GPG_KEY="+v.gpgKey)
		steps = append(steps, step{createdBy: "ENV GPG_KEY=" + v.gpgKey, comment: bk})
	}
	env = append(env, "PYTHON_VERSION="+v.full, "PYTHON_SHA256="+v.sha256)
	steps = append(steps,
		step{createdBy: "ENV PYTHON_VERSION=" + v.full, comment: bk},
		step{createdBy: "ENV PYTHON_SHA256=" + v.sha256, comment: bk},
		step{createdBy: "RUN /bin/sh -c set -eux; \t\tsavedAptMark=\"$(apt-mark showmanual)\"; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tdpkg-dev \t\tgcc \t\tgnupg \t\tlibbluetooth-dev \t\tlibbz2-dev \t\tlibc6-dev \t\tlibdb-dev \t\tlibffi-dev \t\tlibgdbm-dev \t\tliblzma-dev \t\tlibncursesw5-dev \t\tlibreadline-dev \t\tlibsqlite3-dev \t\tlibssl-dev \t\tlibzstd-dev \t\tmake \t\ttk-dev \t\tuuid-dev \t\twget \t\txz-utils \t\tzlib1g-dev \t; \t\twget -O python.tar.xz \"https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz\"; \techo \"$PYTHON_SHA256 *python.tar.xz\" | sha256sum -c -; \tmkdir -p /usr/src/python; \ttar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; \trm python.tar.xz; \t\tcd /usr/src/python; \t./configure --enable-loadable-sqlite-extensions --enable-optimizations --enable-option-checking=fatal --enable-shared --with-lto --with-ensurepip; \tmake -j \"$(nproc)\"; \tmake install; \t\tcd /; \trm -rf /usr/src/python; \tldconfig; \tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \tapt-get dist-clean; \t\texport PYTHONDONTWRITEBYTECODE=1; \tpython3 --version; \tpip3 --version # buildkit", comment: bk, layer: build},
		step{createdBy: "RUN /bin/sh -c set -eux; \tfor src in idle3 pip3 pydoc3 python3 python3-config; do \t\tdst=\"$(echo \"$src\" | tr -d 3)\"; \t\t[ -s \"/usr/local/bin/$src\" ]; \t\t[ ! -e \"/usr/local/bin/$dst\" ]; \t\tln -svT \"$src\" \"/usr/local/bin/$dst\"; \tdone # buildkit", comment: bk, layer: pythonSymlinks("python-symlinks-"+created.Format("20060102"), created)},
		step{createdBy: "CMD [\"python3\"]", comment: bk},
	)
	return newEntry(name, aliases, compressed, created, v1.Config{Env: env, Cmd: []string{"python3"}}, steps)
}

// buildCatalogue is the table of images. Sizes are bytes of file content
// per layer; docs/catalog.md gives their sources.
func buildCatalogue() []*Entry {
	pyDate := day("2026-06-10")
	trixie := debianBase("debian-trixie-slim-13.4", "trixie", "13.4", false, 78_619_423, "2026-06-08")
	trixieFull := debianBase("debian-trixie-13.4", "trixie", "13.4", true, 120_321_568, "2026-06-08")
	trixie131 := debianBase("debian-trixie-slim-13.1", "trixie", "13.1", false, 78_563_774, "2025-10-20")
	trixie133 := debianBase("debian-trixie-slim-13.3", "trixie", "13.3", false, 78_602_288, "2026-02-23")
	bookworm := debianBase("debian-bookworm-slim-12.13", "bookworm", "12.13", false, 74_812_557, "2026-06-08")
	bookworm1210 := debianBase("debian-bookworm-slim-12.10", "bookworm", "12.10", false, 74_786_120, "2025-04-07")
	noble := debianOS{id: "ubuntu-noble-24.04.3", osRelease: nobleRelease, debianVersion: "trixie/sid",
		passwd: ubuntuPasswd, group: ubuntuGroup, pkgs: noblePkgs, ubuntu: true, size: 78_135_020, date: day("2025-10-13")}

	slimBase := []step{baseStep(trixie)}
	deps := runtimeDeps("python-trixie-runtime-deps", trixieSlimPkgs, 4_112_835, pyDate)
	bp := day("2026-06-09")
	fullBase := []step{
		baseStep(trixieFull),
		{createdBy: "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates \t\tcurl \t\tgnupg \t\tnetbase \t\tsq \t\twget \t; \trm -rf /var/lib/apt/lists/* # buildkit", comment: bk, layer: buildpackCurl(bp)},
		{createdBy: "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tgit \t\tmercurial \t\topenssh-client \t\tsubversion \t\t\t\tprocps \t; \trm -rf /var/lib/apt/lists/* # buildkit", comment: bk, layer: buildpackScm(bp)},
		{createdBy: "RUN /bin/sh -c set -ex; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tautoconf \t\tautomake \t\tbzip2 \t\tdefault-libmysqlclient-dev \t\tdpkg-dev \t\tfile \t\tg++ \t\tgcc \t\timagemagick \t\tlibbz2-dev \t\tlibc6-dev \t\tlibcurl4-openssl-dev \t\tlibdb-dev \t\tlibevent-dev \t\tlibffi-dev \t\tlibgdbm-dev \t\tlibglib2.0-dev \t\tlibgmp-dev \t\tlibjpeg-dev \t\tlibkrb5-dev \t\tliblzma-dev \t\tlibmagickcore-dev \t\tlibmagickwand-dev \t\tlibmaxminddb-dev \t\tlibncurses5-dev \t\tlibncursesw5-dev \t\tlibpng-dev \t\tlibpq-dev \t\tlibreadline-dev \t\tlibsqlite3-dev \t\tlibssl-dev \t\tlibtool \t\tlibwebp-dev \t\tlibxml2-dev \t\tlibxslt-dev \t\tlibyaml-dev \t\tmake \t\tpatch \t\tunzip \t\txz-utils \t\tzlib1g-dev \t; \trm -rf /var/lib/apt/lists/* # buildkit", comment: bk, layer: buildpackDeps(bp)},
	}
	fullDeps := pythonFullDeps(pyDate)
	py := func(minor string) pyVersion { return pythons[minor] }
	slim := func(minor string, size int64) *recipe {
		return pythonRecipe("python-"+py(minor).full+"-slim", py(minor), size, pyDate)
	}
	full := func(minor string, size int64) *recipe {
		return pythonRecipe("python-"+py(minor).full, py(minor), size, pyDate)
	}

	deps39 := runtimeDeps("python-trixie-runtime-deps-2025-10", trixieSlimPkgs, 4_098_112, day("2025-10-31"))

	entries := []*Entry{
		pythonImage("python:3.14-slim", []string{"python:3.14.6-slim", "python:3.14-slim-trixie", "python:3.14.6-slim-trixie", "python:slim", "python:slim-trixie", "python:3-slim", "python:3-slim-trixie"},
			41_240_000, py("3.14"), pyDate, slimBase, deps, slim("3.14", 36_268_109)),
		pythonImage("python:3.14", []string{"python:3.14.6", "python:3.14-trixie", "python:3.14.6-trixie", "python:latest", "python:trixie", "python:3", "python:3-trixie"},
			391_300_000, py("3.14"), pyDate, fullBase, fullDeps, full("3.14", 60_487_220)),
		pythonImage("python:3.13-slim", []string{"python:3.13.14-slim", "python:3.13-slim-trixie", "python:3.13.14-slim-trixie"},
			41_620_000, py("3.13"), pyDate, slimBase, deps, slim("3.13", 39_126_478)),
		pythonImage("python:3.12-slim", []string{"python:3.12.13-slim", "python:3.12-slim-trixie", "python:3.12.13-slim-trixie"},
			43_510_000, py("3.12"), pyDate, slimBase, deps, slim("3.12", 44_187_339)),
		pythonImage("python:3.11-slim", []string{"python:3.11.15-slim", "python:3.11-slim-trixie", "python:3.11.15-slim-trixie"},
			45_030_000, py("3.11"), pyDate, slimBase, deps, slim("3.11", 48_415_774)),
		pythonImage("python:3.11", []string{"python:3.11.15", "python:3.11-trixie", "python:3.11.15-trixie"},
			396_800_000, py("3.11"), pyDate, fullBase, fullDeps, full("3.11", 72_905_117)),
		pythonImage("python:3.9-slim", []string{"python:3.9.25-slim", "python:3.9-slim-trixie", "python:3.9.25-slim-trixie"},
			44_420_000, py("3.9"), day("2025-10-31"), []step{baseStep(trixie131)}, deps39,
			pythonRecipe("python-3.9.25-slim", py("3.9"), 43_551_068, day("2025-10-31"))),

		newEntry("debian:trixie-slim", []string{"debian:13-slim", "debian:13.4-slim"}, 29_780_000, trixie.date,
			v1.Config{Env: []string{defaultPath}, Cmd: []string{"bash"}}, []step{baseStep(trixie), {createdBy: "CMD [\"bash\"]", comment: bk}}),
		newEntry("debian:bookworm-slim", []string{"debian:12-slim", "debian:12.13-slim"}, 28_230_000, bookworm.date,
			v1.Config{Env: []string{defaultPath}, Cmd: []string{"bash"}}, []step{baseStep(bookworm), {createdBy: "CMD [\"bash\"]", comment: bk}}),
		ubuntuEntry(noble),
		newEntry("alpine:3.20", []string{"alpine:3.20.10"}, 3_630_000, day("2026-01-28"),
			v1.Config{Env: []string{defaultPath}, Cmd: []string{"/bin/sh"}},
			[]step{{createdBy: "ADD alpine-minirootfs-3.20.10-x86_64.tar.gz / # buildkit", comment: bk, layer: alpineRecipe()}, {createdBy: "CMD [\"/bin/sh\"]", comment: bk}}),
		newEntry("busybox:latest", []string{"busybox:1", "busybox:1.37", "busybox:1.37.0", "busybox:glibc", "busybox:1.37.0-glibc"}, 2_160_000, day("2026-05-12"),
			v1.Config{Env: []string{defaultPath}, Cmd: []string{"sh"}},
			[]step{{createdBy: "BusyBox 1.37.0 (glibc), Debian 13", layer: busyboxRecipe()}, {createdBy: "CMD [\"sh\"]", comment: bk}}),
		newEntry("postgres:15", []string{"postgres:15.17", "postgres:15-trixie", "postgres:15.17-trixie"}, 150_600_000, day("2026-02-26"),
			v1.Config{
				Env:          []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin", "GOSU_VERSION=1.19", "LANG=en_US.utf8", "PG_MAJOR=15", "PG_VERSION=15.17-1.pgdg13+1", "PGDATA=/var/lib/postgresql/data"},
				Entrypoint:   []string{"docker-entrypoint.sh"},
				Cmd:          []string{"postgres"},
				ExposedPorts: map[string]struct{}{"5432/tcp": {}},
				Volumes:      map[string]struct{}{"/var/lib/postgresql/data": {}},
				StopSignal:   "SIGINT",
			}, postgresSteps(trixie133)),
		newEntry("nginx:1.27", []string{"nginx:1.27.5", "nginx:1.27-bookworm", "nginx:1.27.5-bookworm"}, 67_720_000, day("2025-04-16"),
			v1.Config{
				Env:          []string{defaultPath, "NGINX_VERSION=1.27.5", "NJS_VERSION=0.8.10", "NJS_RELEASE=1~bookworm", "PKG_RELEASE=1~bookworm", "DYNPKG_RELEASE=1~bookworm"},
				Entrypoint:   []string{"/docker-entrypoint.sh"},
				Cmd:          []string{"nginx", "-g", "daemon off;"},
				ExposedPorts: map[string]struct{}{"80/tcp": {}},
				StopSignal:   "SIGQUIT",
				Labels:       map[string]string{"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"},
			}, nginxSteps(bookworm1210)),
	}
	return entries
}

func ubuntuEntry(o debianOS) *Entry {
	r := o.recipe()
	// Canonical's images are still built by the classic builder; the ADD
	// line names the rootfs tarball by its digest.
	return newEntry("ubuntu:24.04", []string{"ubuntu:noble", "ubuntu:noble-20251013"}, 29_720_000, o.date,
		v1.Config{Env: []string{defaultPath}, Cmd: []string{"/bin/bash"},
			Labels: map[string]string{"org.opencontainers.image.ref.name": "ubuntu", "org.opencontainers.image.version": "24.04"}},
		[]step{
			{createdBy: "/bin/sh -c #(nop)  ARG RELEASE"},
			{createdBy: "/bin/sh -c #(nop)  ARG LAUNCHPAD_BUILD_ARCH"},
			{createdBy: "/bin/sh -c #(nop)  LABEL org.opencontainers.image.ref.name=ubuntu"},
			{createdBy: "/bin/sh -c #(nop)  LABEL org.opencontainers.image.version=24.04"},
			{createdBy: "/bin/sh -c #(nop) ADD file:ubuntu-noble-24.04.3-amd64-root.tar.gz in / ", layer: r},
			{createdBy: "/bin/sh -c #(nop)  CMD [\"/bin/bash\"]"},
		})
}

func postgresSteps(base debianOS) []step {
	s := postgresLayers(base.recipe())
	s[0] = baseStep(base)
	for i := 1; i < len(s); i++ {
		s[i].comment = bk
	}
	s = append(s,
		step{createdBy: "RUN /bin/sh -c set -eux; \tdpkg-divert --add --rename --divert \"/usr/share/postgresql/postgresql.conf.sample.dpkg\" \"/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample\"; \tcp -v /usr/share/postgresql/postgresql.conf.sample.dpkg /usr/share/postgresql/postgresql.conf.sample; \tln -sv ../postgresql.conf.sample \"/usr/share/postgresql/$PG_MAJOR/\"; \tsed -ri \"s!^#?(listen_addresses)\\s*=\\s*\\S+.*!\\1 = '*'!\" /usr/share/postgresql/postgresql.conf.sample; \tgrep -F \"listen_addresses = '*'\" /usr/share/postgresql/postgresql.conf.sample # buildkit", comment: bk,
			layer: &recipe{id: "postgres-15-conf-sample", size: asWritten, date: day("2026-02-26"), build: func(t *tree) {
				t.rename("/usr/share/postgresql/15/postgresql.conf.sample", "/usr/share/postgresql/postgresql.conf.sample.dpkg")
				t.file("/usr/share/postgresql/postgresql.conf.sample", postgresConfSample("listen_addresses = '*'"))
				t.link("../postgresql.conf.sample", "/usr/share/postgresql/15/postgresql.conf.sample")
			}}},
		step{createdBy: "RUN /bin/sh -c install --verbose --directory --owner postgres --group postgres --mode 3777 /var/run/postgresql # buildkit", comment: bk,
			layer: &recipe{id: "postgres-15-run-dir", size: asWritten, date: day("2026-02-26"), build: func(t *tree) {
				t.dir("/var/run/postgresql", fs.ModeSetgid|fs.ModeSticky|0o777)
				t.chown("/var/run/postgresql", 999, 999)
			}}},
		step{createdBy: "ENV PGDATA=/var/lib/postgresql/data", comment: bk},
		step{createdBy: "RUN /bin/sh -c install --verbose --directory --owner postgres --group postgres --mode 1777 \"$PGDATA\" # buildkit", comment: bk,
			layer: &recipe{id: "postgres-15-pgdata", size: asWritten, date: day("2026-02-26"), build: func(t *tree) {
				t.dir("/var/lib/postgresql/data", fs.ModeSticky|0o777)
				t.chown("/var/lib/postgresql/data", 999, 999)
			}}},
		step{createdBy: "VOLUME [/var/lib/postgresql/data]", comment: bk},
		step{createdBy: "COPY docker-entrypoint.sh docker-ensure-initdb.sh /usr/local/bin/ # buildkit", comment: bk,
			layer: &recipe{id: "postgres-15-entrypoint", size: asWritten, date: day("2026-02-26"), build: func(t *tree) {
				t.file("/usr/local/bin/docker-entrypoint.sh", postgresEntrypoint, 0o775)
				t.file("/usr/local/bin/docker-ensure-initdb.sh", "#!/usr/bin/env bash\n# layerlab catalogue stand-in for the postgres image's docker-ensure-initdb.sh:\n# the real one initialises $PGDATA when it is empty.\nset -Eeuo pipefail\n", 0o775)
			}}},
		step{createdBy: "RUN /bin/sh -c ln -sT docker-ensure-initdb.sh /usr/local/bin/docker-enforce-initdb.sh # buildkit", comment: bk,
			layer: &recipe{id: "postgres-15-enforce-link", size: asWritten, date: day("2026-02-26"), build: func(t *tree) {
				t.link("docker-ensure-initdb.sh", "/usr/local/bin/docker-enforce-initdb.sh")
			}}},
		step{createdBy: "ENTRYPOINT [\"docker-entrypoint.sh\"]", comment: bk},
		step{createdBy: "STOPSIGNAL SIGINT", comment: bk},
		step{createdBy: "EXPOSE map[5432/tcp:{}]", comment: bk},
		step{createdBy: "CMD [\"postgres\"]", comment: bk},
	)
	return s
}

const postgresEntrypoint = `#!/usr/bin/env bash
# layerlab catalogue stand-in for the postgres image's docker-entrypoint.sh:
# the real one initialises $PGDATA on first start (initdb, POSTGRES_PASSWORD,
# /docker-entrypoint-initdb.d/*) and then runs postgres as the postgres user.
set -Eeo pipefail
exec "$@"
`

func nginxSteps(base debianOS) []step {
	s := nginxLayers(base.recipe())
	s[0] = baseStep(base)
	for i := 1; i < len(s); i++ {
		s[i].comment = bk
	}
	return s
}

func postgresConfSample(listen string) string {
	return "# -----------------------------\n# PostgreSQL configuration file\n# -----------------------------\n\n" +
		listen + "\t\t# what IP address(es) to listen on;\n#port = 5432\t\t\t\t# (change requires restart)\n#max_connections = 100\t\t\t# (change requires restart)\n#shared_buffers = 128MB\t\t\t# min 128kB\n"
}
