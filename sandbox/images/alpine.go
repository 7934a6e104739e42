package images

import (
	"fmt"
	"io/fs"
	"strings"
)

// Alpine's applets: /bin, /sbin, /usr/bin and /usr/sbin names that are
// symlinks to /bin/busybox in alpine:3.20 (a selection: every one the
// sandbox has a tool for, and the common others).
var (
	alpineBin = strings.Fields(`arch ash base64 bbconfig cat chattr chgrp chmod chown cp date dd df
dmesg dnsdomainname dumpkmap echo egrep false fatattr fdflush fgrep fsync getopt grep gunzip
gzip hostname ionice iostat ipcalc kbd_mode kill link linux32 linux64 ln login ls lsattr lzop
makemime mkdir mknod mktemp more mount mountpoint mpstat mv netstat nice pidof ping ping6
pipe_progress printenv ps pwd reformime rev rm rmdir run-parts sed setpriv setserial sh sleep
stat stty su sync tar touch true umount uname usleep watch zcat`)
	alpineSbin = strings.Fields(`acpid adjtimex arp blkid blockdev depmod fbsplash fdisk findfs fsck
fstrim getty halt hwclock ifconfig ifdown ifenslave ifup init inotifyd insmod ip ipaddr iplink
ipneigh iproute iprule iptunnel klogd loadkmap logread losetup lsmod mdev mkdosfs mkfs.vfat
mkswap modinfo modprobe nameif nologin pivot_root poweroff raidautorun reboot rmmod route
setconsole slattach swapoff swapon switch_root sysctl syslogd tunctl udhcpc vconfig watchdog`)
	alpineUsrBin = strings.Fields(`[ [[ awk basename bc beep blkdiscard bunzip2 bzcat bzip2 cal chvt
cksum clear cmp comm cpio crontab cryptpw cut dc deallocvt diff dirname dos2unix du eject env
expand expr factor fallocate find flock fold free fuser groups hd head hexdump hostid id install
ipcrm ipcs killall last less logger lsof lsusb lzcat lzma lzopcat md5sum mesg microcom mkfifo
mkpasswd nc nl nmeter nohup nproc nsenter nslookup od openvt passwd paste pgrep pkill pmap
printf pscan pstree pwdx readlink realpath renice reset resize seq setkeycodes setsid sha1sum
sha256sum sha3sum sha512sum showkey shred shuf sort split strings sum tac tail tee test time
timeout top tr traceroute traceroute6 tree truncate tty ttysize udhcpc6 unexpand uniq unlink
unlzma unlzop unshare unxz unzip uptime uudecode uuencode vi vlock volname wc wget which whoami
whois xargs xxd xzcat yes`)
	alpineUsrSbin = strings.Fields(`add-shell addgroup adduser arping brctl chpasswd chroot crond
delgroup deluser ether-wake fbset killall5 loadfont nanddump nandwrite nbd-client ntpd
partprobe rdate rdev readahead remove-shell rfkill sendmail setfont setlogcons`)
)

// apkPkg is an entry of apk's installed database (/lib/apk/db/installed).
type apkPkg struct{ name, version, desc string }

var alpine320Pkgs = []apkPkg{
	{"alpine-baselayout", "3.6.5-r0", "Alpine base dir structure and init scripts"},
	{"alpine-baselayout-data", "3.6.5-r0", "Alpine base dir structure and init scripts"},
	{"alpine-keys", "2.4-r1", "Public keys for Alpine Linux packages"},
	{"apk-tools", "2.14.4-r1", "Alpine Package Keeper - package manager for alpine"},
	{"busybox", "1.36.1-r31", "Size optimized toolbox of many common UNIX utilities"},
	{"busybox-binsh", "1.36.1-r31", "busybox ash /bin/sh"},
	{"ca-certificates-bundle", "20250619-r0", "Pre generated bundle of Mozilla certificates"},
	{"libcrypto3", "3.3.5-r0", "Crypto library from openssl"},
	{"libssl3", "3.3.5-r0", "SSL shared libraries"},
	{"musl", "1.2.5-r1", "the musl c library (libc) implementation"},
	{"musl-utils", "1.2.5-r1", "the musl c library (libc) implementation"},
	{"scanelf", "1.3.7-r2", "Scan ELF binaries for stuff"},
	{"ssl_client", "1.36.1-r31", "EXternal ssl_client for busybox wget"},
	{"zlib", "1.3.1-r1", "A compression/decompression Library"},
}

func apkInstalled(ps []apkPkg) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "P:%s\nV:%s\nA:x86_64\nT:%s\nU:https://alpinelinux.org\nL:MIT\n\n", p.name, p.version, p.desc)
	}
	return b.String()
}

const alpineRelease = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.10
PRETTY_NAME="Alpine Linux v3.20"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`

func alpineRecipe() *recipe {
	return &recipe{
		id:   "alpine-3.20.10",
		size: 7_797_762,
		date: day("2026-01-28"),
		build: func(t *tree) {
			t.dirs(0o755, "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/local/bin",
				"/usr/local/lib", "/usr/local/share", "/usr/share", "/lib/apk/db", "/lib/firmware",
				"/lib/modules-load.d", "/lib/sysctl.d", "/etc/apk/keys", "/etc/apk/protected_paths.d",
				"/etc/crontabs", "/etc/modprobe.d", "/etc/network", "/etc/opt", "/etc/periodic/daily",
				"/etc/profile.d", "/etc/ssl/certs", "/etc/ssl/private", "/dev", "/home", "/media/cdrom",
				"/media/floppy", "/media/usb", "/mnt", "/opt", "/run", "/srv", "/var/cache/apk",
				"/var/lib/misc", "/var/local", "/var/log", "/var/mail", "/var/opt", "/var/spool/cron")
			t.dir("/proc", 0o555)
			t.dir("/sys", 0o555)
			t.dir("/root", 0o700)
			t.dir("/tmp", fs.ModeSticky|0o777)
			t.dir("/var/tmp", fs.ModeSticky|0o777)
			t.dir("/var/empty", 0o555)
			t.link("/run", "/var/run")
			t.link("/run/lock", "/var/lock")
			t.link("/etc/crontabs", "/var/spool/cron/crontabs")
			t.file("/etc/os-release", alpineRelease)
			t.file("/etc/alpine-release", "3.20.10\n")
			t.file("/etc/issue", "Welcome to Alpine Linux 3.20\nKernel \\r on an \\m (\\l)\n\n")
			t.file("/etc/hostname", "localhost\n")
			t.file("/etc/passwd", alpinePasswd)
			t.file("/etc/group", alpineGroup)
			t.file("/etc/shadow", shadowOf(alpinePasswd, "19700"), 0o640)
			t.chown("/etc/shadow", 0, 42)
			t.file("/etc/shells", "# valid login shells\n/bin/sh\n/bin/ash\n")
			t.file("/etc/profile", "export PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\nexport PAGER=less\numask 022\nfor script in /etc/profile.d/*.sh ; do\n\tif [ -r \"$script\" ] ; then\n\t\t. \"$script\"\n\tfi\ndone\nunset script\n")
			t.file("/etc/apk/repositories", "https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n")
			t.file("/etc/apk/world", "alpine-baselayout\nalpine-keys\napk-tools\nbusybox\nca-certificates-bundle\nlibc-utils\n")
			t.file("/etc/apk/arch", "x86_64\n")
			t.file("/lib/apk/db/installed", apkInstalled(alpine320Pkgs))
			t.exe("/bin/busybox")
			// Alpine links applets with absolute targets.
			t.linksIn("/bin", "/bin/busybox", alpineBin...)
			t.linksIn("/sbin", "/bin/busybox", alpineSbin...)
			t.linksIn("/usr/bin", "/bin/busybox", alpineUsrBin...)
			t.linksIn("/usr/sbin", "/bin/busybox", alpineUsrSbin...)
			t.exe("/sbin/apk", "/usr/bin/getconf", "/usr/bin/getent", "/usr/bin/iconv", "/usr/bin/ldd",
				"/usr/bin/scanelf", "/usr/bin/ssl_client")
			t.file("/sbin/ldconfig", "#!/bin/sh\nscanelf -qS \"$@\"\n", 0o755)
			t.link("ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1")
			t.link("/usr/lib/libssl.so.3", "/lib/libssl.so.3")
			t.link("/usr/lib/libcrypto.so.3", "/lib/libcrypto.so.3")
		},
		// The real image's bulk: busybox, musl, OpenSSL, apk and the CA bundle.
		pads: []pad{
			{"/lib/ld-musl-x86_64.so.1", 660},
			{"/usr/lib/libcrypto.so.3", 4400},
			{"/usr/lib/libssl.so.3", 600},
			{"/usr/lib/libapk.so.2.14.0", 260},
			{"/lib/libz.so.1.3.1", 100},
			{"/etc/ssl/certs/ca-certificates.crt", 220},
			{"/usr/share/apk/keys/x86_64/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub", 1},
		},
	}
}

// busybox:latest: BusyBox 1.37.0 built against glibc, its applets hard
// links to /bin/busybox, with the glibc libraries it needs.
var busyboxApplets = strings.Fields(`[ [[ acpid addgroup adduser adjtimex ar arch arp arping ash awk
base32 base64 basename bc blkid brctl bunzip2 bzcat bzip2 cal cat chgrp chmod chown chroot chvt
cksum clear cmp comm cp cpio crond crontab cut date dc dd deluser delgroup df diff dirname
dmesg dnsdomainname dos2unix du echo ed egrep env expand expr factor false fgrep find fold free
fsync ftpget ftpput fuser getopt grep groups gunzip gzip halt hd head hexdump hostid hostname
httpd hwclock id ifconfig install ip ipcalc kill killall less link ln logger login logname ls
lsof lzcat md5sum mkdir mkfifo mknod mktemp more mount mv nc netstat nice nl nohup nproc
nslookup od passwd paste patch pidof ping pkill printenv printf ps pwd readlink realpath reboot
renice reset rev rm rmdir route run-parts sed seq sh sha1sum sha256sum sha512sum shuf sleep
sort split stat strings stty su sum sync sysctl tac tail tar tee telnet test time timeout top
touch tr traceroute true truncate tty udhcpc umount uname uniq unlink unxz unzip uptime
usleep uudecode uuencode vi watch wc wget which whoami xargs xxd xzcat yes zcat`)

func busyboxRecipe() *recipe {
	return &recipe{
		id:   "busybox-1.37.0-glibc",
		size: 4_277_910,
		date: day("2026-05-12"),
		build: func(t *tree) {
			t.dirs(0o755, "/bin", "/dev", "/etc/network", "/home", "/lib", "/lib64", "/usr/sbin",
				"/var/spool/mail", "/var/www")
			t.dir("/root", 0o700)
			t.dir("/tmp", fs.ModeSticky|0o777)
			t.file("/etc/passwd", busyboxPasswd)
			t.file("/etc/group", busyboxGroup)
			t.file("/etc/shadow", shadowOf(busyboxPasswd, "20220"), 0o600)
			t.file("/etc/localtime", "TZif2")
			t.file("/etc/nsswitch.conf", "hosts: files dns\nnetworks: files\n")
			t.exe("/bin/busybox")
			for _, a := range busyboxApplets {
				t.hardlink("/bin/busybox", "/bin/"+a)
			}
			t.link("../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2")
		},
		// The glibc variant carries the C library busybox is linked against.
		pads: []pad{
			{"/lib/x86_64-linux-gnu/libc.so.6", 2100},
			{"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", 240},
			{"/lib/x86_64-linux-gnu/libm.so.6", 950},
			{"/lib/x86_64-linux-gnu/libresolv.so.2", 70},
			{"/lib/x86_64-linux-gnu/libnss_files.so.2", 30},
			{"/lib/x86_64-linux-gnu/libnss_dns.so.2", 30},
		},
	}
}
