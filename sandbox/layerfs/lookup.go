package layerfs

import (
	"slices"
	"strings"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

// maxSymlinks is Linux's limit on links followed while resolving one path.
const maxSymlinks = 40

// ent is one name of the merged tree: the nodes that make it up, top layer
// first. A non-directory has one node; a directory has the stack of layer
// directories that merge into it, cut after the first opaque one.
type ent struct {
	nodes []*node
	up    bool // nodes[0] lives in the upper layer
	lower bool // a lower layer shows this name too, so removing it needs a whiteout
}

func (e *ent) isDir() bool { return e.nodes[0].isDir() }

// ino is the entry's metadata: the topmost layer that describes it.
func (e *ent) ino() *inode {
	for _, n := range e.nodes {
		if n.ino != nil {
			return n.ino
		}
	}
	return defaultDir
}

// rootEnt is the merged root directory.
func (f *FS) rootEnt() *ent {
	e := &ent{nodes: []*node{f.upper}, up: true}
	for i := len(f.lowers) - 1; i >= 0; i-- {
		r := f.lowers[i].root
		e.nodes = append(e.nodes, r)
		e.lower = true
		if r.opaque {
			break
		}
	}
	return e
}

// child looks name up in the merged directory d; nil when absent.
func (f *FS) child(d *ent, name string) *ent {
	var out *ent
	for i, n := range d.nodes {
		c, ok := n.kids[name]
		if !ok {
			continue
		}
		if c.whiteout {
			break
		}
		if out == nil {
			out = &ent{nodes: []*node{c}, up: d.up && i == 0}
			out.lower = !out.up
			if !c.isDir() || c.opaque {
				break
			}
			continue
		}
		// Below the top, only directories merge; anything else ends the stack.
		out.lower = true
		if !c.isDir() {
			break
		}
		out.nodes = append(out.nodes, c)
		if c.opaque {
			break
		}
	}
	if out != nil && out.up && !out.lower {
		out.lower = lowerKid(d, name) != nil
	}
	return out
}

// lowerKid is what the lower layers of d show under name (nil if nothing),
// ignoring the upper layer.
func lowerKid(d *ent, name string) *node {
	for i, n := range d.nodes {
		if i == 0 && d.up {
			continue
		}
		if c, ok := n.kids[name]; ok {
			if c.whiteout {
				return nil
			}
			return c
		}
	}
	return nil
}

// names lists the visible names of the merged directory d, sorted.
func names(d *ent) []string {
	seen := map[string]bool{}
	for _, n := range d.nodes {
		for name, k := range n.kids {
			if _, ok := seen[name]; !ok {
				seen[name] = !k.whiteout
			}
		}
	}
	out := make([]string, 0, len(seen))
	for name, ok := range seen {
		if ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// frame is one directory on a resolved path.
type frame struct {
	name string
	e    *ent
}

// loc is a resolved path: its parent directories and its final entry.
type loc struct {
	dir  []frame // root first, down to the parent of the entry
	name string  // final name; "" for the root
	e    *ent    // nil when the final name does not exist
	dot  bool    // the path ended in . or ..: it cannot be created or removed by that name
}

func (l *loc) parent() *ent { return l.dir[len(l.dir)-1].e }

// comps is the canonical path of the entry (or of where it would be created).
func (l *loc) comps() []string {
	c := make([]string, 0, len(l.dir))
	for _, fr := range l.dir[min(1, len(l.dir)):] {
		c = append(c, fr.name)
	}
	if l.name != "" {
		c = append(c, l.name)
	}
	return c
}

// dirComps is the canonical path of the parent directory.
func (l *loc) dirComps() []string {
	c := l.comps()
	return c[:max(0, len(c)-1)]
}

// isRoot reports whether the path names the root directory.
func (l *loc) isRoot() bool { return len(l.dir) == 0 }

// walk resolves name for id: search permission on each directory passed,
// symlinks inside the root, ".." at the root staying there. follow says
// whether a final symlink is followed; a trailing slash always follows and
// requires a directory. A missing final name is not an error: it comes back
// with e == nil so that callers can create it.
func (f *FS) walk(id sandbox.Identity, name string, follow bool) (*loc, error) {
	if name == "" {
		return nil, syscall.ENOENT
	}
	comps := splitPath(name)
	mustDir := strings.HasSuffix(name, "/")
	if mustDir {
		follow = true
	}
	stack := []frame{{"", f.rootEnt()}}
	links := 0
	dot := false
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		last := len(comps) == 0
		cur := stack[len(stack)-1].e
		if !allowed(cur.ino(), id, mayExec) {
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
		k := f.child(cur, c)
		if k == nil {
			if last {
				return &loc{dir: stack, name: c}, nil
			}
			return nil, syscall.ENOENT
		}
		if ino := k.ino(); ino.isSymlink() && (!last || follow) {
			links++
			if links > maxSymlinks {
				return nil, syscall.ELOOP
			}
			if ino.target == "" {
				return nil, syscall.ENOENT
			}
			if strings.HasPrefix(ino.target, "/") {
				stack = stack[:1]
			}
			comps = append(splitPath(ino.target), comps...)
			if len(comps) == 0 {
				dot = true // the link points at the root
			}
			continue
		}
		if !last && !k.isDir() {
			return nil, syscall.ENOTDIR
		}
		stack = append(stack, frame{c, k})
	}
	top := stack[len(stack)-1]
	var l *loc
	switch {
	case len(stack) == 1:
		l = &loc{e: top.e}
	default:
		l = &loc{dir: stack[:len(stack)-1], name: top.name, e: top.e, dot: dot}
	}
	if mustDir && !l.e.isDir() {
		return nil, syscall.ENOTDIR
	}
	return l, nil
}

// splitPath splits a slash-separated path into its non-empty components.
func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}
