package images

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"
)

// pyVersion is one Python release as docker-library/python builds it.
type pyVersion struct {
	minor, full string
	sha256      string
	gpgKey      string // none from 3.14 on: releases are verified with Sigstore
	lang        bool   // ENV LANG C.UTF-8 (dropped from 3.13 on)
	pip         string // what ensurepip bundles in that release
	setuptools  string // installed explicitly for <= 3.11
	wheel       string
}

func (v pyVersion) tag() string { return strings.ReplaceAll(v.minor, ".", "") } // 314

// pipFiles are the files of pip's package (a selection, with their real
// sizes rounded) listed in its RECORD.
var pipFiles = []struct {
	name string
	size int64
}{
	{"pip/__init__.py", 357},
	{"pip/__main__.py", 854},
	{"pip/__pip-runner__.py", 1450},
	{"pip/py.typed", 286},
	{"pip/_internal/__init__.py", 513},
	{"pip/_internal/build_env.py", 14_985},
	{"pip/_internal/cache.py", 10_369},
	{"pip/_internal/cli/main.py", 2_815},
	{"pip/_internal/commands/install.py", 29_757},
	{"pip/_internal/req/req_install.py", 35_718},
	{"pip/_internal/resolution/resolvelib/resolver.py", 13_145},
	{"pip/_vendor/certifi/cacert.pem", 271_254},
	{"pip/_vendor/distlib/t64-arm.exe", 182_784},
	{"pip/_vendor/distlib/w64.exe", 108_032},
	{"pip/_vendor/idna/uts46data.py", 243_725},
	{"pip/_vendor/pygments/lexers/_mapping.py", 77_602},
	{"pip/_vendor/requests/models.py", 35_575},
	{"pip/_vendor/rich/_emoji_codes.py", 140_235},
	{"pip/_vendor/urllib3/connectionpool.py", 40_715},
}

var zeroHashes sync.Map // size → RECORD hash of that many zero bytes

// recordHash is a RECORD hash (urlsafe base64 sha256, no padding) of n
// zero bytes: the content the catalogue gives pip's files.
func recordHash(n int64) string {
	if h, ok := zeroHashes.Load(n); ok {
		return h.(string)
	}
	sum := sha256.New()
	sum.Write(make([]byte, n))
	h := "sha256=" + base64.RawURLEncoding.EncodeToString(sum.Sum(nil))
	zeroHashes.Store(n, h)
	return h
}

// distInfo writes an installed distribution's files and its dist-info the
// way pip lays them down.
func distInfo(t *tree, site, name, version, summary string, files []struct {
	name string
	size int64
}, topLevel string, scripts map[string]string) {
	di := fmt.Sprintf("%s-%s.dist-info", name, version)
	var record strings.Builder
	for _, f := range files {
		t.zeros(site+"/"+f.name, f.size, 0o644)
		fmt.Fprintf(&record, "%s,%s,%d\n", f.name, recordHash(f.size), f.size)
	}
	meta := fmt.Sprintf("Metadata-Version: 2.4\nName: %s\nVersion: %s\nSummary: %s\nRequires-Python: >=3.9\n", name, version, summary)
	small := map[string]string{
		"METADATA":      meta,
		"WHEEL":         "Wheel-Version: 1.0\nGenerator: setuptools (80.9.0)\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n",
		"top_level.txt": topLevel + "\n",
		"INSTALLER":     "pip\n",
	}
	if len(scripts) > 0 {
		var ep strings.Builder
		ep.WriteString("[console_scripts]\n")
		for _, k := range sortedKeys(scripts) {
			fmt.Fprintf(&ep, "%s = %s\n", k, scripts[k])
		}
		small["entry_points.txt"] = ep.String()
	}
	for _, k := range sortedKeys(small) {
		t.file(site+"/"+di+"/"+k, small[k])
		fmt.Fprintf(&record, "%s/%s,%s,%d\n", di, k, textHash(small[k]), len(small[k]))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", di)
	t.file(site+"/"+di+"/RECORD", record.String())
}

func textHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// consoleScript is the launcher pip writes for an entry point.
func consoleScript(python, module, fn string) string {
	return "#!" + python + "\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom " + module + " import " + fn +
		"\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(" + fn + "())\n"
}

// pythonRecipe is the layer `make install` and the clean-up leave behind:
// /usr/local/bin's programs, libpython, the standard library and pip.
func pythonRecipe(id string, v pyVersion, size int64, date time.Time) *recipe {
	m := v.minor
	py := "/usr/local/bin/python" + m
	lib := "/usr/local/lib/python" + m
	site := lib + "/site-packages"
	abi := "cpython-" + v.tag() + "-x86_64-linux-gnu"
	return &recipe{
		id: id, size: size, date: date,
		build: func(t *tree) {
			t.exe(py)
			t.file("/usr/local/bin/pip3", consoleScript(py, "pip._internal.cli.main", "main"), 0o755)
			t.file("/usr/local/bin/pip"+m, consoleScript(py, "pip._internal.cli.main", "main"), 0o755)
			t.file("/usr/local/bin/pydoc"+m, "#!"+py+"\n\nimport pydoc\nif __name__ == '__main__':\n    pydoc.cli()\n", 0o755)
			t.file("/usr/local/bin/idle"+m, "#!"+py+"\n\nfrom idlelib.pyshell import main\nif __name__ == '__main__':\n    main()\n", 0o755)
			t.file("/usr/local/bin/python"+m+"-config", pythonConfig(m), 0o755)
			t.link("python"+m, "/usr/local/bin/python3")
			t.link("pydoc"+m, "/usr/local/bin/pydoc3")
			t.link("idle"+m, "/usr/local/bin/idle3")
			t.link("python"+m+"-config", "/usr/local/bin/python3-config")
			t.link("libpython"+m+".so.1.0", "/usr/local/lib/libpython"+m+".so")
			t.exe("/usr/local/lib/libpython3.so")
			t.file("/usr/local/lib/pkgconfig/python-"+m+".pc", "prefix=/usr/local\nlibdir=${prefix}/lib\nincludedir=${prefix}/include\n\nName: Python\nDescription: Build a C extension for Python\nVersion: "+m+"\nLibs: -L${libdir}\nCflags: -I${includedir}/python"+m+"\n")
			t.link("python-"+m+".pc", "/usr/local/lib/pkgconfig/python3.pc")
			t.file(lib+"/os.py", "r\"\"\"OS routines for NT or Posix depending on what system we're on.\"\"\"\n")
			t.file(lib+"/site.py", "\"\"\"Append module search paths for third-party packages to sys.path.\"\"\"\n")
			t.file(site+"/README.txt", "This directory exists so that 3rd party packages can be installed\nhere.  Read the source for site.py for more details.\n")
			distInfo(t, site, "pip", v.pip, "The PyPA recommended tool for installing Python packages.", pipFiles, "pip",
				map[string]string{"pip": "pip._internal.cli.main:main", "pip3": "pip._internal.cli.main:main"})
			if v.setuptools != "" {
				distInfo(t, site, "setuptools", v.setuptools, "Easily download, build, install, upgrade, and uninstall Python packages",
					[]struct {
						name string
						size int64
					}{{"setuptools/__init__.py", 9_339}, {"setuptools/dist.py", 44_887}, {"pkg_resources/__init__.py", 126_203}, {"_distutils_hack/__init__.py", 6_755}},
					"_distutils_hack\npkg_resources\nsetuptools", nil)
				t.file(site+"/distutils-precedence.pth", "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; enabled and __import__('_distutils_hack').add_shim(); \n")
				distInfo(t, site, "wheel", v.wheel, "A built-package format for Python",
					[]struct {
						name string
						size int64
					}{{"wheel/__init__.py", 59}, {"wheel/bdist_wheel.py", 1_107}, {"wheel/wheelfile.py", 8_411}},
					"wheel", map[string]string{"wheel": "wheel.cli:main"})
				t.file("/usr/local/bin/wheel", consoleScript(py, "wheel.cli", "main"), 0o755)
			}
		},
		pads: pythonPads(m, abi),
	}
}

func pythonConfig(m string) string {
	return `#!/bin/sh
# python` + m + `-config: compiler and linker flags for the Python in /usr/local
case "$1" in
--prefix|--exec-prefix) echo /usr/local ;;
--includes|--cflags) echo "-I/usr/local/include/python` + m + ` -I/usr/local/include/python` + m + `" ;;
--ldflags|--libs) echo "-L/usr/local/lib -lpython` + m + `" ;;
--extension-suffix) echo ".cpython-` + strings.ReplaceAll(m, ".", "") + `-x86_64-linux-gnu.so" ;;
*) echo "Usage: $0 --prefix|--exec-prefix|--includes|--libs|--cflags|--ldflags|--extension-suffix|--help|--abiflags|--configdir|--embed" >&2; exit 1 ;;
esac
`
}

// pythonPads spread the Python build over libpython, the standard library
// (plain modules and C extensions) and the headers.
func pythonPads(m, abi string) []pad {
	lib := "/usr/local/lib/python" + m
	p := []pad{
		{"/usr/local/lib/libpython" + m + ".so.1.0", 7200},
		{"/usr/local/include/python" + m + "/Python.h", 4},
		{"/usr/local/include/python" + m + "/object.h", 40},
		{"/usr/local/include/python" + m + "/pyconfig.h", 60},
		{lib + "/config-" + m + "-x86_64-linux-gnu/Makefile", 140},
		{lib + "/_pydecimal.py", 230},
		{lib + "/argparse.py", 100},
		{lib + "/asyncio/base_events.py", 80},
		{lib + "/collections/__init__.py", 60},
		{lib + "/email/_header_value_parser.py", 110},
		{lib + "/encodings/__init__.py", 6},
		{lib + "/enum.py", 90},
		{lib + "/functools.py", 40},
		{lib + "/http/client.py", 60},
		{lib + "/json/__init__.py", 15},
		{lib + "/logging/__init__.py", 90},
		{lib + "/pathlib/_local.py", 40},
		{lib + "/pydoc_data/topics.py", 800},
		{lib + "/re/_parser.py", 40},
		{lib + "/subprocess.py", 90},
		{lib + "/tkinter/__init__.py", 180},
		{lib + "/typing.py", 130},
		{lib + "/unittest/case.py", 60},
		{lib + "/urllib/request.py", 100},
		{lib + "/idlelib/editor.py", 70},
		{lib + "/lib-dynload/_asyncio." + abi + ".so", 300},
		{lib + "/lib-dynload/_ctypes." + abi + ".so", 600},
		{lib + "/lib-dynload/_datetime." + abi + ".so", 500},
		{lib + "/lib-dynload/_decimal." + abi + ".so", 1000},
		{lib + "/lib-dynload/_hashlib." + abi + ".so", 200},
		{lib + "/lib-dynload/_json." + abi + ".so", 150},
		{lib + "/lib-dynload/_pickle." + abi + ".so", 400},
		{lib + "/lib-dynload/_socket." + abi + ".so", 300},
		{lib + "/lib-dynload/_sqlite3." + abi + ".so", 300},
		{lib + "/lib-dynload/_ssl." + abi + ".so", 600},
		{lib + "/lib-dynload/_tkinter." + abi + ".so", 200},
		{lib + "/lib-dynload/unicodedata." + abi + ".so", 1200},
		{lib + "/lib-dynload/_zstd." + abi + ".so", 200},
	}
	return p
}

// pythonSymlinks is the last RUN of every python Dockerfile: python, pip,
// pydoc, idle and python-config without the 3.
func pythonSymlinks(id string, date time.Time) *recipe {
	return &recipe{
		id: id, size: asWritten, date: date,
		build: func(t *tree) {
			for _, src := range []string{"idle3", "pip3", "pydoc3", "python3", "python3-config"} {
				t.link(src, "/usr/local/bin/"+strings.ReplaceAll(src, "3", ""))
			}
		},
	}
}

// runtimeDeps is the slim images' first RUN: ca-certificates, netbase and
// tzdata installed with their dependencies, apt's lists cleaned away.
func runtimeDeps(id string, base []pkg, size int64, date time.Time) *recipe {
	return &recipe{
		id: id, size: size, date: date,
		build: func(t *tree) {
			t.file("/var/lib/dpkg/status", dpkgStatus(base, pythonRuntimePkgs))
			t.file("/etc/protocols", "# Internet (IP) protocols\nip\t0\tIP\t\t# internet protocol, pseudo protocol number\nicmp\t1\tICMP\t\t# internet control message protocol\ntcp\t6\tTCP\t\t# transmission control protocol\nudp\t17\tUDP\t\t# user datagram protocol\n")
			t.file("/etc/services", "# Network services, Internet style\nftp\t\t21/tcp\nssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\nhttp\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP\nhttps\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL\npostgresql\t5432/tcp\t\t\t# PostgreSQL Database\n")
			t.file("/etc/timezone", "Etc/UTC\n")
			t.link("/usr/share/zoneinfo/Etc/UTC", "/etc/localtime")
			t.file("/etc/ca-certificates.conf", "mozilla/ISRG_Root_X1.crt\nmozilla/DigiCert_Global_Root_G2.crt\n")
			t.exe("/usr/bin/openssl", "/usr/sbin/update-ca-certificates")
			t.exeIn("/usr/bin", "c_rehash")
		},
		pads: []pad{
			{"/usr/share/zoneinfo/Etc/UTC", 1},
			{"/usr/share/zoneinfo/Europe/London", 4},
			{"/usr/share/zoneinfo/America/New_York", 4},
			{"/usr/share/zoneinfo/tzdata.zi", 110},
			{"/usr/share/zoneinfo/leap-seconds.list", 5},
			{"/usr/share/zoneinfo/zone1970.tab", 18},
			{"/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt", 2},
			{"/etc/ssl/certs/ca-certificates.crt", 220},
			{"/usr/lib/x86_64-linux-gnu/libexpat.so.1.10.2", 200},
			{"/usr/lib/x86_64-linux-gnu/libffi.so.8.1.4", 40},
			{"/usr/lib/x86_64-linux-gnu/libncursesw.so.6.5", 300},
			{"/usr/lib/x86_64-linux-gnu/libreadline.so.8.2", 320},
			{"/usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so", 160},
			{"/usr/share/zoneinfo/posix/Europe/Paris", 2},
			{"/usr/share/zoneinfo/right/Europe/Paris", 3},
			{"/usr/share/zoneinfo/Asia/Tokyo", 1},
			{"/usr/share/zoneinfo/Australia/Sydney", 2},
			{"/usr/share/zoneinfo/Africa/Cairo", 2},
			{"/usr/share/zoneinfo/America/Sao_Paulo", 1},
			{"/usr/share/zoneinfo/iso3166.tab", 5},
			{"/usr/lib/x86_64-linux-gnu/engines-3/afalg.so", 20},
			{"/usr/share/doc/tzdata/changelog.Debian.gz", 60},
			{"/var/cache/debconf/templates.dat", 400},
			{"/var/lib/dpkg/info/tzdata.list", 110},
			{"/usr/share/zoneinfo/America/Los_Angeles", 3},
			{"/usr/share/zoneinfo/Europe/Berlin", 3},
			{"/usr/share/zoneinfo/right/America/New_York", 4},
			{"/usr/share/zoneinfo/posix/America/New_York", 4},
		},
	}
}
