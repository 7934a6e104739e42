package contenthash

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	digest "github.com/opencontainers/go-digest"
)

var base = map[string]string{
	"Dockerfile":       "FROM scratch\n",
	"src/app.py":       "print('hi')\n",
	"src/util.py":      "x = 1\n",
	"src/data.csv":     "a,b\n1,2\n",
	"src/pkg/mod.py":   "pass\n",
	"src/link":         "->app.py",
	"docs/readme.md":   "# readme\n",
	"requirements.txt": "pandas==2.3.3\n",
}

func newTree(t testing.TB) (string, *hostFS) {
	t.Helper()
	dir := t.TempDir()
	tree(dir, base)
	return dir, &hostFS{dir: dir, owners: map[string]sandbox.Owner{}}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRules proves each rule of "Content hash of COPY sources": what changes
// a source's hash and what does not.
func TestRules(t *testing.T) {
	later := time.Now().Add(time.Minute)
	tests := []struct {
		name    string
		src     string
		edit    func(t *testing.T, dir string, h *hostFS)
		changed bool
	}{
		{"touch file", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Chtimes(filepath.Join(dir, "src/app.py"), later, later))
		}, false},
		{"touch dir", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Chtimes(filepath.Join(dir, "src"), later, later))
		}, false},
		{"chmod file", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Chmod(filepath.Join(dir, "src/app.py"), 0o755))
		}, true},
		{"chmod dir", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Chmod(filepath.Join(dir, "src/pkg"), 0o700))
		}, true},
		{"setuid", "/src/app.py", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Chmod(filepath.Join(dir, "src/app.py"), 0o644|fs.ModeSetuid))
		}, true},
		{"sticky dir", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Chmod(filepath.Join(dir, "src/pkg"), 0o755|fs.ModeSticky))
		}, true},
		{"content same size", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.WriteFile(filepath.Join(dir, "src/util.py"), []byte("x = 2\n"), 0o644))
		}, true},
		{"content of a single file", "/requirements.txt", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("pandas==2.3.4\n"), 0o644))
		}, true},
		{"rename", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Rename(filepath.Join(dir, "src/util.py"), filepath.Join(dir, "src/utils.py")))
		}, true},
		{"add file", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.WriteFile(filepath.Join(dir, "src/new.py"), nil, 0o644))
		}, true},
		{"delete file", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Remove(filepath.Join(dir, "src/data.csv")))
		}, true},
		{"add empty dir", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Mkdir(filepath.Join(dir, "src/empty"), 0o755))
		}, true},
		{"sibling edit", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.WriteFile(filepath.Join(dir, "docs/readme.md"), []byte("changed"), 0o644))
		}, false},
		{"retarget symlink", "/src", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.Remove(filepath.Join(dir, "src/link")))
			must(t, os.Symlink("util.py", filepath.Join(dir, "src/link")))
		}, true},
		{"link target edit not seen through inner link", "/src/link", func(t *testing.T, dir string, h *hostFS) {
			must(t, os.WriteFile(filepath.Join(dir, "src/app.py"), []byte("print('bye')\n"), 0o644))
		}, false},
		{"chown", "/src", func(t *testing.T, dir string, h *hostFS) {
			h.owners["/src/app.py"] = sandbox.Owner{UID: 1000, GID: 1000, Nlink: 1}
		}, true},
		{"chgrp", "/src/app.py", func(t *testing.T, dir string, h *hostFS) {
			h.owners["/src/app.py"] = sandbox.Owner{GID: 50, Nlink: 1}
		}, true},
		{"hard link count", "/src/app.py", func(t *testing.T, dir string, h *hostFS) {
			h.owners["/src/app.py"] = sandbox.Owner{Nlink: 2}
		}, false},
		{"user xattr", "/src", func(t *testing.T, dir string, h *hostFS) {
			h.owners["/src/app.py"] = sandbox.Owner{Nlink: 1, Xattrs: map[string]string{"user.tag": "v"}}
		}, true},
		{"capability xattr", "/src/app.py", func(t *testing.T, dir string, h *hostFS) {
			h.owners["/src/app.py"] = sandbox.Owner{Nlink: 1, Xattrs: map[string]string{"security.capability": "\x01"}}
		}, true},
		{"selinux label", "/src/app.py", func(t *testing.T, dir string, h *hostFS) {
			h.owners["/src/app.py"] = sandbox.Owner{Nlink: 1, Xattrs: map[string]string{"security.selinux": "ctx"}}
		}, false},
		{"acl xattr", "/src/app.py", func(t *testing.T, dir string, h *hostFS) {
			h.owners["/src/app.py"] = sandbox.Owner{Nlink: 1, Xattrs: map[string]string{"system.posix_acl_access": "acl"}}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, h := newTree(t)
			before, err := Checksum(h, tt.src, Options{})
			must(t, err)
			tt.edit(t, dir, h)
			after, err := Checksum(h, tt.src, Options{})
			must(t, err)
			if got := before != after; got != tt.changed {
				t.Errorf("changed = %v, want %v (%s -> %s)", got, tt.changed, before, after)
			}
		})
	}
}

// TestFormat pins the exact bytes hashed, as read from BuildKit's
// cache/contenthash (tarsum v1 header, NUL-separated radix keys).
func TestFormat(t *testing.T) {
	dir := t.TempDir()
	tree(dir, map[string]string{"d/a": "hello"})
	h := &hostFS{dir: dir}

	fileHdr := "namemode420uid0gid0size5typeflag0linknameunamegnamedevmajor0devminor0"
	wantFile := digest.FromString(fileHdr + "hello")
	got, err := Checksum(h, "/d/a", Options{})
	must(t, err)
	if got != wantFile {
		t.Fatalf("file: got %s, want %s", got, wantFile)
	}

	dirHdr := digest.FromString("namemode493uid0gid0size0typeflag5linknameunamegnamedevmajor0devminor0")
	wantDir := digest.FromString("\x00" + string(dirHdr) + "\x00a" + string(wantFile))
	got, err = Checksum(h, "d", Options{})
	must(t, err)
	if got != wantDir {
		t.Fatalf("dir: got %s, want %s", got, wantDir)
	}

	// A link: mode forced to 0777, size 0, the target as linkname.
	must(t, os.Symlink("a", filepath.Join(dir, "d/l")))
	wantLink := digest.FromString("namemode511uid0gid0size0typeflag2linknameaunamegnamedevmajor0devminor0")
	got, err = Checksum(h, "/d/l", Options{})
	must(t, err)
	if got != wantLink {
		t.Fatalf("link: got %s, want %s", got, wantLink)
	}
	// COPY follows a top-level link: the hash is the target's.
	got, err = Checksum(h, "/d/l", Options{FollowLinks: true})
	must(t, err)
	if got != wantFile {
		t.Fatalf("followed link: got %s, want %s", got, wantFile)
	}

	// Xattrs come last, sorted, without security.* (but capability) and system.*.
	h.owners = map[string]sandbox.Owner{"/d/a": {UID: 7, GID: 8, Xattrs: map[string]string{
		"user.b": "2", "user.a": "1", "security.selinux": "x", "security.capability": "c", "system.x": "y",
	}}}
	want := digest.FromString("namemode420uid7gid8size5typeflag0linknameunamegnamedevmajor0devminor0" +
		"security.capabilitycuser.a1user.b2hello")
	got, err = Checksum(h, "/d/a", Options{})
	must(t, err)
	if got != want {
		t.Fatalf("xattrs: got %s, want %s", got, want)
	}
}

func TestLocalContextRoot(t *testing.T) {
	dir, h := newTree(t)
	l := localFS{h}
	before, err := Checksum(l, "/", Options{})
	must(t, err)
	must(t, os.Chmod(dir, 0o700))
	after, err := Checksum(l, "/", Options{})
	must(t, err)
	if before != after {
		t.Errorf("chmod of the context directory changed COPY . .")
	}
	plain, err := Checksum(h, "/", Options{})
	must(t, err)
	if plain == after {
		t.Errorf("a stage's root header should count")
	}
}

func TestNotFound(t *testing.T) {
	_, h := newTree(t)
	for _, p := range []string{"/missing", "src/missing/x", "/src/app.py/x"} {
		_, err := Checksum(h, p, Options{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: err = %v, want fs.ErrNotExist", p, err)
			continue
		}
		if !strings.HasSuffix(err.Error(), `": not found`) {
			t.Errorf("%s: message %q, want Docker's `\"/path\": not found`", p, err)
		}
	}
	// "../x" is cleaned against the root: it is /x, never outside.
	a, err := Checksum(h, "../requirements.txt", Options{})
	must(t, err)
	b, err := Checksum(h, "/requirements.txt", Options{})
	must(t, err)
	if a != b {
		t.Errorf("../requirements.txt hashed differently from /requirements.txt")
	}
}

func TestWildcard(t *testing.T) {
	dir, h := newTree(t)
	sum := func(pattern string) digest.Digest {
		t.Helper()
		d, err := ChecksumWildcard(h, pattern, Options{FollowLinks: true})
		must(t, err)
		return d
	}
	py := sum("src/*.py")

	// The format: (path relative to the literal prefix, digest) per match.
	app, _ := Checksum(h, "/src/app.py", Options{})
	util, _ := Checksum(h, "/src/util.py", Options{})
	want := digest.FromString("\x00app.py" + string(app) + "\x00util.py" + string(util))
	if py != want {
		t.Errorf("src/*.py = %s, want %s", py, want)
	}

	// A pattern without wildcards is a plain checksum.
	if got := sum("/src/app.py"); got != app {
		t.Errorf("literal pattern: %s, want %s", got, app)
	}
	// No match: sha256 of nothing (BuildKit lets COPY match nothing).
	if got := sum("/src/*.go"); got != digest.FromBytes(nil) {
		t.Errorf("no match: %s", got)
	}
	if got := sum("/nodir/*.go"); got != digest.FromBytes(nil) {
		t.Errorf("missing prefix: %s", got)
	}
	if _, err := ChecksumWildcard(h, "/src/[", Options{}); err == nil {
		t.Errorf("bad pattern accepted")
	}

	// Editing a file that does not match changes nothing; a match does.
	must(t, os.WriteFile(filepath.Join(dir, "src/data.csv"), []byte("changed"), 0o644))
	if sum("src/*.py") != py {
		t.Errorf("non-matching edit changed the hash")
	}
	must(t, os.WriteFile(filepath.Join(dir, "src/new.py"), nil, 0o644))
	if sum("src/*.py") == py {
		t.Errorf("new match did not change the hash")
	}

	// A matched directory brings its header and contents; a matched link
	// (followed) stands for its target.
	s := sum("/s*")
	must(t, os.WriteFile(filepath.Join(dir, "src/pkg/mod.py"), []byte("changed"), 0o644))
	if sum("/s*") == s {
		t.Errorf("edit inside a matched directory not seen")
	}
	l := sum("/src/lin?")
	if want := digest.FromString("\x00link" + string(app)); l != want {
		t.Errorf("followed link match: %s, want %s (the target's digest)", l, want)
	}
	// Only whole segments match: * never crosses "/".
	if got := sum("/*.py"); got != digest.FromBytes(nil) {
		t.Errorf("/*.py matched files in subdirectories")
	}
	if sum("/*/*.py") == digest.FromBytes(nil) {
		t.Errorf("/*/*.py matched nothing")
	}
}

func TestEntriesAndDiff(t *testing.T) {
	dir, h := newTree(t)
	before, err := Entries(h, "/src")
	must(t, err)
	var names []string
	for _, e := range before {
		names = append(names, e.Path)
	}
	want := ". app.py data.csv link pkg pkg/mod.py util.py"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries = %q, want %q", got, want)
	}
	must(t, os.WriteFile(filepath.Join(dir, "src/util.py"), []byte("x = 2\n"), 0o644))
	must(t, os.Remove(filepath.Join(dir, "src/data.csv")))
	must(t, os.WriteFile(filepath.Join(dir, "src/pkg/new.py"), nil, 0o644))
	after, err := Entries(h, "src")
	must(t, err)
	got := fmt.Sprint(Diff(before, after))
	if want := "[{data.csv removed} {pkg/new.py added} {util.py modified}]"; got != want {
		t.Errorf("diff = %s, want %s", got, want)
	}
}

func TestCache(t *testing.T) {
	dir, h := newTree(t)
	cfs := &countingFS{ReadFS: h}
	c := NewCache()
	cold, err := Checksum(cfs, "/", Options{Cache: c})
	must(t, err)
	if cfs.opens == 0 || c.Len() == 0 {
		t.Fatalf("cold run read %d files, cached %d", cfs.opens, c.Len())
	}

	cfs.opens = 0
	warm, err := Checksum(cfs, "/", Options{Cache: c})
	must(t, err)
	if warm != cold || cfs.opens != 0 {
		t.Fatalf("warm run: digest equal %v, %d files read", warm == cold, cfs.opens)
	}

	// Same size, mtime put back: the ctime (identity) still tells.
	p := filepath.Join(dir, "src/util.py")
	fi, _ := os.Stat(p)
	must(t, os.WriteFile(p, []byte("x = 9\n"), 0o644))
	must(t, os.Chtimes(p, fi.ModTime(), fi.ModTime()))
	got, err := Checksum(cfs, "/", Options{Cache: c})
	must(t, err)
	fresh, err := Checksum(h, "/", Options{})
	must(t, err)
	if got != fresh || got == cold {
		t.Fatalf("cache served a stale digest after an edit that kept size and mtime")
	}

	// A chmod changes the key even though content does not change.
	must(t, os.Chmod(p, 0o600))
	got, _ = Checksum(cfs, "/", Options{Cache: c})
	fresh, _ = Checksum(h, "/", Options{})
	if got != fresh {
		t.Fatalf("cache ignored a chmod")
	}

	// Save and load: a later process starts warm.
	name := filepath.Join(t.TempDir(), "hashes.json")
	must(t, c.Save(name))
	c2, err := LoadCache(name)
	must(t, err)
	cfs.opens = 0
	got, err = Checksum(cfs, "/", Options{Cache: c2})
	must(t, err)
	if got != fresh || cfs.opens != 0 {
		t.Fatalf("loaded cache: digest ok %v, %d files read", got == fresh, cfs.opens)
	}

	// A file modified just now is not trusted yet (racy-clean guard).
	must(t, os.WriteFile(filepath.Join(dir, "hot.txt"), []byte("x"), 0o644))
	_, err = Checksum(cfs, "/hot.txt", Options{Cache: c2})
	must(t, err)
	cfs.opens = 0
	_, err = Checksum(cfs, "/hot.txt", Options{Cache: c2})
	must(t, err)
	if cfs.opens != 1 {
		t.Errorf("just-modified file served from cache")
	}
}

func TestLoadCacheBadFiles(t *testing.T) {
	dir := t.TempDir()
	c, err := LoadCache(filepath.Join(dir, "missing.json"))
	if err != nil || c.Len() != 0 {
		t.Fatalf("missing file: %v, %d entries", err, c.Len())
	}
	bad := filepath.Join(dir, "bad.json")
	must(t, os.WriteFile(bad, []byte("{not json"), 0o644))
	c, err = LoadCache(bad)
	if err == nil || c == nil || c.Len() != 0 {
		t.Fatalf("corrupt file: %v", err)
	}
	old := filepath.Join(dir, "old.json")
	must(t, os.WriteFile(old, []byte(`{"version":0,"entries":[{"path":"/a","digest":"sha256:`+
		fmt.Sprintf("%x", sha256.Sum256(nil))+`"}]}`), 0o644))
	c, err = LoadCache(old)
	if err != nil || c.Len() != 0 {
		t.Fatalf("old version trusted: %v, %d", err, c.Len())
	}
	var zero Cache
	must(t, zero.Save(filepath.Join(dir, "zero.json")))
}

func TestCachePrunesUnused(t *testing.T) {
	_, h := newTree(t)
	c := NewCache()
	_, err := Checksum(h, "/", Options{Cache: c})
	must(t, err)
	n := c.Len()
	name := filepath.Join(t.TempDir(), "c.json")
	for range keepSaves {
		must(t, c.Save(name))
	}
	if c.Len() != n {
		t.Fatalf("pruned too early: %d of %d", c.Len(), n)
	}
	must(t, c.Save(name))
	if c.Len() != 0 {
		t.Fatalf("unused entries kept: %d", c.Len())
	}
}
