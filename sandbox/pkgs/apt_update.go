package pkgs

import (
	"fmt"
	"path"
	"strings"

	"github.com/layerlab/learn/sandbox/tools"
)

const (
	listsDir    = "/var/lib/apt/lists"
	archivesDir = "/var/cache/apt/archives"
	dockerClean = "/etc/apt/apt.conf.d/docker-clean"
	gzipIndexes = "/etc/apt/apt.conf.d/docker-gzip-indexes"
)

// aptUpdate fetches the package lists: plain files in /var/lib/apt/lists
// of the sizes the real archive's lists have, so that `rm -rf
// /var/lib/apt/lists/*` in the same RUN visibly shrinks the layer.
func aptUpdate(p *tools.Proc, o *aptOptions, d distro) int {
	w := aptOut(p, o)
	if !p.Identity().IsRoot() {
		fmt.Fprintln(w, "Reading package lists...")
		return lockError(p, listsDir+"/lock", "Unable to lock directory "+listsDir+"/")
	}
	lz4 := exists(p.FS, gzipIndexes)
	var total int64
	for i, l := range d.lists {
		fmt.Fprintf(w, "Get:%d %s %s [%s]\n", i+1, l.uri, listDist(l), aptSize(l.download))
		total += l.download
		size := l.stored
		if !lz4 {
			size = l.stored * 27 / 10 // uncompressed Packages
			if l.what == "InRelease" {
				size = l.stored
			}
		}
		if err := writeSized(p.FS, path.Join(listsDir, l.file(lz4)), size, 0o644); err != nil {
			fmt.Fprintf(p.Stderr, "E: Failed to write %s - %s\n", l.file(lz4), errText(err))
			return 100
		}
	}
	writeFile(p.FS, listsDir+"/lock", "", 0o640)
	p.FS.MkdirAll(listsDir+"/partial", 0o700)
	fmt.Fprintf(w, "Fetched %s in 1s (%sB/s)\n", aptSize(total), strings.TrimSuffix(aptSize(total*8/10), "B"))
	fmt.Fprintln(w, "Reading package lists...")
	writePkgCache(p)
	if o.apt {
		fmt.Fprint(w, "Building dependency tree...\nReading state information...\nAll packages are up to date.\n")
	}
	return 0
}

// listDist is the middle of a Get line: "bookworm InRelease" or
// "bookworm/main amd64 Packages".
func listDist(l aptList) string {
	if l.what == "InRelease" {
		return l.dist + " InRelease"
	}
	return l.dist + "/" + l.what
}

// haveLists reports whether apt-get update has run (and the lists were
// not removed since).
func haveLists(p *tools.Proc) bool {
	for _, f := range glob(p.FS, listsDir, "*_Packages*") {
		if !isDir(p.FS, f) {
			return true
		}
	}
	return false
}

// writePkgCache writes apt's binary caches, which docker's Debian images
// turn off (docker-clean sets Dir::Cache::pkgcache "").
func writePkgCache(p *tools.Proc) {
	if exists(p.FS, dockerClean) {
		return
	}
	writeSized(p.FS, "/var/cache/apt/pkgcache.bin", 28_400_000, 0o644)
	writeSized(p.FS, "/var/cache/apt/srcpkgcache.bin", 28_300_000, 0o644)
}

// aptClean is apt-get clean: the downloaded .debs and binary caches go.
func aptClean(p *tools.Proc) {
	for _, f := range glob(p.FS, archivesDir, "*.deb") {
		p.FS.Remove(f)
	}
	for _, f := range glob(p.FS, archivesDir+"/partial", "*") {
		p.FS.RemoveAll(f)
	}
	for _, f := range glob(p.FS, "/var/cache/apt", "*.bin") {
		p.FS.Remove(f)
	}
}
