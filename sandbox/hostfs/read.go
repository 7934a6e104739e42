package hostfs

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/layerlab/learn/sandbox"
)

func (v *view) Lstat(name string) (fs.FileInfo, error) { return v.stat("lstat", name, false) }
func (v *view) Stat(name string) (fs.FileInfo, error)  { return v.stat("stat", name, true) }

func (v *view) stat(op, name string, follow bool) (fs.FileInfo, error) {
	l, err := v.walk(name, follow)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return newInfo(baseName(name), l.info), nil
}

func (v *view) ReadDir(name string) ([]fs.DirEntry, error) {
	l, err := v.walk(name, true)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if !l.isDir() {
		return nil, pathErr("readdirent", name, syscall.ENOTDIR)
	}
	if !v.allowed(l.info, mayRead) {
		return nil, pathErr("open", name, syscall.EACCES)
	}
	rel := l.rel()
	d, err := v.t.root.Open(rel)
	if err != nil {
		return nil, pathErr("open", name, errnoOf(err))
	}
	defer d.Close()
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, pathErr("readdirent", name, errnoOf(err))
	}
	prefix := ""
	if rel != "." {
		prefix = rel + "/"
	}
	out := make([]fs.DirEntry, 0, len(ents))
	for _, e := range ents {
		out = append(out, &dirEntry{v: v, rel: prefix + e.Name(), name: e.Name(), typ: e.Type()})
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

func (v *view) Readlink(name string) (string, error) {
	l, err := v.walk(name, false)
	if err == nil && !l.exists() {
		err = syscall.ENOENT
	}
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	if !l.isSymlink() {
		return "", pathErr("readlink", name, syscall.EINVAL)
	}
	target, err := v.t.root.Readlink(l.rel())
	if err != nil {
		return "", pathErr("readlink", name, errnoOf(err))
	}
	return target, nil
}

func (v *view) Open(name string) (sandbox.File, error) {
	return v.OpenFile(name, os.O_RDONLY, 0)
}
