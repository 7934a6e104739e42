package aptindex

import (
	"strings"
	"testing"
)

// virtual names the base system provides (perl-base, debconf, dpkg).
var virtual = map[string]bool{"perlapi-5.36.0": true, "debconf-2.0": true, "c-compiler": true, "libc-dev": true}

func base(name string) bool {
	for _, b := range strings.Fields("libc6 zlib1g libzstd1 libgnutls30 libidn2-0 libnettle8 libhogweed6 libgmp10 libunistring2 libffi8 libpcre2-8-0 libuuid1 libselinux1 libcom-err2 libdb5.3 libkeyutils1 netbase tzdata libsqlite3-0 libtinfo6 libncursesw6 libreadline8 readline-common libbz2-1.0 liblzma5 libmd0 libcrypt1 perl-base libgcc-s1 libstdc++6 libudev1 liblz4-1 libacl1 debconf dpkg tar libexpat1 libgdbm6 libnsl2 libtirpc3 libmpdec3 media-types gcc-12-base adduser passwd libssl3 ca-certificates openssl") {
		if b == name {
			return true
		}
	}
	return virtual[name]
}

func TestIndexIsClosed(t *testing.T) {
	ix := Bookworm()
	for _, n := range ix.Names() {
		p := ix.Get(n)
		for _, alts := range p.Depends {
			ok := false
			for _, a := range alts {
				if ix.Get(a) != nil || base(a) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s depends on %v: not in the index nor the base system", n, alts)
			}
		}
	}
	for _, n := range strings.Fields("postgresql-client curl wget ca-certificates build-essential gcc g++ make git libpq-dev libpq5 python3-dev vim netcat-openbsd iputils-ping") {
		if ix.Get(n) == nil {
			t.Errorf("index lacks %s", n)
		}
	}
}

func TestClosure(t *testing.T) {
	ix := Bookworm()
	installed := func(n string) bool { return base(n) && n != "libssl3" && n != "ca-certificates" && n != "openssl" }
	plan, missing := ix.Closure([]string{"curl"}, installed, false)
	if len(missing) != 0 {
		t.Fatal(missing)
	}
	got := strings.Join(plan.Extra, " ")
	want := "ca-certificates krb5-locales libbrotli1 libcurl4 libgssapi-krb5-2 libk5crypto3 libkrb5-3 libkrb5support0 libldap-2.5-0 libldap-common libnghttp2-14 libpsl5 librtmp1 libsasl2-2 libsasl2-modules libsasl2-modules-db libssh2-1 libssl3 openssl publicsuffix"
	if got != want {
		t.Errorf("extra:\n%s\nwant\n%s", got, want)
	}
	lean, _ := ix.Closure([]string{"curl"}, installed, true)
	if len(lean.Install) >= len(plan.Install) || len(lean.Recommended) == 0 {
		t.Errorf("--no-install-recommends: %d vs %d packages", len(lean.Install), len(plan.Install))
	}
	// Dependencies come before their users.
	pos := map[string]int{}
	for i, p := range plan.Install {
		pos[p.Name] = i
	}
	if pos["libcurl4"] > pos["curl"] || pos["libssl3"] > pos["libcurl4"] {
		t.Error("install order puts a package before its dependency")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(bookwormText)
	f.Add("Package: a\nVersion: 1\nDepends: b (>= 1) | c, d:any\n\nPackage: b\nVersion: 2\n")
	f.Fuzz(func(t *testing.T, s string) {
		ix, err := Parse(s)
		if err != nil {
			return
		}
		for _, n := range ix.Names() {
			ix.Closure([]string{n}, func(string) bool { return false }, false)
		}
	})
}
