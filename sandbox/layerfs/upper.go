package layerfs

// Changes to the upper layer. Every change copies the nodes on its path that
// f does not own (path copying), so lowers, forks and committed layers that
// share them never see it.

// own returns n if f may change it in place, else a copy that f owns.
func (f *FS) own(n *node) *node {
	if n.gen == f.gen {
		return n
	}
	return n.clone(f.gen)
}

// upperDir returns the upper layer's directory at comps, owned by f, adding
// pass-through directories (no metadata of their own) where the upper has
// none. comps must name a directory of the merged tree.
func (f *FS) upperDir(comps []string) *node {
	f.upper = f.own(f.upper)
	n := f.upper
	for _, c := range comps {
		k := n.kids[c]
		if k == nil || !k.isDir() {
			k = newDirNode(f.gen, nil)
		} else {
			k = f.own(k)
		}
		n.kids[c] = k
		n = k
	}
	return n
}

// put places n at l in the upper layer.
func (f *FS) put(l *loc, n *node) {
	n.gen = f.gen
	f.upperDir(l.dirComps()).kids[l.name] = n
}

// newDir is a directory node for l. It is opaque when a lower layer has a
// directory there, so that the old contents stay hidden (rm -rf then mkdir).
func (f *FS) newDir(l *loc, ino *inode) *node {
	n := newDirNode(f.gen, ino)
	if k := lowerKid(l.parent(), l.name); k != nil && k.isDir() {
		n.opaque = true
	}
	return n
}

// del removes the entry at l: a whiteout when a lower layer has the name,
// else nothing is left in the upper.
func (f *FS) del(l *loc) {
	d := f.upperDir(l.dirComps())
	if l.e.lower {
		d.kids[l.name] = &node{gen: f.gen, whiteout: true}
	} else {
		delete(d.kids, l.name)
	}
}

// ownIno returns the inode of the entry at l as one f may change in place,
// copying it up into the upper layer first. Only metadata is copied: content
// is shared until the first write (see writable).
func (f *FS) ownIno(l *loc) *inode {
	old := l.e.ino()
	if l.e.isDir() {
		n := f.upperDir(l.comps())
		if n.ino == nil || n.ino.gen != f.gen {
			n.ino = old.clone(f.gen)
		}
		return n.ino
	}
	if old.gen == f.gen {
		return old
	}
	nino := old.clone(f.gen)
	nino.nlink = 1
	f.put(l, &node{ino: nino})
	if old.nlink > 1 {
		// Other names in the upper share old: they must follow the copy.
		nino.nlink = max(1, f.replaceIno(old, nino))
	}
	return nino
}

// reown makes ino, held by an open file, one f may change: a copy replacing
// it wherever the upper layer refers to it. It walks the whole upper layer,
// which only happens after a Fork or Commit while a file was open for writing.
func (f *FS) reown(ino *inode) *inode {
	if ino.gen == f.gen {
		return ino
	}
	nino := ino.clone(f.gen)
	nino.nlink = max(1, f.replaceIno(ino, nino))
	return nino
}

// replaceIno points every upper name that refers to old at nino, and returns
// how many names now refer to nino.
func (f *FS) replaceIno(old, nino *inode) int {
	count := 0
	var walk func(n *node) *node
	walk = func(n *node) (repl *node) {
		if n.ino == nino {
			count++
		}
		if n.ino == old && !n.isDir() {
			count++
			repl = f.own(n)
			repl.ino = nino
			return repl
		}
		for name, k := range n.kids {
			if r := walk(k); r != nil {
				if repl == nil {
					repl = f.own(n)
				}
				repl.kids[name] = r
			}
		}
		return repl
	}
	if r := walk(f.upper); r != nil {
		f.upper = r
	}
	return count
}

// writable makes ino's content something it may change in place.
func writable(ino *inode) *memData {
	if m, ok := ino.data.(*memData); ok && ino.own {
		return m
	}
	b := make([]byte, contentSize(ino.data))
	if ino.data != nil {
		_, _ = ino.data.ReadAt(b, 0)
	}
	m := &memData{b: b}
	ino.data, ino.own = m, true
	return m
}

// copyTree copies the merged subtree at e into new upper nodes: used when a
// directory that lower layers contribute to moves elsewhere. Inodes are
// shared; they are copied on their first change like any other.
func (f *FS) copyTree(e *ent) *node {
	if !e.isDir() {
		return &node{gen: f.gen, ino: e.ino()}
	}
	n := newDirNode(f.gen, e.ino())
	for _, name := range names(e) {
		n.kids[name] = f.copyTree(f.child(e, name))
	}
	return n
}
