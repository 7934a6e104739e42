package images

import (
	"io/fs"
	"time"
)

// buildpack-deps:trixie, the base of the full python images: curl, then
// version control, then compilers and -dev libraries.
func buildpackCurl(date time.Time) *recipe {
	return &recipe{
		id: "buildpack-deps-trixie-curl", size: 25_612_004, date: date,
		build: func(t *tree) {
			t.file("/var/lib/dpkg/status", dpkgStatus(trixieSlimPkgs, buildpackCurlPkgs))
			t.exeIn("/usr/bin", "curl", "wget", "gpg", "gpgv", "gpg-agent", "dirmngr", "openssl")
		},
		pads: []pad{
			{"/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", 900},
			{"/usr/lib/x86_64-linux-gnu/libgnutls.so.30.40.4", 2300},
			{"/usr/lib/x86_64-linux-gnu/libldap.so.2.0.200", 400},
			{"/usr/lib/x86_64-linux-gnu/libkrb5.so.3.3", 900},
			{"/usr/share/zoneinfo/tzdata.zi", 110},
			{"/etc/ssl/certs/ca-certificates.crt", 220},
			{"/usr/share/gnupg/help.txt", 300},
			{"/usr/lib/x86_64-linux-gnu/libgcrypt.so.20.5.0", 1300},
			{"/usr/lib/x86_64-linux-gnu/libp11-kit.so.0.4.1", 1400},
			{"/usr/share/doc/wget/NEWS.gz", 40},
		},
	}
}

func buildpackScm(date time.Time) *recipe {
	return &recipe{
		id: "buildpack-deps-trixie-scm", size: 145_210_553, date: date,
		build: func(t *tree) {
			t.file("/var/lib/dpkg/status", dpkgStatus(trixieSlimPkgs, buildpackCurlPkgs, buildpackScmPkgs))
			t.exeIn("/usr/bin", "git", "hg", "svn", "ssh", "scp", "ps", "top", "free", "kill", "pgrep")
		},
		pads: []pad{
			{"/usr/lib/git-core/git", 4000},
			{"/usr/share/git-core/templates/hooks/pre-commit.sample", 2},
			{"/usr/lib/python3/dist-packages/mercurial/__init__.py", 9000},
			{"/usr/lib/python3.13/lib-dynload/_ssl.cpython-313-x86_64-linux-gnu.so", 300},
			{"/usr/lib/x86_64-linux-gnu/libpython3.13.so.1.0", 7000},
			{"/usr/lib/python3.13/encodings/__init__.py", 20000},
			{"/usr/lib/x86_64-linux-gnu/libsvn_subr-1.so.1.0.0", 1500},
			{"/usr/lib/x86_64-linux-gnu/libperl.so.5.40.1", 4000},
			{"/usr/share/perl/5.40.1/unicore/Name.pl", 80000},
		},
	}
}

func buildpackDeps(date time.Time) *recipe {
	return &recipe{
		id: "buildpack-deps-trixie", size: 650_118_409, date: date,
		build: func(t *tree) {
			t.file("/var/lib/dpkg/status", dpkgStatus(trixieSlimPkgs, buildpackCurlPkgs, buildpackScmPkgs, buildpackPkgs))
			t.exeIn("/usr/bin", "gcc-14", "g++-14", "cpp-14", "make", "autoconf", "automake", "libtool",
				"libtoolize", "pkg-config", "pkgconf", "patch", "file", "bzip2", "unzip", "xz", "as", "ld",
				"ar", "convert", "dpkg-architecture", "dpkg-buildflags")
			t.link("gcc-14", "/usr/bin/gcc")
			t.link("g++-14", "/usr/bin/g++")
			t.link("cpp-14", "/usr/bin/cpp")
			t.link("gcc-14", "/usr/bin/cc")
			t.link("g++-14", "/usr/bin/c++")
			t.file("/usr/include/stdio.h", "/* Define ISO C stdio on top of C++ iostreams.\n   Copyright (C) 1991-2025 Free Software Foundation, Inc. */\n")
		},
		pads: []pad{
			{"/usr/libexec/gcc/x86_64-linux-gnu/14/cc1", 36000},
			{"/usr/libexec/gcc/x86_64-linux-gnu/14/cc1plus", 40000},
			{"/usr/libexec/gcc/x86_64-linux-gnu/14/lto1", 34000},
			{"/usr/lib/gcc/x86_64-linux-gnu/14/libstdc++.a", 7000},
			{"/usr/lib/x86_64-linux-gnu/libc.a", 6000},
			{"/usr/lib/x86_64-linux-gnu/libcrypto.a", 9000},
			{"/usr/lib/x86_64-linux-gnu/libMagickCore-7.Q16HDRI.so.10.0.1", 5000},
			{"/usr/lib/x86_64-linux-gnu/libicudata.so.76.1", 31000},
			{"/usr/lib/x86_64-linux-gnu/libLLVM.so.19.1", 120000},
			{"/usr/lib/x86_64-linux-gnu/libmysqlclient.so.21", 9000},
			{"/usr/lib/x86_64-linux-gnu/libgtk-3.so.0.2409.32", 8000},
			{"/usr/lib/x86_64-linux-gnu/libgdal.so.36", 30000},
			{"/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0.8400.0", 1500},
			{"/usr/include/openssl/ssl.h", 150},
			{"/usr/include/x86_64-linux-gnu/bits/types.h", 10},
			{"/usr/share/doc/gcc-14-base/changelog.Debian.gz", 300},
			{"/usr/share/mime/packages/freedesktop.org.xml", 3000},
			{"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 750},
			{"/usr/lib/x86_64-linux-gnu/perl/5.40.1/auto/POSIX/POSIX.so", 300},
			{"/usr/lib/x86_64-linux-gnu/libasan.so.8.0.0", 9000},
			{"/usr/lib/x86_64-linux-gnu/libgfortran.so.5.0.0", 3000},
			{"/usr/lib/x86_64-linux-gnu/libgs.so.10.05", 25000},
			{"/usr/share/icons/Adwaita/icon-theme.cache", 6000},
			{"/usr/lib/x86_64-linux-gnu/libx265.so.215", 15000},
			{"/usr/lib/x86_64-linux-gnu/libaom.so.3.12.1", 8000},
			{"/usr/lib/x86_64-linux-gnu/libz3.so.4", 28000},
			{"/usr/lib/x86_64-linux-gnu/libclang-cpp.so.19.1", 80000},
			{"/usr/share/postgresql-common/pg_wrapper", 10},
		},
	}
}

// pythonFullDeps is the full images' first RUN: Tk and Bluetooth headers.
func pythonFullDeps(date time.Time) *recipe {
	return &recipe{
		id: "python-trixie-full-deps", size: 21_004_551, date: date,
		build: func(t *tree) {
			t.file("/var/lib/dpkg/status", dpkgStatus(trixieSlimPkgs, buildpackCurlPkgs, buildpackScmPkgs, buildpackPkgs, pkgs(`
libbluetooth-dev 5.82-1 amd64 libdevel optional 684 Development files for using the BlueZ Linux Bluetooth library
tk-dev 8.6.16 amd64 devel optional 9 Toolkit for Tcl and X11 (default version) - development files
uuid-dev 2.41-5 amd64 libdevel optional 110 Universally Unique ID library - headers and static libraries
`)))
		},
		pads: []pad{
			{"/usr/lib/x86_64-linux-gnu/libtk8.6.so", 1600},
			{"/usr/lib/x86_64-linux-gnu/libtcl8.6.so", 1800},
			{"/usr/lib/x86_64-linux-gnu/libX11.so.6.4.0", 1300},
			{"/usr/lib/x86_64-linux-gnu/libX11.a", 2300},
			{"/usr/include/bluetooth/bluetooth.h", 12},
			{"/usr/include/tcl8.6/tcl.h", 100},
			{"/usr/include/X11/Xlib.h", 100},
			{"/usr/share/tcltk/tk8.6/ttk/ttk.tcl", 6000},
			{"/usr/share/tcltk/tcl8.6/encoding/big5.enc", 8000},
		},
	}
}

// postgres:15, from docker-library/postgres's 15/trixie Dockerfile.
func postgresLayers(base *recipe) []step {
	date := day("2026-02-26")
	passwd := addLine(debianPasswdTrixie, "postgres:x:999:999::/var/lib/postgresql:/bin/bash")
	group := addLine(debianGroupTrixie, "postgres:x:999:")
	return []step{
		{createdBy: base.id, layer: base},
		{createdBy: "RUN /bin/sh -c set -eux; \tgroupadd -r postgres --gid=999; \tuseradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres; \tinstall --verbose --directory --owner postgres --group postgres --mode 1777 /var/lib/postgresql # buildkit",
			layer: &recipe{id: "postgres-15-user", size: asWritten, date: date, build: func(t *tree) {
				t.file("/etc/passwd", passwd)
				t.file("/etc/group", group)
				t.file("/etc/shadow", shadowOf(passwd, "20500"), 0o640)
				t.chown("/etc/shadow", 0, 42)
				t.file("/etc/gshadow", gshadowOf(group), 0o640)
				t.chown("/etc/gshadow", 0, 42)
				t.dir("/var/lib/postgresql", fs.ModeSticky|0o777)
				t.chown("/var/lib/postgresql", 999, 999)
			}}},
		{createdBy: "ENV GOSU_VERSION=1.19"},
		{createdBy: "RUN /bin/sh -c set -eux; \tsavedAptMark=\"$(apt-mark showmanual)\"; \tapt-get update; \tapt-get install -y --no-install-recommends ca-certificates gnupg wget; \trm -rf /var/lib/apt/lists/*; \tdpkgArch=\"$(dpkg --print-architecture | awk -F- '{ print $NF }')\"; \twget -O /usr/local/bin/gosu \"https://github.com/tianon/gosu/releases/download/$GOSU_VERSION/gosu-$dpkgArch\"; \tchmod +x /usr/local/bin/gosu; \tgosu --version; \tgosu nobody true # buildkit",
			layer: &recipe{id: "postgres-15-gosu", size: asWritten, date: date, build: func(t *tree) {
				t.exe("/usr/local/bin/gosu")
			}}},
		{createdBy: "RUN /bin/sh -c set -eux; \tif [ -f /etc/dpkg/dpkg.cfg.d/docker ]; then \t\tgrep -q '/usr/share/locale' /etc/dpkg/dpkg.cfg.d/docker; \t\tsed -ri '/\\/usr\\/share\\/locale/d' /etc/dpkg/dpkg.cfg.d/docker; \t\t! grep -q '/usr/share/locale' /etc/dpkg/dpkg.cfg.d/docker; \tfi; \tapt-get update; apt-get install -y --no-install-recommends locales; rm -rf /var/lib/apt/lists/*; \techo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen; \tlocale-gen; \tlocale -a | grep 'en_US.utf8' # buildkit",
			layer: &recipe{id: "postgres-15-locales", size: 24_572_125, date: date, build: func(t *tree) {
				t.file("/etc/locale.gen", "# This file lists locales that you wish to have built.\nen_US.UTF-8 UTF-8\n")
				t.exeIn("/usr/bin", "locale", "localedef")
				t.exe("/usr/sbin/locale-gen")
			}, pads: []pad{
				{"/usr/lib/locale/locale-archive", 3000},
				{"/usr/share/i18n/locales/en_US", 8},
				{"/usr/share/i18n/charmaps/UTF-8.gz", 90},
				{"/usr/share/locale/de/LC_MESSAGES/libc.mo", 150},
				{"/usr/share/locale/fr/LC_MESSAGES/libc.mo", 150},
				{"/usr/share/i18n/locales/iso14651_t1_common", 20000},
			}}},
		{createdBy: "ENV LANG=en_US.utf8"},
		{createdBy: "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tlibnss-wrapper \t\txz-utils \t\tzstd \t; \trm -rf /var/lib/apt/lists/* # buildkit",
			layer: &recipe{id: "postgres-15-nss-wrapper", size: 1_152_006, date: date, build: func(t *tree) {
				t.exeIn("/usr/bin", "xz", "zstd")
			}, pads: []pad{{"/usr/lib/x86_64-linux-gnu/libnss_wrapper.so", 60}, {"/usr/lib/x86_64-linux-gnu/liblzma.so.5.8.1", 200}}}},
		{createdBy: "RUN /bin/sh -c mkdir /docker-entrypoint-initdb.d # buildkit",
			layer: &recipe{id: "postgres-15-initdb-dir", size: asWritten, date: date, build: func(t *tree) {
				t.dir("/docker-entrypoint-initdb.d", 0o755)
			}}},
		{createdBy: "RUN /bin/sh -c set -ex; \tkey='B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8'; \texport GNUPGHOME=\"$(mktemp -d)\"; \tmkdir -p /usr/local/share/keyrings/; \tgpg --batch --keyserver keyserver.ubuntu.com --recv-keys \"$key\"; \tgpg --batch --export --armor \"$key\" > /usr/local/share/keyrings/postgres.gpg.asc; \tgpgconf --kill all; \trm -rf \"$GNUPGHOME\" # buildkit",
			layer: &recipe{id: "postgres-15-key", size: asWritten, date: date, build: func(t *tree) {
				t.file("/usr/local/share/keyrings/postgres.gpg.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n(PostgreSQL Debian Repository key B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8)\n-----END PGP PUBLIC KEY BLOCK-----\n")
			}}},
		{createdBy: "ENV PG_MAJOR=15"},
		{createdBy: "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin"},
		{createdBy: "ENV PG_VERSION=15.17-1.pgdg13+1"},
		{createdBy: "RUN /bin/sh -c set -ex; \texport PYTHONDONTWRITEBYTECODE=1; \tdpkgArch=\"$(dpkg --print-architecture)\"; \taptRepo=\"[ signed-by=/usr/local/share/keyrings/postgres.gpg.asc ] http://apt.postgresql.org/pub/repos/apt trixie-pgdg main $PG_MAJOR\"; \techo \"deb $aptRepo\" > /etc/apt/sources.list.d/pgdg.list; \tapt-get update; \tapt-get install -y --no-install-recommends \"postgresql-$PG_MAJOR=$PG_VERSION\"; \trm -rf /var/lib/apt/lists/*; \tfind /usr -name '*.pyc' -type f -exec bash -c 'for pyc; do dpkg -S \"$pyc\" &> /dev/null || rm -vf \"$pyc\"; done' -- '{}' +; \tpostgres --version # buildkit",
			layer: &recipe{id: "postgres-15.17", size: 318_705_344, date: date, build: func(t *tree) {
				t.file("/etc/apt/sources.list.d/pgdg.list", "deb [ signed-by=/usr/local/share/keyrings/postgres.gpg.asc ] http://apt.postgresql.org/pub/repos/apt trixie-pgdg main 15\n")
				t.file("/var/lib/dpkg/status", dpkgStatus(trixieSlimPkgs, pkgs(`
libpq5 18.2-1.pgdg13+1 amd64 libs optional 1045 PostgreSQL C client library
postgresql-15 15.17-1.pgdg13+1 amd64 database optional 48000 The World's Most Advanced Open Source Relational Database
postgresql-client-15 15.17-1.pgdg13+1 amd64 database optional 5600 front-end programs for PostgreSQL 15
postgresql-client-common 287.pgdg13+1 all database optional 230 manager for multiple PostgreSQL client versions
postgresql-common 287.pgdg13+1 all database optional 550 PostgreSQL database-cluster manager
locales 2.41-12 all localization standard 17000 GNU C Library: National Language (locale) data [support]
libnss-wrapper 1.1.16-1 amd64 libs optional 110 NSS wrapper library
xz-utils 5.8.1-1 amd64 utils important 503 XZ-format compression utilities
zstd 1.5.7+dfsg-1 amd64 utils optional 1800 fast lossless compression algorithm -- CLI tool
`)))
				bin := "/usr/lib/postgresql/15/bin"
				t.exeIn(bin, "postgres", "psql", "pg_ctl", "initdb", "pg_dump", "pg_dumpall", "pg_restore",
					"pg_basebackup", "pg_isready", "createdb", "dropdb", "createuser", "dropuser", "vacuumdb",
					"pg_controldata", "pg_resetwal", "pg_upgrade", "pg_waldump", "pgbench", "reindexdb")
				t.file("/usr/share/postgresql-common/pg_wrapper", "#!/usr/bin/perl\n# pg_wrapper: call the PostgreSQL client program of the right cluster version\n", 0o755)
				for _, n := range []string{"psql", "pg_dump", "pg_dumpall", "pg_restore", "pg_isready", "createdb", "dropdb", "createuser", "dropuser", "vacuumdb", "reindexdb", "pg_basebackup", "pgbench"} {
					t.link("../share/postgresql-common/pg_wrapper", "/usr/bin/"+n)
				}
				t.dir("/etc/postgresql-common", 0o755)
				t.file("/usr/share/postgresql/15/postgresql.conf.sample", postgresConfSample("#listen_addresses = 'localhost'"))
			}, pads: []pad{
				{"/usr/lib/postgresql/15/lib/llvmjit.so", 800},
				{"/usr/lib/postgresql/15/lib/bitcode/postgres.index.bc", 5000},
				{"/usr/lib/x86_64-linux-gnu/libLLVM.so.19.1", 120000},
				{"/usr/lib/x86_64-linux-gnu/libicudata.so.76.1", 31000},
				{"/usr/lib/x86_64-linux-gnu/libicui18n.so.76.1", 3800},
				{"/usr/lib/x86_64-linux-gnu/libxml2.so.2.9.14", 2000},
				{"/usr/lib/x86_64-linux-gnu/libperl.so.5.40.1", 4000},
				{"/usr/share/perl/5.40.1/unicore/Name.pl", 9000},
				{"/usr/lib/x86_64-linux-gnu/libpython3.13.so.1.0", 7000},
				{"/usr/lib/python3.13/encodings/__init__.py", 16000},
				{"/usr/lib/x86_64-linux-gnu/libz3.so.4", 28000},
				{"/usr/share/postgresql/15/timezonesets/Default", 30},
				{"/usr/share/postgresql/15/extension/plpgsql.control", 1},
				{"/usr/share/locale/de/LC_MESSAGES/postgres-15.mo", 1300},
				{"/usr/lib/postgresql/15/lib/plpgsql.so", 400},
			}}},
	}
}
