package pkgs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/tools"
)

// Package managers write many files; these helpers keep that terse. Every
// write goes through the process's view, so ownership and permission
// checks are those of the user running the tool.

func readFile(fsys sandbox.ReadFS, name string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b bytes.Buffer
	_, err = io.Copy(&b, f)
	return b.String(), err
}

func exists(fsys sandbox.ReadFS, name string) bool {
	_, err := fsys.Lstat(name)
	return err == nil
}

func isDir(fsys sandbox.ReadFS, name string) bool {
	fi, err := fsys.Stat(name)
	return err == nil && fi.IsDir()
}

// writeFile creates or replaces name with content, making parents (0755).
func writeFile(fsys sandbox.FS, name, content string, perm fs.FileMode) error {
	if err := fsys.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, content); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// OpenFile keeps the mode of a file that already existed.
	return fsys.Chmod(name, perm)
}

// appendFile appends content to name, creating it (0644) if missing.
func appendFile(fsys sandbox.FS, name, content string) error {
	if err := fsys.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeSized writes a file of size bytes whose content does not matter
// (package payloads, caches): zeros that cost no memory when the
// filesystem supports it, real zeros otherwise.
func writeSized(fsys sandbox.FS, name string, size int64, perm fs.FileMode) error {
	if err := fsys.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	if sw, ok := fsys.(sandbox.SyntheticWriter); ok {
		return sw.WriteSynthetic(name, size, perm)
	}
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = io.CopyN(f, zeros{}, size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// writable reports whether the view's user may create entries in dir
// (or, when dir does not exist yet, in its nearest existing ancestor).
func writable(fsys sandbox.FS, dir string) bool {
	for d := dir; ; d = path.Dir(d) {
		fi, err := fsys.Stat(d)
		if err == nil {
			return fi.IsDir() && tools.CanAccess(fsys.Identity(), fi, 2) && tools.CanAccess(fsys.Identity(), fi, 1)
		}
		if !errors.Is(err, fs.ErrNotExist) || d == "/" {
			return false
		}
	}
}

// glob lists the entries of dir whose names match pattern (path.Match).
func glob(fsys sandbox.ReadFS, dir, pattern string) []string {
	ents, err := fsys.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if ok, _ := path.Match(pattern, e.Name()); ok {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	return out
}

// osRelease reads /etc/os-release (falling back to /usr/lib/os-release)
// into a map with quotes removed.
func osRelease(fsys sandbox.ReadFS) map[string]string {
	text, err := readFile(fsys, "/etc/os-release")
	if err != nil {
		text, _ = readFile(fsys, "/usr/lib/os-release")
	}
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok {
			out[k] = strings.Trim(v, `"'`)
		}
	}
	return out
}

// errText is the strerror text for an error, as the tools print it.
func errText(err error) string { return tools.ErrText(err) }
