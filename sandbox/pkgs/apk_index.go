package pkgs

// apkPkg is one package of Alpine's v3.20 main/community repositories.
type apkPkg struct {
	name, version string
	size          int64 // installed bytes
	deps          []string
	files         []string // programs it puts on PATH
}

// apkIndex is a small offline slice of Alpine v3.20: what Dockerfiles
// `apk add` and the libraries those pull in (sizes from APKINDEX's I:
// field, rounded).
var apkIndex = func() map[string]*apkPkg {
	list := []*apkPkg{
		{"ca-certificates", "20241121-r1", 687_000, nil, []string{"/usr/sbin/update-ca-certificates"}},
		{"brotli-libs", "1.1.0-r2", 782_000, nil, nil},
		{"c-ares", "1.33.1-r0", 209_000, nil, nil},
		{"libunistring", "1.2-r0", 1_860_000, nil, nil},
		{"libidn2", "2.3.7-r0", 313_000, []string{"libunistring"}, nil},
		{"libpsl", "0.21.5-r1", 69_000, []string{"libidn2", "libunistring"}, nil},
		{"nghttp2-libs", "1.62.1-r0", 168_000, nil, nil},
		{"zstd-libs", "1.5.6-r0", 721_000, nil, nil},
		{"libcurl", "8.12.1-r0", 559_000, []string{"brotli-libs", "c-ares", "libidn2", "libpsl", "nghttp2-libs", "zstd-libs"}, nil},
		{"curl", "8.12.1-r0", 262_000, []string{"ca-certificates", "libcurl"}, []string{"/usr/bin/curl"}},
		{"ncurses-terminfo-base", "6.4_p20240420-r2", 39_000, nil, nil},
		{"libncursesw", "6.4_p20240420-r2", 381_000, []string{"ncurses-terminfo-base"}, nil},
		{"readline", "8.2.10-r0", 266_000, []string{"libncursesw"}, nil},
		{"bash", "5.2.26-r0", 1_290_000, []string{"readline"}, []string{"/bin/bash"}},
		{"lz4-libs", "1.9.4-r5", 140_000, nil, nil},
		{"libpq", "16.8-r0", 418_000, nil, nil},
		{"postgresql-common", "1.2-r1", 29_000, nil, nil},
		{"postgresql16-client", "16.8-r0", 1_843_000, []string{"libpq", "lz4-libs", "readline", "zstd-libs", "postgresql-common"}, []string{"/usr/bin/psql", "/usr/bin/pg_dump"}},
		{"libexpat", "2.6.4-r0", 177_000, nil, nil},
		{"pcre2", "10.43-r0", 646_000, nil, nil},
		{"git", "2.45.3-r0", 13_200_000, []string{"libcurl", "libexpat", "pcre2"}, []string{"/usr/bin/git"}},
		{"libgcc", "13.2.1_git20240309-r1", 154_000, nil, nil},
		{"libstdc++", "13.2.1_git20240309-r1", 2_520_000, []string{"libgcc"}, nil},
		{"gmp", "6.3.0-r1", 429_000, nil, nil},
		{"mpfr4", "4.2.1-r0", 638_000, []string{"gmp"}, nil},
		{"mpc1", "1.3.1-r1", 126_000, []string{"gmp", "mpfr4"}, nil},
		{"isl26", "0.26-r1", 2_480_000, []string{"gmp"}, nil},
		{"jansson", "2.14-r4", 72_000, nil, nil},
		{"binutils", "2.42-r0", 7_390_000, []string{"jansson", "zstd-libs"}, []string{"/usr/bin/ld", "/usr/bin/as"}},
		{"libatomic", "13.2.1_git20240309-r1", 30_000, nil, nil},
		{"libgomp", "13.2.1_git20240309-r1", 271_000, nil, nil},
		{"gcc", "13.2.1_git20240309-r1", 46_200_000, []string{"binutils", "libgcc", "libstdc++", "gmp", "isl26", "libatomic", "libgomp", "mpc1", "mpfr4", "zstd-libs"}, []string{"/usr/bin/gcc", "/usr/bin/cc"}},
		{"musl-dev", "1.2.5-r1", 2_440_000, nil, nil},
		{"libc-dev", "0.7.2-r5", 4_000, []string{"musl-dev"}, nil},
		{"libstdc++-dev", "13.2.1_git20240309-r1", 17_700_000, []string{"libstdc++"}, nil},
		{"g++", "13.2.1_git20240309-r1", 14_900_000, []string{"gcc", "libstdc++-dev", "musl-dev"}, []string{"/usr/bin/g++"}},
		{"make", "4.4.1-r2", 271_000, nil, []string{"/usr/bin/make"}},
		{"fortify-headers", "1.1-r3", 101_000, nil, nil},
		{"patch", "2.7.6-r10", 118_000, nil, []string{"/usr/bin/patch"}},
		{"libmagic", "5.45-r1", 8_060_000, nil, nil},
		{"file", "5.45-r1", 29_000, []string{"libmagic"}, []string{"/usr/bin/file"}},
		{"build-base", "0.5-r3", 4_000, []string{"binutils", "file", "gcc", "g++", "make", "libc-dev", "fortify-headers", "patch"}, nil},
		{"libbz2", "1.0.8-r6", 76_000, nil, nil},
		{"libffi", "3.4.6-r0", 46_000, nil, nil},
		{"gdbm", "1.23-r1", 150_000, nil, nil},
		{"xz-libs", "5.6.2-r0", 206_000, nil, nil},
		{"mpdecimal", "4.0.0-r0", 221_000, nil, nil},
		{"libpanelw", "6.4_p20240420-r2", 14_000, []string{"libncursesw"}, nil},
		{"sqlite-libs", "3.45.3-r1", 1_490_000, nil, nil},
		{"python3", "3.12.8-r1", 44_700_000, []string{"libbz2", "libexpat", "libffi", "gdbm", "xz-libs", "libncursesw", "libpanelw", "mpdecimal", "readline", "sqlite-libs"}, []string{"/usr/bin/python3.12", "/usr/bin/python3"}},
		{"py3-pip", "24.0-r2", 12_500_000, []string{"python3"}, []string{"/usr/bin/pip", "/usr/bin/pip3"}},
	}
	m := map[string]*apkPkg{}
	for _, p := range list {
		m[p.name] = p
	}
	return m
}()

// apkProvides maps names apk resolves to another package.
var apkProvides = map[string]string{"postgresql-client": "postgresql16-client", "pip": "py3-pip", "python": "python3"}
