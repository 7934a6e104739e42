package layerfs

import (
	"slices"
)

func (v *view) Rename(oldname, newname string) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := v.rename(oldname, newname); err != nil {
		return linkErr("rename", oldname, newname, err)
	}
	return nil
}

// rename is rename(2) across layers: an entry only the upper layer holds
// moves as it is; one that lower layers contribute to is copied up whole
// (a directory with all its merged contents) and its old name whited out.
func (v *view) rename(oldname, newname string) error {
	f := v.f
	lo, err := f.walk(v.id, oldname, false)
	if err != nil {
		return err
	}
	if lo.e == nil {
		return errNotExist
	}
	ln, err := f.walk(v.id, newname, false)
	if err != nil {
		return err
	}
	if lo.isRoot() || ln.isRoot() {
		return errBusy
	}
	if lo.dot || ln.dot {
		return errInval
	}
	po, pn := lo.comps(), ln.comps()
	if slices.Equal(po, pn) || ln.e != nil && ln.e.ino() == lo.e.ino() && !lo.e.isDir() {
		return nil // same file: rename(2) does nothing
	}
	if err := v.mayDelete(lo); err != nil {
		return err
	}
	if ln.e != nil {
		if err := v.mayDelete(ln); err != nil {
			return err
		}
	} else if err := v.mayCreate(ln); err != nil {
		return err
	}
	if lo.e.isDir() {
		if len(pn) > len(po) && slices.Equal(pn[:len(po)], po) {
			return errInval // into its own subtree
		}
		if ln.e != nil {
			if !ln.e.isDir() {
				return errNotDir
			}
			if len(names(ln.e)) > 0 {
				return errNotEmpty
			}
		}
		// Moving a directory to another parent rewrites its "..": that
		// needs write permission on the directory itself.
		if !slices.Equal(lo.dirComps(), ln.dirComps()) && !allowed(lo.e.ino(), v.id, mayWrite) {
			return errAccess
		}
	} else if ln.e != nil && ln.e.isDir() {
		return errIsDir
	}

	var moved *node
	if lo.e.up && !lo.e.lower {
		moved = f.upperDir(lo.dirComps()).kids[lo.name]
	} else {
		moved = f.copyTree(lo.e)
	}
	f.del(lo)
	if moved.isDir() {
		moved = f.own(moved)
		// The new name hides a lower directory only if one is there.
		k := lowerKid(ln.parent(), ln.name)
		moved.opaque = k != nil && k.isDir()
	}
	f.upperDir(ln.dirComps()).kids[ln.name] = moved
	return nil
}
