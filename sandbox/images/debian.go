package images

import (
	"io/fs"
	"strings"
	"time"
)

// debianOS describes a Debian-family root filesystem as the official
// debian and ubuntu images ship it (debuerreotype's minbase, or Ubuntu's
// cloud rootfs): merged /usr, dash as /bin/sh, the account files, dpkg's
// status, and the programs of the Essential and important packages.
type debianOS struct {
	id            string // layer id prefix: debian-trixie-slim-13.4
	osRelease     string
	debianVersion string // /etc/debian_version
	passwd, group string
	pkgs          []pkg
	ubuntu        bool
	full          bool // the non-slim variant keeps docs and man pages
	size          int64
	date          time.Time
	createdBy     string // the history line of the rootfs layer
}

func trixieRelease(full string) string {
	return `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=` + full + `
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`
}

const bookwormRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`

const nobleRelease = `PRETTY_NAME="Ubuntu 24.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.3 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`

const debianShells = `# /etc/shells: valid login shells
/bin/sh
/usr/bin/sh
/bin/bash
/usr/bin/bash
/bin/rbash
/usr/bin/rbash
/bin/dash
/usr/bin/dash
`

// Programs of the Essential and important packages, in /usr/bin and
// /usr/sbin (merged /usr makes /bin and /sbin links to them).
var (
	debianBin = strings.Fields(`
[ arch b2sum base32 base64 basename basenc bash bashbug cat chcon chgrp chmod chown cksum
clear cmp comm cp csplit cut date dd df diff diff3 dir dircolors dirname dpkg dpkg-deb
dpkg-divert dpkg-maintscript-helper dpkg-query dpkg-realpath dpkg-split dpkg-statoverride
dpkg-trigger du echo env expand expr factor false find fmt fold getconf getent grep
groups gunzip gzexe gzip head hostid hostname id infocmp install join kill link ln
locale logname ls mawk md5sum mkdir mkfifo mknod mktemp more mount mv nice nl nohup
nproc numfmt od paste pathchk perl pinky pr printenv printf ptx pwd readlink
realpath rev rm rmdir run-parts runcon sdiff sed seq sha1sum sha224sum sha256sum
sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty su sum sync tabs tac
tail tar tee test tic timeout toe touch tput tr true truncate tset tsort tty umount
uname unexpand uniq unlink users vdir wc who whoami xargs yes zcat zcmp zdiff zgrep zless
zmore znew apt apt-cache apt-cdrom apt-config apt-get apt-key apt-mark chage chfn chsh
expiry gpasswd newgrp passwd login lastlog2 mesg getopt flock ionice setsid
`)
	debianSbin = strings.Fields(`
agetty blkid chpasswd chroot cpgr cppw ctrlaltdel fsck fstrim groupadd groupdel groupmems
groupmod grpck grpconv grpunconv hwclock iconvconfig installkernel ldconfig losetup mkfs
mkhomedir_helper mkswap newusers nologin pam_namespace_helper pivot_root pwck pwconv
pwunconv rmt-tar runuser shadowconfig start-stop-daemon sulogin swapoff swapon
switch_root tarcat useradd userdel usermod vipw wipefs zic
`)
)

// adduserScript stands in for Debian's adduser, a Perl program; the
// sandbox runs its own adduser tool by name.
const adduserScript = "#!/usr/bin/perl\n" +
	"# adduser: add a user or group to the system (Debian's adduser package).\n" +
	"# layerlab catalogue stand-in: the embedded sandbox runs its own adduser tool.\n"

func (o debianOS) recipe() *recipe {
	return &recipe{
		id:   o.id,
		size: o.size,
		date: o.date,
		build: func(t *tree) {
			debianSkeleton(t)
			t.file("/usr/lib/os-release", o.osRelease)
			t.link("../usr/lib/os-release", "/etc/os-release")
			t.file("/etc/debian_version", o.debianVersion+"\n")
			t.file("/etc/hostname", "")
			t.file("/etc/passwd", o.passwd)
			t.file("/etc/group", o.group)
			t.file("/etc/shadow", shadowOf(o.passwd, "20000"), 0o640)
			t.chown("/etc/shadow", 0, 42)
			t.file("/etc/gshadow", gshadowOf(o.group), 0o640)
			t.chown("/etc/gshadow", 0, 42)
			t.file("/etc/shells", debianShells)
			t.file("/etc/login.defs", "# /etc/login.defs - configuration control definitions for the login package.\nMAIL_DIR\t/var/mail\nUID_MIN\t\t\t 1000\nUID_MAX\t\t\t60000\nSYS_UID_MIN\t\t  100\nSYS_UID_MAX\t\t  999\nGID_MIN\t\t\t 1000\nGID_MAX\t\t\t60000\nSYS_GID_MIN\t\t  100\nSYS_GID_MAX\t\t  999\nUSERGROUPS_ENAB yes\nENCRYPT_METHOD YESCRYPT\n")
			t.file("/etc/adduser.conf", "DSHELL=/bin/bash\nDHOME=/home\nUSERGROUPS=yes\nFIRST_SYSTEM_UID=100\nLAST_SYSTEM_UID=999\nFIRST_UID=1000\nLAST_UID=59999\n")
			t.file("/etc/bash.bashrc", "# System-wide .bashrc file for interactive bash(1) shells.\n[ -z \"$PS1\" ] && return\nshopt -s checkwinsize\n")
			t.file("/etc/profile", "# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))\nif [ \"$(id -u)\" -eq 0 ]; then\n  PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\nelse\n  PATH=\"/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games\"\nfi\nexport PATH\n")
			t.file("/etc/skel/.bashrc", "# ~/.bashrc: executed by bash(1) for non-login shells.\n")
			t.file("/etc/skel/.profile", "# ~/.profile: executed by the command interpreter for login shells.\n")
			t.file("/etc/skel/.bash_logout", "# ~/.bash_logout: executed by bash(1) when login shell exits.\n")
			t.file("/root/.bashrc", "# ~/.bashrc: executed by bash(1) for non-login shells.\n")
			t.file("/root/.profile", "# ~/.profile: executed by Bourne-compatible login shells.\n")
			t.file("/etc/nsswitch.conf", "passwd:         files\ngroup:          files\nshadow:         files\nhosts:          files dns\nnetworks:       files\nprotocols:      db files\nservices:       db files\n")
			t.file("/etc/issue", strings.SplitN(o.osRelease, "\"", 3)[1]+" \\n \\l\n\n")
			t.dir("/etc/apt/apt.conf.d", 0o755)
			t.dir("/etc/apt/preferences.d", 0o755)
			t.dir("/etc/apt/trusted.gpg.d", 0o755)
			if o.ubuntu {
				t.file("/etc/apt/sources.list.d/ubuntu.sources", "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble noble-updates noble-backports\nComponents: main universe restricted multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n")
			} else {
				suite := "trixie"
				if strings.Contains(o.osRelease, "bookworm") {
					suite = "bookworm"
				}
				t.file("/etc/apt/sources.list.d/debian.sources", "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: "+suite+" "+suite+"-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: "+suite+"-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")
				// The docker images keep no apt caches or docs (debuerreotype's slimify).
				t.file("/etc/apt/apt.conf.d/docker-clean", "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\n")
			}
			t.file("/var/lib/dpkg/status", dpkgStatus(o.pkgs))
			t.dir("/var/lib/dpkg/info", 0o755)
			t.dir("/var/lib/dpkg/updates", 0o755)
			t.dir("/var/lib/apt/lists/partial", 0o700)
			t.dir("/var/cache/apt/archives/partial", 0o700)
			t.dir("/var/cache/debconf", 0o755)
			t.dir("/var/log/apt", 0o755)

			for _, n := range debianBin {
				t.exe("/usr/bin/" + n)
			}
			t.exeIn("/usr/bin", "dash", "which.debianutils", "egrep", "fgrep")
			t.link("dash", "/usr/bin/sh")
			t.link("bash", "/usr/bin/rbash")
			t.link("/etc/alternatives/awk", "/usr/bin/awk")
			t.link("/usr/bin/mawk", "/etc/alternatives/awk")
			t.link("/etc/alternatives/which", "/usr/bin/which")
			t.link("/usr/bin/which.debianutils", "/etc/alternatives/which")
			for _, n := range debianSbin {
				t.exe("/usr/sbin/" + n)
			}
			t.file("/usr/sbin/adduser", adduserScript, 0o755)
			t.file("/usr/sbin/deluser", strings.Replace(adduserScript, "adduser", "deluser", -1), 0o755)
			t.link("adduser", "/usr/sbin/addgroup")
			t.link("deluser", "/usr/sbin/delgroup")
			t.link("groupmod", "/usr/sbin/vigr")
			if o.full {
				t.dir("/usr/share/man/man1", 0o755)
				t.dir("/usr/share/doc", 0o755)
			}
		},
		pads: debianPads(o.full),
	}
}

// debianSkeleton is the directory tree every Debian-family image has.
func debianSkeleton(t *tree) {
	t.dirs(0o755, "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/lib/x86_64-linux-gnu",
		"/usr/games", "/usr/include", "/usr/libexec", "/usr/share", "/usr/src",
		"/usr/local/bin", "/usr/local/etc", "/usr/local/games", "/usr/local/include",
		"/usr/local/lib", "/usr/local/sbin", "/usr/local/share", "/usr/local/src",
		"/boot", "/dev", "/etc", "/home", "/media", "/mnt", "/opt", "/run", "/srv",
		"/var/backups", "/var/cache", "/var/lib", "/var/local", "/var/log", "/var/opt", "/var/spool")
	t.link("share/man", "/usr/local/man")
	// Merged /usr: the top-level directories are links into /usr.
	t.link("usr/bin", "/bin")
	t.link("usr/sbin", "/sbin")
	t.link("usr/lib", "/lib")
	t.link("usr/lib64", "/lib64")
	t.dir("/proc", 0o555)
	t.dir("/sys", 0o555)
	t.dir("/root", 0o700)
	t.dir("/tmp", fs.ModeSticky|0o777)
	t.dir("/var/tmp", fs.ModeSticky|0o777)
	t.dir("/run/lock", fs.ModeSticky|0o777)
	t.link("/run/lock", "/var/lock")
	t.link("/run", "/var/run")
	t.dir("/var/mail", fs.ModeSetgid|0o775)
	t.chown("/var/mail", 0, 8)
	t.dir("/var/local", fs.ModeSetgid|0o775)
	t.chown("/var/local", 0, 50)
	t.link("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/lib64/ld-linux-x86-64.so.2")
}

// debianPads spread a Debian rootfs's bulk over the files that make it up
// in the real image, roughly in their real proportions.
func debianPads(full bool) []pad {
	p := []pad{
		{"/usr/lib/x86_64-linux-gnu/libc.so.6", 2100},
		{"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", 240},
		{"/usr/lib/x86_64-linux-gnu/libm.so.6", 950},
		{"/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.33", 2600},
		{"/usr/lib/x86_64-linux-gnu/libcrypto.so.3", 6500},
		{"/usr/lib/x86_64-linux-gnu/libssl.so.3", 800},
		{"/usr/lib/x86_64-linux-gnu/libsystemd.so.0.40.0", 950},
		{"/usr/lib/x86_64-linux-gnu/libdb-5.3.so", 1800},
		{"/usr/lib/x86_64-linux-gnu/libapt-pkg.so.7.0.0", 3300},
		{"/usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6", 1600},
		{"/usr/lib/x86_64-linux-gnu/libgmp.so.10.5.0", 800},
		{"/usr/lib/x86_64-linux-gnu/libzstd.so.1.5.7", 900},
		{"/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache", 27},
		{"/usr/lib/x86_64-linux-gnu/gconv/libJIS.so", 180},
		{"/usr/lib/x86_64-linux-gnu/perl-base/unicore/Name.pl", 1200},
		{"/usr/lib/x86_64-linux-gnu/perl-base/unicore/UCD.pl", 4000},
		{"/usr/lib/x86_64-linux-gnu/perl-base/Config_heavy.pl", 50},
		{"/usr/lib/x86_64-linux-gnu/security/pam_unix.so", 60},
		{"/usr/lib/locale/C.utf8/LC_CTYPE", 350},
		{"/usr/share/zoneinfo/zone1970.tab", 20},
		{"/usr/share/common-licenses/GPL-3", 35},
		{"/usr/share/perl5/Debconf/Config.pm", 20},
		{"/usr/share/terminfo/x/xterm", 4},
		{"/usr/share/i18n/charmaps/UTF-8.gz", 90},
		{"/usr/share/keyrings/debian-archive-keyring.gpg", 60},
		{"/usr/share/bash-completion/completions/apt", 15},
		{"/var/cache/debconf/templates.dat", 700},
		{"/var/lib/dpkg/info/libc6:amd64.md5sums", 40},
		{"/var/lib/dpkg/info/coreutils.list", 8},
	}
	if full {
		p = append(p,
			pad{"/usr/share/man/man1/bash.1.gz", 100},
			pad{"/usr/share/doc/libc6/changelog.Debian.gz", 300},
			pad{"/usr/share/locale/de/LC_MESSAGES/coreutils.mo", 500},
			pad{"/usr/share/locale/fr/LC_MESSAGES/coreutils.mo", 500},
			pad{"/usr/share/info/coreutils.info.gz", 400},
			pad{"/usr/lib/x86_64-linux-gnu/libperl.so.5.40.1", 4000},
			pad{"/usr/share/perl/5.40.1/unicore/Name.pl", 1500},
		)
	}
	return p
}
