package images

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// pkg is one installed Debian/Ubuntu package as /var/lib/dpkg/status lists
// it, so apt-style tools and `dpkg -l` see what the real image has.
type pkg struct {
	name, version, arch, section, priority, desc string
	sizeKB                                       int
	essential                                    bool
}

// pkgs parses a compact table: one package a line,
// "name version arch section priority sizeKB [E] description". E marks an
// Essential package.
func pkgs(table string) []pkg {
	var out []pkg
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Fields(line)
		if len(f) < 7 {
			panic("images: bad package line: " + line)
		}
		kb, err := strconv.Atoi(f[5])
		if err != nil {
			panic("images: bad package size: " + line)
		}
		p := pkg{name: f[0], version: f[1], arch: f[2], section: f[3], priority: f[4], sizeKB: kb}
		rest := f[6:]
		if rest[0] == "E" {
			p.essential, rest = true, rest[1:]
		}
		p.desc = strings.Join(rest, " ")
		out = append(out, p)
	}
	return out
}

// dpkgStatus renders the status file of the union of lists (a later list
// replaces a package of the same name), sorted by name as dpkg keeps it.
func dpkgStatus(lists ...[]pkg) string {
	byName := map[string]pkg{}
	for _, l := range lists {
		for _, p := range l {
			byName[p.name] = p
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		p := byName[n]
		fmt.Fprintf(&b, "Package: %s\nStatus: install ok installed\nPriority: %s\nSection: %s\nInstalled-Size: %d\n", p.name, p.priority, p.section, p.sizeKB)
		if p.essential {
			b.WriteString("Essential: yes\n")
		}
		fmt.Fprintf(&b, "Architecture: %s\nVersion: %s\nDescription: %s\n\n", p.arch, p.version, p.desc)
	}
	return b.String()
}

// Debian 13 (trixie) as debian:trixie-slim has it.
var trixieSlimPkgs = pkgs(`
adduser 3.152 all admin important 849 add and remove users and groups
apt 3.0.3 amd64 admin important 4244 commandline package manager
base-files 13.8+deb13u1 amd64 admin required 349 E Debian base system miscellaneous files
base-passwd 3.6.7 amd64 admin required 273 E Debian base system master password and group files
bash 5.2.37-2+b5 amd64 shells required 7586 E GNU Bourne Again SHell
bsdutils 1:2.41-5 amd64 utils required 335 E basic utilities from 4.4BSD-Lite
coreutils 9.7-3 amd64 utils required 20236 E GNU core utilities
dash 0.5.12-12 amd64 shells required 194 E POSIX-compliant shell
debconf 1.5.91 all admin required 507 Debian configuration management system
debian-archive-keyring 2025.1 all misc important 270 OpenPGP archive certificates of the Debian archive
debianutils 5.23.2 amd64 utils required 232 E Miscellaneous utilities specific to Debian
diffutils 1:3.10-4 amd64 utils required 1565 E File comparison utilities
dpkg 1.22.21 amd64 admin required 6549 E Debian package management system
findutils 4.10.0-3 amd64 utils required 1851 E utilities for finding files--find, xargs
gcc-14-base 14.2.0-19 amd64 libs required 273 GCC, the GNU Compiler Collection (base package)
grep 3.11-4 amd64 utils required 1327 E GNU grep, egrep and fgrep
gzip 1.13-1 amd64 utils required 248 E GNU compression utilities
hostname 3.25 amd64 admin required 45 E utility to set/show the host name or domain name
init-system-helpers 1.69~deb13u1 all admin required 138 E helper tools for all init systems
libacl1 2.3.2-2+b1 amd64 libs required 65 access control list - shared library
libapt-pkg7.0 3.0.3 amd64 libs important 3412 package management runtime library
libattr1 1:2.5.2-3 amd64 libs required 55 extended attribute handling - shared library
libaudit-common 1:4.0.2-2 all libs required 18 Dynamic library for security auditing - common files
libaudit1 1:4.0.2-2+b2 amd64 libs required 148 Dynamic library for security auditing
libblkid1 2.41-5 amd64 libs required 402 block device ID library
libbz2-1.0 1.0.8-6 amd64 libs important 105 high-quality block-sorting file compressor library - runtime
libc-bin 2.41-12 amd64 libs required 2396 GNU C Library: Binaries
libc6 2.41-12 amd64 libs required 12986 GNU C Library: Shared libraries
libcap-ng0 0.8.5-4+b1 amd64 libs required 56 alternate POSIX capabilities library
libcap2 1:2.75-10+b1 amd64 libs required 89 POSIX 1003.1e capabilities (library)
libcrypt1 1:4.4.38-1 amd64 libs required 233 libcrypt shared library
libdb5.3t64 5.3.28+dfsg2-9 amd64 libs required 1869 Berkeley v5.3 Database Libraries [runtime]
libdebconfclient0 0.280 amd64 libs required 33 Debian Configuration Management System (C-implementation library)
libgcc-s1 14.2.0-19 amd64 libs required 147 GCC support library
libgmp10 2:6.3.0+dfsg-3 amd64 libs required 863 Multiprecision arithmetic library
libhogweed6t64 3.10.1-1 amd64 libs required 323 low level cryptographic library (public-key cryptos)
liblastlog2-2 2.41-5 amd64 libs required 51 lastlog2 database shared library
liblz4-1 1.10.0-4 amd64 libs required 162 Fast LZ compression algorithm library - runtime
liblzma5 5.8.1-1 amd64 libs required 379 XZ-format compression library
libmd0 1.1.0-2+b1 amd64 libs required 79 message digest functions from BSD systems - shared library
libmount1 2.41-5 amd64 libs required 495 device mounting library
libnettle8t64 3.10.1-1 amd64 libs required 547 low level cryptographic library (symmetric and one-way cryptos)
libpam-modules 1.7.0-5 amd64 admin required 1085 Pluggable Authentication Modules for PAM
libpam-modules-bin 1.7.0-5 amd64 admin required 327 Pluggable Authentication Modules for PAM - helper binaries
libpam-runtime 1.7.0-5 all admin required 888 Runtime support for the PAM library
libpam0g 1.7.0-5 amd64 libs required 206 Pluggable Authentication Modules library
libpcre2-8-0 10.46-1~deb13u1 amd64 libs required 677 New Perl Compatible Regular Expression Library- 8 bit runtime files
libseccomp2 2.6.0-2 amd64 libs optional 146 high level interface to Linux seccomp filter
libselinux1 3.8.1-1 amd64 libs required 214 SELinux runtime shared libraries
libsemanage-common 3.8.1-1 all libs required 40 Common files for SELinux policy management libraries
libsemanage2 3.8.1-1 amd64 libs required 325 SELinux policy management library
libsepol2 3.8.1-1 amd64 libs required 812 SELinux library for manipulating binary security policies
libsmartcols1 2.41-5 amd64 libs required 302 smart column output alignment library
libsqlite3-0 3.46.1-7 amd64 libs optional 1683 SQLite 3 shared library
libssl3t64 3.5.1-1 amd64 libs optional 7300 Secure Sockets Layer toolkit - shared libraries
libstdc++6 14.2.0-19 amd64 libs important 2807 GNU Standard C++ Library v3
libsystemd0 257.7-1 amd64 libs optional 1097 systemd utility library
libtinfo6 6.5+20250216-2 amd64 libs required 519 shared low-level terminfo library for terminal handling
libudev1 257.7-1 amd64 libs optional 312 libudev shared library
libuuid1 2.41-5 amd64 libs required 56 Universally Unique ID library
libxxhash0 0.8.3-2 amd64 libs required 184 shared library for xxhash
libzstd1 1.5.7+dfsg-1 amd64 libs required 958 fast lossless compression algorithm
login 1:4.16.0-2+really2.41-5 amd64 admin required 1041 E system login tools
login.defs 1:4.17.4-2 all admin required 54 system user management configuration
mawk 1.3.4.20250131-1 amd64 interpreters required 279 Pattern scanning and text processing language
mount 2.41-5 amd64 admin required 440 tools for mounting and manipulating filesystems
ncurses-base 6.5+20250216-2 all misc required 397 E basic terminal type definitions
ncurses-bin 6.5+20250216-2 amd64 utils required 686 E terminal-related programs and man pages
passwd 1:4.17.4-2 amd64 admin required 2652 change and administer password and group data
perl-base 5.40.1-6 amd64 perl required 10373 E minimal Perl system
sed 4.9-2 amd64 utils required 913 E GNU stream editor for filtering/transforming text
sqv 1.3.0-3 amd64 utils important 1074 OpenPGP signature verification program from Sequoia
sysvinit-utils 3.14-4 amd64 admin required 83 E System-V-like utilities
tar 1.35+dfsg-3.1 amd64 utils required 3194 E GNU version of the tar archiving utility
tzdata 2025b-4+deb13u1 all localization required 1318 time zone and daylight-saving time data
util-linux 2.41-5 amd64 utils required 5016 E miscellaneous system utilities
zlib1g 1:1.3.dfsg+really1.3.1-1+b1 amd64 libs required 168 compression library - runtime
`)

// What python's slim images add in their runtime-dependencies layer.
var pythonRuntimePkgs = pkgs(`
ca-certificates 20250419 all misc optional 424 Common CA certificates
libexpat1 2.7.1-2 amd64 libs optional 413 XML parsing C library - runtime library
libffi8 3.4.8-2 amd64 libs optional 60 Foreign Function Interface library runtime
libncursesw6 6.5+20250216-2 amd64 libs optional 465 shared libraries for terminal handling (wide character support)
libreadline8t64 8.2-6 amd64 libs optional 460 GNU readline and history libraries, run-time libraries
netbase 6.5 all admin optional 41 Basic TCP/IP networking system
openssl 3.5.1-1 amd64 utils optional 2264 Secure Sockets Layer toolkit - cryptographic utility
readline-common 8.2-6 all utils optional 93 GNU readline and history libraries, common files
`)

// buildpack-deps:trixie's curl, scm and compiler layers (a selection of the
// packages each installs: the ones learners look for).
var (
	buildpackCurlPkgs = pkgs(`
curl 8.14.1-2 amd64 web optional 499 command line tool for transferring data with URL syntax
dirmngr 2.4.7-21 amd64 utils optional 1227 GNU privacy guard - network certificate management service
gnupg 2.4.7-21 all utils optional 882 GNU privacy guard - a free PGP replacement
libcurl4t64 8.14.1-2 amd64 libs optional 980 easy-to-use client-side URL transfer library (OpenSSL flavour)
netbase 6.5 all admin optional 41 Basic TCP/IP networking system
ca-certificates 20250419 all misc optional 424 Common CA certificates
wget 1.25.0-2 amd64 web standard 3758 retrieves files from the web
`)
	buildpackScmPkgs = pkgs(`
git 1:2.47.2-0.2 amd64 vcs optional 46066 fast, scalable, distributed revision control system
mercurial 6.9.4-1 amd64 vcs optional 1203 easy-to-use, scalable distributed version control system
openssh-client 1:10.0p1-7 amd64 net standard 6412 secure shell (SSH) client, for secure access to remote machines
procps 2:4.0.4-9 amd64 admin important 2376 /proc file system utilities
subversion 1.14.5-3 amd64 vcs optional 4842 Advanced version control system
`)
	buildpackPkgs = pkgs(`
autoconf 2.72-3.1 all devel optional 2137 automatic configure script builder
automake 1:1.17-4 all devel optional 1934 Tool for generating GNU Standards-compliant Makefiles
bzip2 1.0.8-6 amd64 utils optional 113 high-quality block-sorting file compressor - utilities
default-libmysqlclient-dev 1.1.1 amd64 libdevel optional 9 MySQL database development files (metapackage)
dpkg-dev 1.22.21 all utils optional 2548 Debian package development tools
file 1:5.46-5 amd64 utils standard 77 Recognize the type of data in a file using "magic" numbers
g++ 4:14.2.0-1 amd64 devel optional 15 GNU C++ compiler
gcc 4:14.2.0-1 amd64 devel optional 45 GNU C compiler
imagemagick 8:7.1.1.43+dfsg1-1 amd64 graphics optional 246 image manipulation programs -- binaries
libbz2-dev 1.0.8-6 amd64 libdevel optional 94 high-quality block-sorting file compressor library - development
libc6-dev 2.41-12 amd64 libdevel optional 12986 GNU C Library: Development Libraries and Header Files
libcurl4-openssl-dev 8.14.1-2 amd64 libdevel optional 1468 development files and documentation for libcurl (OpenSSL flavour)
libffi-dev 3.4.8-2 amd64 libdevel optional 355 Foreign Function Interface library (development files)
libpq-dev 17.5-1 amd64 libdevel optional 1198 header files for libpq5 (PostgreSQL library)
libsqlite3-dev 3.46.1-7 amd64 libdevel optional 3076 SQLite 3 development files
libssl-dev 3.5.1-1 amd64 libdevel optional 12931 Secure Sockets Layer toolkit - development files
libtool 2.5.4-4 all devel optional 1123 Generic library support script
libxml2-dev 2.12.7+dfsg+really2.9.14-2.1 amd64 libdevel optional 2927 GNOME XML library - development files
libyaml-dev 0.2.5-2 amd64 libdevel optional 297 Fast YAML 1.1 parser and emitter library (development)
make 4.4.1-2 amd64 devel optional 1833 utility for directing compilation
patch 2.8-2 amd64 vcs optional 248 Apply a diff file to an original
pkgconf 1.8.1-4 amd64 devel optional 57 manage compile and link flags for libraries
unzip 6.0-29 amd64 utils optional 551 De-archiver for .zip files
xz-utils 5.8.1-1 amd64 utils important 503 XZ-format compression utilities
zlib1g-dev 1:1.3.dfsg+really1.3.1-1+b1 amd64 libdevel optional 568 compression library - development
`)
)

// Debian 12 (bookworm) as debian:bookworm-slim has it.
var bookwormSlimPkgs = pkgs(`
adduser 3.134 all admin important 849 add and remove users and groups
apt 2.6.1 amd64 admin important 4128 commandline package manager
base-files 12.4+deb12u11 amd64 admin required 343 E Debian base system miscellaneous files
base-passwd 3.6.1 amd64 admin required 243 E Debian base system master password and group files
bash 5.2.15-2+b8 amd64 shells required 7164 E GNU Bourne Again SHell
bsdutils 1:2.38.1-5+deb12u3 amd64 utils required 344 E basic utilities from 4.4BSD-Lite
coreutils 9.1-1 amd64 utils required 18062 E GNU core utilities
dash 0.5.12-2 amd64 shells required 191 E POSIX-compliant shell
debconf 1.5.82 all admin required 512 Debian configuration management system
debian-archive-keyring 2023.3+deb12u2 all misc important 254 GnuPG archive keys of the Debian archive
debianutils 5.7-0.5~deb12u1 amd64 utils required 243 E Miscellaneous utilities specific to Debian
diffutils 1:3.8-4 amd64 utils required 1592 E File comparison utilities
dpkg 1.21.22 amd64 admin required 6339 E Debian package management system
findutils 4.9.0-4 amd64 utils required 1674 E utilities for finding files--find, xargs
gcc-12-base 12.2.0-14+deb12u1 amd64 libs required 272 GCC, the GNU Compiler Collection (base package)
gpgv 2.2.40-1.1 amd64 utils important 900 GNU privacy guard - signature verification tool
grep 3.8-5 amd64 utils required 1628 E GNU grep, egrep and fgrep
gzip 1.12-1 amd64 utils required 259 E GNU compression utilities
hostname 3.23+nmu1 amd64 admin required 45 E utility to set/show the host name or domain name
init-system-helpers 1.65.2 all admin required 131 E helper tools for all init systems
libacl1 2.3.1-3 amd64 libs required 64 access control list - shared library
libapt-pkg6.0 2.6.1 amd64 libs important 3226 package management runtime library
libattr1 1:2.5.1-4 amd64 libs required 52 extended attribute handling - shared library
libaudit-common 1:3.0.9-1 all libs required 22 Dynamic library for security auditing - common files
libaudit1 1:3.0.9-1 amd64 libs required 159 Dynamic library for security auditing
libblkid1 2.38.1-5+deb12u3 amd64 libs required 408 block device ID library
libbz2-1.0 1.0.8-5+b1 amd64 libs important 105 high-quality block-sorting file compressor library - runtime
libc-bin 2.36-9+deb12u10 amd64 libs required 2545 GNU C Library: Binaries
libc6 2.36-9+deb12u10 amd64 libs required 12972 GNU C Library: Shared libraries
libcap-ng0 0.8.3-1+b3 amd64 libs required 53 An alternate POSIX capabilities library
libcap2 1:2.66-4+deb12u1 amd64 libs required 87 POSIX 1003.1e capabilities (library)
libcrypt1 1:4.4.33-2 amd64 libs required 226 libcrypt shared library
libdb5.3 5.3.28+dfsg2-1 amd64 libs required 1846 Berkeley v5.3 Database Libraries [runtime]
libdebconfclient0 0.270 amd64 libs required 32 Debian Configuration Management System (C-implementation library)
libgcc-s1 12.2.0-14+deb12u1 amd64 libs required 145 GCC support library
libgcrypt20 1.10.1-3 amd64 libs optional 1632 LGPL Crypto library - runtime library
libgmp10 2:6.2.1+dfsg1-1.1 amd64 libs required 853 Multiprecision arithmetic library
libgnutls30 3.7.9-2+deb12u4 amd64 libs optional 3446 GNU TLS library - main runtime library
libgpg-error0 1.46-1 amd64 libs optional 964 GnuPG development runtime library
libhogweed6 3.8.1-2 amd64 libs required 310 low level cryptographic library (public-key cryptos)
liblz4-1 1.9.4-1 amd64 libs required 160 Fast LZ compression algorithm library - runtime
liblzma5 5.4.1-1 amd64 libs required 330 XZ-format compression library
libmd0 1.0.4-2 amd64 libs required 80 message digest functions from BSD systems - shared library
libmount1 2.38.1-5+deb12u3 amd64 libs required 464 device mounting library
libnettle8 3.8.1-2 amd64 libs required 507 low level cryptographic library (symmetric and one-way cryptos)
libpam-modules 1.5.2-6+deb12u1 amd64 admin required 1031 Pluggable Authentication Modules for PAM
libpam-modules-bin 1.5.2-6+deb12u1 amd64 admin required 347 Pluggable Authentication Modules for PAM - helper binaries
libpam-runtime 1.5.2-6+deb12u1 all admin required 931 Runtime support for the PAM library
libpam0g 1.5.2-6+deb12u1 amd64 libs required 229 Pluggable Authentication Modules library
libpcre2-8-0 10.42-1 amd64 libs required 653 New Perl Compatible Regular Expression Library- 8 bit runtime files
libseccomp2 2.5.4-1+deb12u1 amd64 libs optional 144 high level interface to Linux seccomp filter
libselinux1 3.4-1+b6 amd64 libs required 207 SELinux runtime shared libraries
libsemanage-common 3.4-1 all libs required 37 Common files for SELinux policy management libraries
libsemanage2 3.4-1+b5 amd64 libs required 333 SELinux policy management library
libsepol2 3.4-2.1 amd64 libs required 760 SELinux library for manipulating binary security policies
libsmartcols1 2.38.1-5+deb12u3 amd64 libs required 333 smart column output alignment library
libstdc++6 12.2.0-14+deb12u1 amd64 libs important 2678 GNU Standard C++ Library v3
libsystemd0 252.36-1~deb12u1 amd64 libs optional 924 systemd utility library
libtinfo6 6.4-4 amd64 libs required 519 shared low-level terminfo library for terminal handling
libudev1 252.36-1~deb12u1 amd64 libs optional 336 libudev shared library
libuuid1 2.38.1-5+deb12u3 amd64 libs required 52 Universally Unique ID library
libxxhash0 0.8.1-1 amd64 libs required 156 shared library for xxhash
libzstd1 1.5.4+dfsg2-5 amd64 libs required 868 fast lossless compression algorithm
login 1:4.13+dfsg1-1+deb12u1 amd64 admin required 2633 E system login tools
mawk 1.3.4.20200120-3.1 amd64 interpreters required 273 Pattern scanning and text processing language
mount 2.38.1-5+deb12u3 amd64 admin required 436 tools for mounting and manipulating filesystems
ncurses-base 6.4-4 all misc required 392 E basic terminal type definitions
ncurses-bin 6.4-4 amd64 utils required 621 E terminal-related programs and man pages
passwd 1:4.13+dfsg1-1+deb12u1 amd64 admin required 2835 change and administer password and group data
perl-base 5.36.0-7+deb12u2 amd64 perl required 7695 E minimal Perl system
sed 4.9-1 amd64 utils required 915 E GNU stream editor for filtering/transforming text
sysvinit-utils 3.06-4 amd64 admin required 73 E System-V-like utilities
tar 1.34+dfsg-1.2+deb12u1 amd64 utils required 3152 E GNU version of the tar archiving utility
tzdata 2025b-0+deb12u1 all localization required 2556 time zone and daylight-saving time data
usr-is-merged 37~deb12u1 all oldlibs required 26 Transitional package to assert a merged-/usr system
util-linux 2.38.1-5+deb12u3 amd64 utils required 3128 E miscellaneous system utilities
util-linux-extra 2.38.1-5+deb12u3 amd64 utils optional 705 interactive login tools
zlib1g 1:1.2.13.dfsg-1 amd64 libs required 168 compression library - runtime
`)

// Ubuntu 24.04 (noble) as ubuntu:24.04 has it.
var noblePkgs = pkgs(`
apt 2.8.3 amd64 admin important 4180 commandline package manager
base-files 13ubuntu10.3 amd64 admin required 397 E Debian base system miscellaneous files
base-passwd 3.6.3build1 amd64 admin required 243 E Debian base system master password and group files
bash 5.2.21-2ubuntu4 amd64 shells required 1792 E GNU Bourne Again SHell
bsdutils 1:2.39.3-9ubuntu6.3 amd64 utils required 336 E basic utilities from 4.4BSD-Lite
coreutils 9.4-3ubuntu6.1 amd64 utils required 7200 E GNU core utilities
dash 0.5.12-6ubuntu5 amd64 shells required 200 E POSIX-compliant shell
debconf 1.5.86ubuntu1 all admin required 520 Debian configuration management system
debianutils 5.17build1 amd64 utils required 244 E Miscellaneous utilities specific to Debian
diffutils 1:3.10-1build1 amd64 utils required 1524 E File comparison utilities
dpkg 1.22.6ubuntu6.1 amd64 admin required 6324 E Debian package management system
findutils 4.9.0-5build1 amd64 utils required 1673 E utilities for finding files--find, xargs
gcc-14-base 14.2.0-4ubuntu2~24.04 amd64 libs required 281 GCC, the GNU Compiler Collection (base package)
gpgv 2.4.4-2ubuntu17.3 amd64 utils important 380 GNU privacy guard - signature verification tool
grep 3.11-4build1 amd64 utils required 1404 E GNU grep, egrep and fgrep
gzip 1.12-1ubuntu3.1 amd64 utils required 268 E GNU compression utilities
hostname 3.23+nmu2ubuntu2 amd64 admin required 48 E utility to set/show the host name or domain name
init-system-helpers 1.66ubuntu1 all admin required 134 E helper tools for all init systems
libacl1 2.3.2-1build1.1 amd64 libs required 64 access control list - shared library
libapt-pkg6.0t64 2.8.3 amd64 libs important 3322 package management runtime library
libattr1 1:2.5.2-1build1.1 amd64 libs required 52 extended attribute handling - shared library
libc-bin 2.39-0ubuntu8.6 amd64 libs required 2770 GNU C Library: Binaries
libc6 2.39-0ubuntu8.6 amd64 libs required 13388 GNU C Library: Shared libraries
libgcc-s1 14.2.0-4ubuntu2~24.04 amd64 libs required 149 GCC support library
libpam-modules 1.5.3-5ubuntu5.5 amd64 admin required 1138 Pluggable Authentication Modules for PAM
libpam-runtime 1.5.3-5ubuntu5.5 all admin required 756 Runtime support for the PAM library
libpam0g 1.5.3-5ubuntu5.5 amd64 libs required 230 Pluggable Authentication Modules library
libselinux1 3.5-2ubuntu2.1 amd64 libs required 207 SELinux runtime shared libraries
libssl3t64 3.0.13-0ubuntu3.6 amd64 libs important 6296 Secure Sockets Layer toolkit - shared libraries
libstdc++6 14.2.0-4ubuntu2~24.04 amd64 libs important 2892 GNU Standard C++ Library v3
libsystemd0 255.4-1ubuntu8.10 amd64 libs required 1053 systemd utility library
libtinfo6 6.4+20240113-1ubuntu2 amd64 libs required 576 shared low-level terminfo library for terminal handling
libzstd1 1.5.5+dfsg2-2build1.1 amd64 libs required 814 fast lossless compression algorithm
login 1:4.13+dfsg1-4ubuntu3.2 amd64 admin required 888 E system login tools
mawk 1.3.4.20240123-1build1 amd64 interpreters required 240 Pattern scanning and text processing language
mount 2.39.3-9ubuntu6.3 amd64 admin required 404 tools for mounting and manipulating filesystems
ncurses-base 6.4+20240113-1ubuntu2 all misc required 392 E basic terminal type definitions
ncurses-bin 6.4+20240113-1ubuntu2 amd64 utils required 644 E terminal-related programs and man pages
passwd 1:4.13+dfsg1-4ubuntu3.2 amd64 admin required 2664 change and administer password and group data
perl-base 5.38.2-3.2ubuntu0.2 amd64 perl required 7990 E minimal Perl system
sed 4.9-2build1 amd64 utils required 896 E GNU stream editor for filtering/transforming text
sensible-utils 0.0.22 all utils required 68 Utilities for sensible alternative selection
sysvinit-utils 3.08-6ubuntu3 amd64 admin required 72 E System-V-like utilities
tar 1.35+dfsg-3build1 amd64 utils required 2880 E GNU version of the tar archiving utility
ubuntu-keyring 2023.11.28.1 all misc important 38 GnuPG keys of the Ubuntu archive
util-linux 2.39.3-9ubuntu6.3 amd64 utils required 3292 E miscellaneous system utilities
zlib1g 1:1.3.dfsg-3.1ubuntu2.1 amd64 libs required 162 compression library - runtime
`)
