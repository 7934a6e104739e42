package sandbox

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// treeOps is what MkdirAll and RemoveAll need of a filesystem.
type treeOps interface {
	Stat(name string) (fs.FileInfo, error)
	Lstat(name string) (fs.FileInfo, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	Mkdir(name string, perm fs.FileMode) error
	Remove(name string) error
}

// MkdirAll is os.MkdirAll over a sandbox filesystem's own Mkdir, so each
// implementation's permission checks and errors apply: done if a directory
// is there, else the parent first.
func MkdirAll(fsys treeOps, name string, perm fs.FileMode) error {
	if fi, err := fsys.Stat(name); err == nil {
		if fi.IsDir() {
			return nil
		}
		return &fs.PathError{Op: "mkdir", Path: name, Err: syscall.ENOTDIR}
	}
	trimmed := strings.TrimRight(name, "/")
	if i := strings.LastIndex(trimmed, "/"); i > 0 {
		if err := MkdirAll(fsys, trimmed[:i], perm); err != nil {
			return err
		}
	}
	err := fsys.Mkdir(name, perm)
	if err != nil {
		// Created meanwhile (or by a racing process): that is success.
		if fi, lerr := fsys.Lstat(name); lerr == nil && fi.IsDir() {
			return nil
		}
	}
	return err
}

// RemoveAll is os.RemoveAll over a sandbox filesystem's own Remove and
// ReadDir: a missing path is success, a path ending in "." is not allowed,
// and the first error is returned after trying everything.
func RemoveAll(fsys treeOps, name string) error {
	if name == "." || strings.HasSuffix(name, "/.") {
		return &fs.PathError{Op: "RemoveAll", Path: name, Err: syscall.EINVAL}
	}
	fi, err := fsys.Lstat(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if fi.IsDir() {
		ents, err := fsys.ReadDir(name)
		if err != nil {
			return err
		}
		var first error
		for _, e := range ents {
			if err := RemoveAll(fsys, strings.TrimRight(name, "/")+"/"+e.Name()); err != nil && first == nil {
				first = err
			}
		}
		if first != nil {
			return first
		}
	}
	if err := fsys.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
