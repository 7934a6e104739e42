package pkgs

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/layerlab/learn/sandbox/pkgs/aptindex"
	"github.com/layerlab/learn/sandbox/tools"
)

const statusFile = "/var/lib/dpkg/status"

// elfStub is the start of every "binary" a package installs: enough for
// the shell to recognise an executable it cannot run (or hand it to the
// sandbox tool of the same name).
const elfStub = "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"

// dpkgStatus reads the names of installed packages from the dpkg database.
func dpkgStatus(p *tools.Proc) map[string]bool {
	text, _ := readFile(p.FS, statusFile)
	out := map[string]bool{}
	name := ""
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "Package: "):
			name = strings.TrimSpace(strings.TrimPrefix(line, "Package: "))
		case strings.HasPrefix(line, "Status: ") && strings.HasSuffix(strings.TrimSpace(line), " installed") && name != "":
			out[name] = true
		case strings.HasPrefix(line, "Provides: ") && name != "":
			for _, alts := range aptindex.ParseDeps(strings.TrimPrefix(line, "Provides: ")) {
				out[alts[0]] = true
			}
		}
	}
	return out
}

func aptInstall(p *tools.Proc, o *aptOptions, d distro) int {
	if !p.Identity().IsRoot() {
		return frontendLock(p)
	}
	w := aptOut(p, o)
	fmt.Fprint(w, "Reading package lists...\nBuilding dependency tree...\nReading state information...\n")
	if len(o.pkgs) == 0 {
		fmt.Fprintln(w, "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")
		return 0
	}
	installed := dpkgStatus(p)
	// Without lists apt knows no package at all.
	if !haveLists(p) {
		fmt.Fprintf(p.Stderr, "E: Unable to locate package %s\n", o.pkgs[0])
		return 100
	}
	plan, missing := d.index.Closure(o.pkgs, func(n string) bool { return installed[n] }, o.noRecommends)
	if len(missing) > 0 {
		for _, m := range missing {
			fmt.Fprintf(p.Stderr, "E: Unable to locate package %s\n", m)
		}
		return 100
	}
	for _, a := range plan.Already {
		fmt.Fprintf(w, "%s is already the newest version (%s).\n", a.Name, a.Version)
	}
	if len(plan.Extra) > 0 {
		fmt.Fprintln(w, "The following additional packages will be installed:")
		fmt.Fprint(w, wrapList(plan.Extra))
	}
	if len(plan.Suggested) > 0 {
		fmt.Fprintln(w, "Suggested packages:")
		fmt.Fprint(w, wrapList(plan.Suggested))
	}
	if len(plan.Recommended) > 0 {
		fmt.Fprintln(w, "Recommended packages:")
		fmt.Fprint(w, wrapList(plan.Recommended))
	}
	var names []string
	var download, disk int64
	for _, pk := range plan.Install {
		names = append(names, pk.Name)
		download += pk.Size
		disk += pk.InstalledSize * 1024
	}
	if len(names) > 0 {
		fmt.Fprintln(w, "The following NEW packages will be installed:")
		fmt.Fprint(w, wrapList(sortedCopy(names)))
	}
	fmt.Fprintf(w, "0 upgraded, %d newly installed, 0 to remove and 0 not upgraded.\n", len(names))
	if len(names) == 0 {
		return 0
	}
	fmt.Fprintf(w, "Need to get %s of archives.\n", aptSize(download))
	fmt.Fprintf(w, "After this operation, %s of additional disk space will be used.\n", aptSize(disk))
	if len(plan.Extra) > 0 && !o.yes {
		fmt.Fprint(w, "Do you want to continue? [Y/n] ")
		if !readYes(p, true) {
			fmt.Fprintln(w, "Abort.")
			return 1
		}
	}
	return dpkgInstall(p, o, d, plan, w, download)
}

// dpkgInstall downloads and unpacks plan, printing apt's and dpkg's lines.
func dpkgInstall(p *tools.Proc, o *aptOptions, d distro, plan *aptindex.Plan, w io.Writer, download int64) int {
	keepDebs := !exists(p.FS, dockerClean)
	mirror := d.lists[len(d.lists)-1].uri
	if d.id != "ubuntu" {
		mirror = "http://deb.debian.org/debian"
	}
	for i, pk := range plan.Install {
		fmt.Fprintf(w, "Get:%d %s %s/main amd64 %s %s %s [%s]\n", i+1, mirror, d.codename, pk.Name, pk.Arch, pk.Version, aptSize(pk.Size))
		if keepDebs {
			writeSized(p.FS, path.Join(archivesDir, debFile(pk)), pk.Size, 0o644)
		}
	}
	if !dpkgHas(p, "apt-utils") {
		fmt.Fprintln(p.Stderr, "debconf: delaying package configuration, since apt-utils is not installed")
	}
	fmt.Fprintf(w, "Fetched %s in 0s (%sB/s)\n", aptSize(download), strings.TrimSuffix(aptSize(download*3), "B"))
	width := len(fmt.Sprint(len(plan.Install) - 1))
	var status, dlog strings.Builder
	for i, pk := range plan.Install {
		fmt.Fprintf(w, "Selecting previously unselected package %s.\n", pk.Name)
		if i == 0 {
			fmt.Fprintf(w, "(Reading database ... %d files and directories currently installed.)\n", 6000+len(dpkgStatus(p))*37)
		}
		prefix := ""
		if len(plan.Install) > 1 {
			prefix = fmt.Sprintf("%0*d-", width, i)
		}
		fmt.Fprintf(w, "Preparing to unpack .../%s%s ...\n", prefix, debFile(pk))
		fmt.Fprintf(w, "Unpacking %s (%s) ...\n", dpkgName(pk), pk.Version)
		files, err := unpack(p, pk)
		if err != nil {
			fmt.Fprintf(p.Stderr, "dpkg: error processing archive .../%s (--unpack):\n unable to create '%s': %s\n", debFile(pk), err.name, errText(err.err))
			return 100
		}
		writeFile(p.FS, "/var/lib/dpkg/info/"+dpkgName(pk)+".list", strings.Join(files, "\n")+"\n", 0o644)
		status.WriteString(statusStanza(pk))
		fmt.Fprintf(&dlog, "2025-11-01 00:00:00 install %s <none> %s\n", dpkgName(pk), pk.Version)
	}
	libc := false
	for _, pk := range plan.Install {
		fmt.Fprintf(w, "Setting up %s (%s) ...\n", dpkgName(pk), pk.Version)
		if pk.MultiArch == "same" {
			libc = true
		}
		if pk.Name == "ca-certificates" {
			fmt.Fprintln(w, "Updating certificates in /etc/ssl/certs...")
			writeSized(p.FS, "/etc/ssl/certs/ca-certificates.crt", 219_000, 0o644)
			fmt.Fprintln(w, "140 added, 0 removed; done.")
		}
	}
	if libc {
		fmt.Fprintln(w, "Processing triggers for libc-bin (2.36-9+deb12u13) ...")
	}
	if err := appendFile(p.FS, statusFile, status.String()); err != nil {
		fmt.Fprintf(p.Stderr, "E: Sub-process /usr/bin/dpkg returned an error code (1)\n")
		return 100
	}
	appendFile(p.FS, "/var/log/dpkg.log", dlog.String())
	var auto strings.Builder
	for _, n := range plan.Extra {
		fmt.Fprintf(&auto, "Package: %s\nArchitecture: amd64\nAuto-Installed: 1\n\n", n)
	}
	appendFile(p.FS, "/var/lib/apt/extended_states", auto.String())
	appendFile(p.FS, "/var/log/apt/history.log", fmt.Sprintf("\nStart-Date: 2025-11-01  00:00:00\nCommandline: %s\nInstall: %s\nEnd-Date: 2025-11-01  00:00:01\n", strings.Join(p.Args, " "), strings.Join(o.pkgs, ", ")))
	writePkgCache(p)
	return 0
}

func dpkgHas(p *tools.Proc, name string) bool { return dpkgStatus(p)[name] }

// dpkgName is how dpkg prints a package: "libcurl4:amd64" for
// Multi-Arch: same libraries, the bare name otherwise.
func dpkgName(pk *aptindex.Package) string {
	if pk.MultiArch == "same" {
		return pk.Name + ":" + pk.Arch
	}
	return pk.Name
}

// debFile is the archive's file name; an epoch's colon is escaped.
func debFile(pk *aptindex.Package) string {
	return fmt.Sprintf("%s_%s_%s.deb", pk.Name, strings.ReplaceAll(pk.Version, ":", "%3a"), pk.Arch)
}

type unpackErr struct {
	name string
	err  error
}

// unpack lays a package's files down: its programs and named files as
// small real files, symlinks, and one payload file carrying the rest of
// its Installed-Size.
func unpack(p *tools.Proc, pk *aptindex.Package) ([]string, *unpackErr) {
	var list []string
	var small int64
	for _, f := range pk.Files {
		// "name*" marks an executable outside the bin directories.
		exe := strings.HasSuffix(f, "*")
		f = strings.TrimSuffix(f, "*")
		name, target, link := strings.Cut(f, "->")
		list = append(list, name)
		if link {
			p.FS.MkdirAll(path.Dir(name), 0o755)
			p.FS.Remove(name)
			if err := p.FS.Symlink(target, name); err != nil {
				return nil, &unpackErr{name, err}
			}
			continue
		}
		content, mode := fmt.Sprintf("# %s %s\n", pk.Name, pk.Version), fs.FileMode(0o644)
		if isProgram(name) || exe {
			content, mode = elfStub, 0o755
		}
		if err := writeFile(p.FS, name, content, mode); err != nil {
			return nil, &unpackErr{name, err}
		}
		small += int64(len(content))
	}
	bulk := pk.Bulk
	if bulk == "" {
		bulk = "/usr/share/doc/" + pk.Name + "/changelog.Debian.gz"
	}
	size := max(pk.InstalledSize*1024-small, 0)
	if err := writeSized(p.FS, bulk, size, 0o644); err != nil {
		return nil, &unpackErr{bulk, err}
	}
	list = append(list, bulk)
	return list, nil
}

func isProgram(name string) bool {
	dir := path.Dir(name)
	return strings.HasSuffix(dir, "/bin") || strings.HasSuffix(dir, "/sbin") || strings.Contains(dir, "/libexec")
}

// statusStanza is the package's entry in /var/lib/dpkg/status.
func statusStanza(pk *aptindex.Package) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: %s\nInstalled-Size: %d\n", pk.Name, pk.Section, pk.InstalledSize)
	fmt.Fprintf(&b, "Maintainer: Debian maintainers <debian-devel@lists.debian.org>\nArchitecture: %s\n", pk.Arch)
	if pk.MultiArch != "" {
		fmt.Fprintf(&b, "Multi-Arch: %s\n", pk.MultiArch)
	}
	fmt.Fprintf(&b, "Version: %s\n", pk.Version)
	if len(pk.Provides) > 0 {
		fmt.Fprintf(&b, "Provides: %s\n", strings.Join(pk.Provides, ", "))
	}
	for _, f := range []struct{ k, v string }{{"Depends", pk.RawDepends}, {"Recommends", pk.RawRecommends}, {"Suggests", pk.RawSuggests}} {
		if f.v != "" {
			fmt.Fprintf(&b, "%s: %s\n", f.k, f.v)
		}
	}
	fmt.Fprintf(&b, "Description: %s\n\n", pk.Description)
	return b.String()
}

// wrapList prints names the way apt does: two-space indent, lines wrapped
// before 80 columns.
func wrapList(names []string) string {
	var b strings.Builder
	line := " "
	for _, n := range names {
		if len(line)+1+len(n) > 79 && line != " " {
			b.WriteString(line + "\n")
			line = " "
		}
		line += " " + n
	}
	b.WriteString(line + "\n")
	return b.String()
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
