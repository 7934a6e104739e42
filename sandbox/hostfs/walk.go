package hostfs

import (
	"io/fs"
	"strings"
	"syscall"
)

// maxSymlinks is Linux's limit on links followed while resolving one path.
const maxSymlinks = 40

// frame is one directory on a resolved path, with its host Lstat.
type frame struct {
	name string
	info fs.FileInfo
}

// loc is a resolved name: the directories leading to it (no symlinks among
// them) and the final entry, whose info is nil when it does not exist.
type loc struct {
	dir  []frame // the tree's root first, down to the parent of the entry
	name string  // final component; "" for the root
	info fs.FileInfo
	dot  bool // the path ended in . or ..: it cannot be created or removed by that name
}

func (l *loc) isRoot() bool          { return len(l.dir) == 0 }
func (l *loc) parent() fs.FileInfo   { return l.dir[len(l.dir)-1].info }
func (l *loc) exists() bool          { return l.info != nil }
func (l *loc) isDir() bool           { return l.info != nil && l.info.IsDir() }
func (l *loc) isSymlink() bool       { return l.info != nil && l.info.Mode()&fs.ModeSymlink != 0 }
func (l *loc) rel() string           { return relOf(l.dir, l.name) }
func (l *loc) parentComps() []string { return compsOf(l.dir) }
func (l *loc) comps() []string       { return append(compsOf(l.dir), l.name) }
func compsOf(stack []frame) []string {
	c := make([]string, 0, len(stack))
	for _, f := range stack[min(1, len(stack)):] {
		c = append(c, f.name)
	}
	return c
}

// relOf is the host-relative name of name inside the directory stack ("."
// for the root), the form os.Root takes.
func relOf(stack []frame, name string) string {
	var b strings.Builder
	for _, f := range stack[min(1, len(stack)):] {
		b.WriteString(f.name)
		b.WriteByte('/')
	}
	b.WriteString(name)
	if b.Len() == 0 {
		return "."
	}
	return strings.TrimSuffix(b.String(), "/")
}

// walk resolves name inside the tree, one component at a time, as chroot
// would: ".." stops at the root, an absolute symlink target starts again
// from the root, and every link is read here rather than followed by the
// host, so nothing outside the directory is ever looked at. follow says
// whether a final symlink is followed; a trailing slash always follows and
// requires a directory. A missing final name is not an error: it comes back
// with info == nil so that callers can create it.
func (v *view) walk(name string, follow bool) (*loc, error) {
	if name == "" {
		return nil, syscall.ENOENT
	}
	rootInfo, err := v.t.root.Lstat(".")
	if err != nil {
		return nil, errnoOf(err)
	}
	comps := splitPath(name)
	mustDir := strings.HasSuffix(name, "/")
	if mustDir {
		follow = true
	}
	stack := []frame{{"", rootInfo}}
	links := 0
	dot := false
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		last := len(comps) == 0
		if !v.allowed(stack[len(stack)-1].info, mayExec) {
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
		rel := relOf(stack, c)
		fi, err := v.t.root.Lstat(rel)
		if err != nil {
			err = errnoOf(err)
			if err == syscall.ENOENT && last {
				return &loc{dir: stack, name: c}, nil
			}
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 && (!last || follow) {
			links++
			if links > maxSymlinks {
				return nil, syscall.ELOOP
			}
			target, err := v.t.root.Readlink(rel)
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
				dot = true // the link points at the root
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
