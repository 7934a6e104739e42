package mountfs

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox"
)

// Mount is one filesystem mounted into the container.
type Mount struct {
	// Target is the absolute container path the filesystem's root shows at.
	Target string
	FS     sandbox.FS
	// ReadOnly refuses every change under Target with EROFS (`:ro`).
	ReadOnly bool
}

// table is the mount table, fixed once New returns and shared by every
// view of it.
type table struct {
	targets  []string // canonical targets, by mount index
	ro       []bool
	byTarget map[string]int
	// kids lists, per canonical directory, the names directly under it
	// that lead to a mountpoint; they are shown in listings even when
	// the directory below has no such entry.
	kids map[string][]string
	// anc holds every proper ancestor of a mountpoint ("/" included):
	// such a directory exists whatever the filesystem below holds, as
	// Docker creates missing mountpoints.
	anc  map[string]bool
	made time.Time
}

func (t *table) add(target string, ro bool) int {
	i, ok := t.byTarget[target]
	if !ok {
		i = len(t.targets)
		t.targets = append(t.targets, target)
		t.ro = append(t.ro, ro)
		t.byTarget[target] = i
	}
	t.ro[i] = ro
	for q := target; q != "/"; q = path.Dir(q) {
		parent := path.Dir(q)
		t.anc[parent] = true
		if k := t.kids[parent]; !slices.Contains(k, path.Base(q)) {
			k = append(k, path.Base(q))
			slices.Sort(k)
			t.kids[parent] = k
		}
	}
	return i
}

// route finds the filesystem that holds the canonical path p: the mount
// with the longest target that is a prefix of p by components (-1 for the
// root filesystem), and p relative to that filesystem's root.
func (t *table) route(p string) (int, string) {
	for q := p; ; q = path.Dir(q) {
		if i, ok := t.byTarget[q]; ok {
			return i, relTo(p, q)
		}
		if q == "/" {
			return -1, p
		}
	}
}

func relTo(p, q string) string {
	if q == "/" {
		return p
	}
	if r := strings.TrimPrefix(p, q); r != "" {
		return r
	}
	return "/"
}

// pinned reports whether the canonical path p is a mountpoint, the root,
// or a directory above a mountpoint: none of them can be removed or
// renamed while the mounts are there.
func (t *table) pinned(p string) bool {
	_, ok := t.byTarget[p]
	return ok || t.anc[p] || p == "/"
}

// synthDir is what a missing directory above a mountpoint looks like:
// root's, 0755, as the runtime would have created it.
type synthDir struct {
	name  string
	mtime time.Time
}

func (d *synthDir) Name() string       { return d.name }
func (d *synthDir) Size() int64        { return 4096 }
func (d *synthDir) Mode() fs.FileMode  { return fs.ModeDir | 0o755 }
func (d *synthDir) ModTime() time.Time { return d.mtime }
func (d *synthDir) IsDir() bool        { return true }
func (d *synthDir) Sys() any           { return &sandbox.Owner{Nlink: 2} }

// named gives a FileInfo another name (a mount's root shows under its
// mountpoint's name) and keeps everything else, Sys included.
type named struct {
	fs.FileInfo
	name string
}

func (n named) Name() string { return n.name }

func withName(fi fs.FileInfo, name string) fs.FileInfo {
	if fi.Name() == name {
		return fi
	}
	if n, ok := fi.(named); ok {
		fi = n.FileInfo
	}
	if d, ok := fi.(*synthDir); ok {
		return &synthDir{name: name, mtime: d.mtime}
	}
	return named{fi, name}
}
