package mountfs

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/layerlab/learn/sandbox"
)

// view is the mounted tree seen by one identity; it implements sandbox.FS.
type view struct {
	t    *table
	root sandbox.FS
	fss  []sandbox.FS // by mount index, all seen by root's identity
}

var (
	_ sandbox.FS              = (*view)(nil)
	_ sandbox.SyntheticWriter = (*view)(nil)
)

// New mounts each Mount's FS at its Target over root. Targets are cleaned
// and, as Docker does when it creates a mount, symlinks on the way to them
// are resolved inside the container (a mount at /var/run/x lands on
// /run/x when /var/run -> /run); a later mount on the same target hides an
// earlier one. Missing mountpoints and their parents are shown, not
// created, until something is created in them.
//
// As on Linux: Rename and Link between filesystems fail with EXDEV (mv
// then copies), a mountpoint cannot be removed or renamed (EBUSY), and a
// ReadOnly mount refuses changes with EROFS. Two choices differ: renaming
// a directory that has a mountpoint below it is EBUSY (the table is fixed,
// so the mount could not move along), and RemoveAll of such a directory
// removes around the mountpoint and stops there with EBUSY, leaving the
// mount's files alone (rm -r, which walks by itself, empties it as on
// Linux).
func New(root sandbox.FS, mounts []Mount) sandbox.FS {
	t := &table{byTarget: map[string]int{}, kids: map[string][]string{}, anc: map[string]bool{}, made: time.Now()}
	v := &view{t: t, root: root}
	ms := slices.Clone(mounts)
	// Parents first, so that a target below another mount resolves
	// through it.
	slices.SortStableFunc(ms, func(a, b Mount) int {
		return cmp.Compare(len(splitPath(a.Target)), len(splitPath(b.Target)))
	})
	builder := &view{t: t, root: root.As(sandbox.Root)}
	for _, m := range ms {
		target := path.Clean("/" + m.Target)
		if target != "/" {
			if l, err := builder.walk(path.Dir(target), true); err == nil && l.isDir() {
				target = path.Join(l.path(), path.Base(target))
			}
		}
		i := t.add(target, m.ReadOnly)
		if i == len(v.fss) {
			v.fss = append(v.fss, m.FS)
			builder.fss = append(builder.fss, m.FS.As(sandbox.Root))
		} else {
			v.fss[i] = m.FS
			builder.fss[i] = m.FS.As(sandbox.Root)
		}
	}
	// Every filesystem acts as the root's identity.
	return v.As(root.Identity())
}

func (v *view) As(id sandbox.Identity) sandbox.FS {
	w := &view{t: v.t, root: v.root.As(id), fss: make([]sandbox.FS, len(v.fss))}
	for i, f := range v.fss {
		w.fss[i] = f.As(id)
	}
	return w
}

func (v *view) Identity() sandbox.Identity { return v.root.Identity() }

// fsOf is the filesystem of mount i (-1: the root).
func (v *view) fsOf(i int) sandbox.FS {
	if i < 0 {
		return v.root
	}
	return v.fss[i]
}

func (v *view) readOnly(i int) bool { return i >= 0 && v.t.ro[i] }

// maxSymlinks is Linux's limit on links followed while resolving one path.
const maxSymlinks = 40

type frame struct {
	name string
	info fs.FileInfo
}

// loc is a path resolved through the mount table: canonical directories
// (no symlinks, no dots) down to the final entry.
type loc struct {
	dir  []frame // "/" first, down to the parent of the entry
	name string  // "" for the root
	info fs.FileInfo
	dot  bool // the path ended in . or ..
}

func (l *loc) exists() bool { return l.info != nil }
func (l *loc) isDir() bool  { return l.info != nil && l.info.IsDir() }
func (l *loc) synthetic() bool {
	_, ok := l.info.(*synthDir)
	return ok
}

// path is the canonical container path of the entry.
func (l *loc) path() string {
	if len(l.dir) == 0 {
		return "/"
	}
	return path.Join(l.parentPath(), l.name)
}

func (l *loc) parentPath() string {
	var b strings.Builder
	for _, f := range l.dir[1:] {
		b.WriteByte('/')
		b.WriteString(f.name)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

func joinFrames(stack []frame, name string) string {
	var b strings.Builder
	for _, f := range stack[1:] {
		b.WriteByte('/')
		b.WriteString(f.name)
	}
	b.WriteByte('/')
	b.WriteString(name)
	return b.String()
}

// walk resolves name for the view's identity across the mount table, one
// component at a time: each component is looked up (never followed) in
// the filesystem it lands in, and symlinks are spliced in here, so an
// absolute link in any filesystem means the container's root, a link in
// the root into a mount path lands in the mount, and ".." at a mount's
// root goes to the mountpoint's parent, as on Linux. follow says whether
// a final symlink is followed; a trailing slash always follows and
// requires a directory. A missing final name comes back with info == nil.
func (v *view) walk(name string, follow bool) (*loc, error) {
	if name == "" {
		return nil, syscall.ENOENT
	}
	rootInfo, err := v.lstatCanon("/")
	if err != nil {
		return nil, err
	}
	comps := splitPath(name)
	mustDir := strings.HasSuffix(name, "/")
	if mustDir {
		follow = true
	}
	id := v.Identity()
	stack := []frame{{"", rootInfo}}
	links := 0
	dot := false
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		last := len(comps) == 0
		// The filesystems check search permission inside themselves;
		// this also covers the step from a mountpoint's parent, which
		// lives in another filesystem, into the mount.
		if !searchable(stack[len(stack)-1].info, id) {
			return nil, syscall.EACCES
		}
		switch c {
		case ".":
			dot = last
			continue
		case "..":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			dot = last
			continue
		}
		dot = false
		p := joinFrames(stack, c)
		fi, err := v.lstatCanon(p)
		if err != nil {
			if errors.Is(err, syscall.ENOENT) && last {
				return &loc{dir: stack, name: c}, nil
			}
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 && (!last || follow) {
			links++
			if links > maxSymlinks {
				return nil, syscall.ELOOP
			}
			i, rel := v.t.route(p)
			target, err := v.fsOf(i).Readlink(rel)
			if err != nil {
				return nil, errnoOf(err)
			}
			if target == "" {
				return nil, syscall.ENOENT
			}
			if strings.HasPrefix(target, "/") {
				stack = stack[:1]
			}
			comps = append(splitPath(target), comps...)
			if len(comps) == 0 {
				dot = true
			}
			continue
		}
		if !last && !fi.IsDir() {
			return nil, syscall.ENOTDIR
		}
		stack = append(stack, frame{c, fi})
	}
	top := stack[len(stack)-1]
	var l *loc
	if len(stack) == 1 {
		l = &loc{info: top.info}
	} else {
		l = &loc{dir: stack[:len(stack)-1], name: top.name, info: top.info, dot: dot}
	}
	if mustDir && !l.isDir() {
		return nil, syscall.ENOTDIR
	}
	return l, nil
}

// lstatCanon describes the canonical path p without following it: a
// mountpoint shows its mount's root, a missing directory above a
// mountpoint a synthetic one, anything else what its filesystem says.
func (v *view) lstatCanon(p string) (fs.FileInfo, error) {
	if i, ok := v.t.byTarget[p]; ok {
		fi, err := v.fss[i].Lstat("/")
		if err != nil {
			return nil, errnoOf(err)
		}
		return withName(fi, path.Base(p)), nil
	}
	i, rel := v.t.route(p)
	fi, err := v.fsOf(i).Lstat(rel)
	if v.t.anc[p] {
		if err == nil && fi.IsDir() {
			return fi, nil
		}
		if err == nil || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENOTDIR) {
			return &synthDir{name: path.Base(p), mtime: v.t.made}, nil
		}
	}
	if err != nil {
		return nil, errnoOf(err)
	}
	return fi, nil
}

// searchable reports whether id may pass through the directory fi, by
// Linux's rules (root always may).
func searchable(fi fs.FileInfo, id sandbox.Identity) bool {
	if id.IsRoot() {
		return true
	}
	o := sandbox.OwnerOf(fi)
	perm := fi.Mode().Perm()
	switch {
	case id.UID == o.UID:
		return perm&0o100 != 0
	case id.InGroup(o.GID):
		return perm&0o010 != 0
	}
	return perm&0o001 != 0
}

// materialize creates the synthetic directories on the way to dir (a
// canonical path) in the filesystems below, as root, so that something
// can be created in dir: Docker would have created them with the mount.
func (v *view) materialize(dir string) {
	for _, p := range ancestry(dir) {
		if _, ok := v.t.byTarget[p]; ok || !v.t.anc[p] {
			continue
		}
		i, rel := v.t.route(p)
		if v.readOnly(i) {
			continue
		}
		f := v.fsOf(i)
		if fi, err := f.Lstat(rel); err == nil && fi.IsDir() {
			continue
		}
		f.As(sandbox.Root).Mkdir(rel, 0o755)
	}
}

// ancestry lists p and its ancestors, "/" first.
func ancestry(p string) []string {
	var out []string
	for q := p; ; q = path.Dir(q) {
		out = append(out, q)
		if q == "/" {
			break
		}
	}
	slices.Reverse(out)
	return out
}

// splitPath splits a slash-separated path into its non-empty components.
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// baseName is what FileInfo.Name reports for a path, as os.Stat does.
func baseName(name string) string {
	c := splitPath(name)
	if len(c) == 0 {
		return "/"
	}
	return c[len(c)-1]
}

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func linkErr(op, oldname, newname string, err error) error {
	return &os.LinkError{Op: op, Old: oldname, New: newname, Err: err}
}

// errnoOf is the errno inside an error from a filesystem below, so the
// caller's own name can be put around it.
func errnoOf(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// fixPath rewrites the paths in an error from the filesystem below (rel,
// or something under it) into the caller's (name), so that messages name
// what the user typed.
func fixPath(err error, rel, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pathErr(pe.Op, swapPrefix(pe.Path, rel, name), pe.Err)
	}
	return err
}

func swapPrefix(p, rel, name string) string {
	switch {
	case p == rel:
		return name
	case rel == "/" && strings.HasPrefix(p, "/"):
		return strings.TrimRight(name, "/") + p
	case strings.HasPrefix(p, rel+"/"):
		return strings.TrimRight(name, "/") + p[len(rel):]
	}
	return p
}
