package images

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
)

// tree lays files down in one layer being generated. It remembers its first
// error, so recipes read as lists of files rather than error checks, and
// counts the content bytes it writes, so padding can bring the layer to its
// documented size.
type tree struct {
	f       *layerfs.FS
	v       sandbox.FS
	err     error
	written int64
}

func newTree(lowers []*layerfs.Layer, date time.Time) *tree {
	f := layerfs.New(lowers...)
	// Every entry of a layer gets the layer's date: the same recipe always
	// makes the same tar, so its digest can be checked in.
	f.SetClock(func() time.Time { return date })
	return &tree{f: f, v: f.View(sandbox.Root)}
}

func (t *tree) fail(op, name string, err error) {
	if t.err == nil && err != nil {
		t.err = fmt.Errorf("%s %s: %w", op, name, err)
	}
}

// dir makes a directory (and its missing parents, 0755) with mode, which
// may carry the sticky and setgid bits.
func (t *tree) dir(name string, mode fs.FileMode) {
	if t.err != nil {
		return
	}
	if fi, err := t.v.Lstat(name); err != nil || !fi.IsDir() {
		t.fail("mkdir", name, t.v.MkdirAll(name, 0o755))
	}
	t.fail("chmod", name, t.v.Chmod(name, mode))
}

func (t *tree) dirs(mode fs.FileMode, names ...string) {
	for _, n := range names {
		t.dir(n, mode)
	}
}

func (t *tree) chown(name string, uid, gid int) {
	if t.err == nil {
		t.fail("chown", name, t.v.Lchown(name, uid, gid))
	}
}

func (t *tree) content(name string, c layerfs.Content, perm fs.FileMode) {
	if t.err != nil {
		return
	}
	t.fail("write", name, t.f.WriteContent(name, c, perm, 0, 0))
	t.written += c.Size()
}

// file writes a small text file (0644 unless perm says otherwise).
func (t *tree) file(name, text string, perm ...fs.FileMode) {
	p := fs.FileMode(0o644)
	if len(perm) > 0 {
		p = perm[0]
	}
	t.content(name, layerfs.Bytes([]byte(text)), p)
}

// zeros writes a file of n bytes that costs no memory.
func (t *tree) zeros(name string, n int64, perm fs.FileMode) {
	t.content(name, layerfs.Zeros(n), perm)
}

// exe writes a stand-in for a compiled program: it starts like an ELF file,
// so the sandbox's shell says it cannot execute it rather than running it
// as a script, unless a sandbox tool of that name exists (tools run by name).
func (t *tree) exe(names ...string) {
	for _, name := range names {
		t.content(name, layerfs.Bytes(stub(path.Base(name))), 0o755)
	}
}

func stub(name string) []byte {
	return []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\n" +
		"layerlab catalogue stand-in for " + name + ": the embedded sandbox runs its own tool of this name\n")
}

// exeIn writes stand-ins for several programs of one directory.
func (t *tree) exeIn(dir string, names ...string) {
	for _, n := range names {
		t.exe(dir + "/" + n)
	}
}

// link makes a symlink name -> target.
func (t *tree) link(target, name string) {
	if t.err != nil {
		return
	}
	if d := path.Dir(name); d != "/" {
		if _, err := t.v.Lstat(d); err != nil {
			t.fail("mkdir", d, t.v.MkdirAll(d, 0o755))
		}
	}
	t.fail("symlink", name, t.v.Symlink(target, name))
}

// linksIn makes dir/name -> target for each name.
func (t *tree) linksIn(dir, target string, names ...string) {
	for _, n := range names {
		t.link(target, dir+"/"+n)
	}
}

// hardlink makes newname another name of oldname.
func (t *tree) hardlink(oldname, newname string) {
	if t.err == nil {
		t.fail("link", newname, t.v.Link(oldname, newname))
	}
}

// pad is where a layer's synthetic bulk goes: weight shares of what the
// layer lacks to reach its documented size.
type pad struct {
	name   string
	weight int64
}

// padTo brings the layer's content to size bytes with zero-filled files at
// the pads, in proportion to their weights.
func (t *tree) padTo(size int64, pads []pad) {
	if t.err != nil {
		return
	}
	need := size - t.written
	if need < 0 {
		t.err = fmt.Errorf("layer content is %d bytes, more than its documented %d", t.written, size)
		return
	}
	if need == 0 {
		return
	}
	if len(pads) == 0 {
		t.err = fmt.Errorf("layer needs %d bytes of padding and has nowhere to put them", need)
		return
	}
	var total int64
	for _, p := range pads {
		total += p.weight
	}
	left := need
	for i, p := range pads {
		n := need * p.weight / total
		if i == len(pads)-1 {
			n = left
		}
		left -= n
		t.zeros(p.name, n, padPerm(p.name))
	}
}

// padPerm is the mode a padding file would have: shared objects and
// programs are executable.
func padPerm(name string) fs.FileMode {
	if path.Ext(name) == ".so" || strings.Contains(path.Base(name), ".so.") || path.Dir(name) == "/usr/bin" || path.Dir(name) == "/usr/sbin" {
		return 0o755
	}
	return 0o644
}

// rename moves an entry (a later layer then records a whiteout for the old
// name, as dpkg-divert --rename leaves in the real image).
func (t *tree) rename(oldname, newname string) {
	if t.err == nil {
		t.fail("rename", oldname, t.v.Rename(oldname, newname))
	}
}
