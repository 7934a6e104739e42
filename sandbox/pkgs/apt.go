package pkgs

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/layerlab/learn/sandbox/pkgs/aptindex"
	"github.com/layerlab/learn/sandbox/tools"
)

// aptOptions are apt-get's options that change what happens.
type aptOptions struct {
	cmd          string
	pkgs         []string
	yes          bool
	quiet        int
	noRecommends bool
	apt          bool // invoked as apt, not apt-get
}

// AptGet is apt-get.
func AptGet(ctx context.Context, p *tools.Proc) int { return aptMain(p, false) }

// Apt is apt: apt-get's work with apt's warning about its CLI.
func Apt(ctx context.Context, p *tools.Proc) int { return aptMain(p, true) }

func aptMain(p *tools.Proc, isApt bool) int {
	o := &aptOptions{apt: isApt}
	args := p.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-y" || a == "--yes" || a == "--assume-yes" || a == "-qy" || a == "-yq":
			o.yes = true
			if strings.Contains(a, "q") {
				o.quiet++
			}
		case a == "-q" || a == "--quiet":
			o.quiet++
		case a == "-qq":
			o.quiet += 2
		case a == "--no-install-recommends" || a == "-o=APT::Install-Recommends=false":
			o.noRecommends = true
		case a == "-o" && i+1 < len(args):
			i++
			opt := strings.ToLower(args[i])
			if strings.HasPrefix(opt, "apt::install-recommends=") && (strings.HasSuffix(opt, "=0") || strings.HasSuffix(opt, "=false")) {
				o.noRecommends = true
			}
			if strings.HasPrefix(opt, "apt::get::assume-yes=") && (strings.HasSuffix(opt, "=1") || strings.HasSuffix(opt, "=true")) {
				o.yes = true
			}
		case strings.HasPrefix(a, "-") && a != "-":
			// --no-install-suggests, --fix-missing, -f, --allow-*: accepted.
		case o.cmd == "":
			o.cmd = a
		default:
			o.pkgs = append(o.pkgs, a)
		}
	}
	if isApt {
		fmt.Fprint(p.Stderr, "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n")
	}
	d := detectDistro(p)
	switch o.cmd {
	case "update":
		return aptUpdate(p, o, d)
	case "install":
		return aptInstall(p, o, d)
	case "clean", "autoclean":
		if !p.Identity().IsRoot() {
			return lockError(p, "/var/cache/apt/archives/lock", "Unable to lock directory /var/cache/apt/archives/")
		}
		aptClean(p)
		return 0
	case "upgrade", "dist-upgrade", "full-upgrade", "autoremove", "remove", "purge":
		if !p.Identity().IsRoot() {
			return frontendLock(p)
		}
		w := aptOut(p, o)
		fmt.Fprint(w, "Reading package lists...\nBuilding dependency tree...\nReading state information...\n")
		if o.cmd == "upgrade" || o.cmd == "dist-upgrade" || o.cmd == "full-upgrade" {
			fmt.Fprintln(w, "Calculating upgrade...")
		}
		fmt.Fprintln(w, "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")
		return 0
	case "":
		fmt.Fprintf(p.Stdout, "apt %s (amd64)\nUsage: %s [options] command\n", d.aptVersion, p.Name())
		return 1
	}
	fmt.Fprintf(p.Stderr, "E: Invalid operation %s\n", o.cmd)
	return 100
}

func aptOut(p *tools.Proc, o *aptOptions) io.Writer {
	if o.quiet >= 2 {
		return io.Discard
	}
	return p.Stdout
}

func frontendLock(p *tools.Proc) int {
	return lockError(p, "/var/lib/dpkg/lock-frontend", "Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?")
}

func lockError(p *tools.Proc, lock, second string) int {
	fmt.Fprintf(p.Stderr, "E: Could not open lock file %s - open (13: Permission denied)\n", lock)
	fmt.Fprintf(p.Stderr, "E: %s\n", second)
	return 100
}

// distro is what /etc/os-release says about the image and where its
// archive lives.
type distro struct {
	id, codename string
	aptVersion   string
	lists        []aptList
	index        *aptindex.Index
}

// aptList is one index file apt update fetches: its Get line and the
// file it leaves in /var/lib/apt/lists.
type aptList struct {
	uri, dist, what string
	download        int64 // bytes on the wire
	stored          int64 // bytes on disk
}

func detectDistro(p *tools.Proc) distro {
	rel := osRelease(p.FS)
	d := distro{id: rel["ID"], codename: rel["VERSION_CODENAME"], aptVersion: "2.6.1", index: aptindex.Bookworm()}
	if d.codename == "" {
		d.codename = "bookworm"
	}
	deb, sec := "http://deb.debian.org/debian", "http://deb.debian.org/debian-security"
	c := d.codename
	// Sizes of the InRelease and main/binary-amd64 Packages files as
	// served (xz) and as kept by docker's images (lz4, per
	// /etc/apt/apt.conf.d/docker-gzip-indexes).
	switch {
	case d.id == "ubuntu":
		d.aptVersion = "2.7.14"
		arc, secu := "http://archive.ubuntu.com/ubuntu", "http://security.ubuntu.com/ubuntu"
		d.lists = []aptList{
			{arc, c, "InRelease", 256e3, 256e3},
			{arc, c + "-updates", "InRelease", 126e3, 126e3},
			{arc, c + "-backports", "InRelease", 126e3, 126e3},
			{secu, c + "-security", "InRelease", 126e3, 126e3},
			{arc, c, "main amd64 Packages", 1808e3, 5370e3},
			{arc, c, "universe amd64 Packages", 19300e3, 49500e3},
			{arc, c + "-updates", "main amd64 Packages", 1530e3, 4100e3},
			{secu, c + "-security", "main amd64 Packages", 1210e3, 3400e3},
		}
	case c == "trixie":
		d.aptVersion = "3.0.3"
		d.lists = []aptList{
			{deb, c, "InRelease", 140e3, 140e3},
			{deb, c + "-updates", "InRelease", 47.3e3, 47.3e3},
			{sec, c + "-security", "InRelease", 43.4e3, 43.4e3},
			{deb, c, "main amd64 Packages", 9670e3, 17100e3},
			{deb, c + "-updates", "main amd64 Packages", 5412, 14e3},
			{sec, c + "-security", "main amd64 Packages", 62.3e3, 170e3},
		}
	default:
		d.lists = []aptList{
			{deb, c, "InRelease", 151e3, 151e3},
			{deb, c + "-updates", "InRelease", 55.4e3, 55.4e3},
			{sec, c + "-security", "InRelease", 48e3, 48e3},
			{deb, c, "main amd64 Packages", 8792e3, 16550e3},
			{deb, c + "-updates", "main amd64 Packages", 6924, 19e3},
			{sec, c + "-security", "main amd64 Packages", 279e3, 690e3},
		}
	}
	return d
}

// file is the name apt gives the list in /var/lib/apt/lists.
func (l aptList) file(lz4 bool) string {
	host := strings.TrimPrefix(l.uri, "http://")
	base := strings.ReplaceAll(host, "/", "_") + "_dists_" + l.dist + "_"
	if l.what == "InRelease" {
		return base + "InRelease"
	}
	comp, _, _ := strings.Cut(l.what, " ")
	name := base + comp + "_binary-amd64_Packages"
	if lz4 {
		name += ".lz4"
	}
	return name
}

// aptSize is apt's SizeToStr: three significant figures, thousands
// grouped ("8,792 kB", "19.3 MB", "6,924 B").
func aptSize(n int64) string {
	v := float64(n)
	units := []string{"B", "kB", "MB", "GB", "TB"}
	for i, u := range units {
		if v < 100 && i > 0 {
			return fmt.Sprintf("%.1f %s", v, u)
		}
		if v < 10000 {
			return group(int64(v+0.5)) + " " + u
		}
		v /= 1000
	}
	return fmt.Sprintf("%.0f PB", v)
}

func group(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
