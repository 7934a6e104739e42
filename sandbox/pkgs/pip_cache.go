package pkgs

import (
	"crypto/sha256"
	"fmt"
	"path"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/tools"
)

// pipCache is pip's cache directory (~/.cache/pip): HTTP responses under
// http-v2 (one body file of the download's size, one small header file,
// as pip 25's cachecontrol stores them) and built wheels under wheels/.
// It is what makes a layer bigger when --no-cache-dir is left out. A nil
// cache (--no-cache-dir, or an unwritable home) stores nothing.
type pipCache struct {
	fsys sandbox.FS
	dir  string
}

// filesURL is where PyPI serves files; cache keys hash the full URL.
const filesURL = "https://files.pythonhosted.org/packages/"

func openCache(p *tools.Proc, o *pipOptions) *pipCache {
	if o.noCache {
		return nil
	}
	dir := p.Getenv("PIP_CACHE_DIR")
	if dir == "" {
		base := p.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home := p.Getenv("HOME")
			if home == "" {
				home = p.Identity().Home
			}
			base = path.Join(home, ".cache")
		}
		dir = path.Join(base, "pip")
	}
	if !writable(p.FS, dir) {
		fmt.Fprintf(p.Stderr, "WARNING: The directory '%s' or its parent directory is not owned or is not writable by the current user. The cache has been disabled. Check the permissions and owner of that directory. If executing pip with sudo, you should use sudo's -H flag.\n", dir)
		return nil
	}
	return &pipCache{fsys: p.FS, dir: dir}
}

// bodyPath is http-v2/a/b/c/d/e/<sha224 of the URL>.body.
func (c *pipCache) bodyPath(file string) string {
	sum := fmt.Sprintf("%x", sha256.Sum224([]byte(filesURL+file)))
	return path.Join(c.dir, "http-v2", sum[0:1], sum[1:2], sum[2:3], sum[3:4], sum[4:5], sum) + ".body"
}

func (c *pipCache) has(file string) bool {
	return c != nil && exists(c.fsys, c.bodyPath(file))
}

// store records a download of size bytes. Cache failures are not errors:
// pip carries on without its cache.
func (c *pipCache) store(file string, size int64) {
	if c == nil {
		return
	}
	body := c.bodyPath(file)
	if writeSized(c.fsys, body, size, 0o600) == nil {
		c.storeHeader(body[:len(body)-len(".body")])
	}
}

// storeHeader writes cachecontrol's serialized response headers.
func (c *pipCache) storeHeader(name string) {
	writeSized(c.fsys, name, 1187, 0o600)
}

func (c *pipCache) storeAt(name string, size int64) {
	if c != nil {
		writeSized(c.fsys, name, size, 0o600)
	}
}

// wheelDir is where a wheel built from an sdist is kept, "" without cache.
func (c *pipCache) wheelDir(file string) string {
	if c == nil {
		return ""
	}
	sum := fmt.Sprintf("%x", sha256.Sum224([]byte(file)))
	return path.Join(c.dir, "wheels", sum[0:2], sum[2:4], sum[4:6], sum[6:])
}

// selfcheck is pip's record of its last version check.
func (c *pipCache) selfcheck() {
	if c == nil {
		return
	}
	sum := fmt.Sprintf("%x", sha256.Sum224([]byte(c.dir)))
	writeFile(c.fsys, path.Join(c.dir, "selfcheck", sum+".json"),
		`{"key":"`+c.dir+`","last_check":"2025-11-01T00:00:00Z","pypi_version":"25.3"}`, 0o644)
}
