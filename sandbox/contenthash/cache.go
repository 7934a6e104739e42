package contenthash

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/layerlab/learn/atomicfile"
	digest "github.com/opencontainers/go-digest"
)

// cacheVersion changes whenever the meaning of a stored digest changes, so
// an old file is ignored rather than trusted.
const cacheVersion = 1

// keepSaves is how many saves an entry survives without being used, so files
// deleted from the tree do not accumulate forever while a tree that is hashed
// only now and then keeps its entries.
const keepSaves = 8

// Cache remembers regular files' digests by path and stat, so that hashing an
// unchanged tree only stats it (BuildKit keeps a similar record per context).
// An entry is trusted only when every stat field matches: size, mtime in
// nanoseconds, mode, the hashed header (owner, xattrs) and, when the tree
// provides it, device, inode and ctime. A Cache belongs to one tree: paths
// are not qualified by the tree they came from. It is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]*cacheEntry
}

type cacheKey struct {
	Size   int64  `json:"size"`
	Mtime  int64  `json:"mtime"`
	Mode   uint32 `json:"mode"`
	Header string `json:"header"`
	Ident  bool   `json:"ident,omitempty"`
	Dev    uint64 `json:"dev,omitempty"`
	Ino    uint64 `json:"ino,omitempty"`
	Ctime  int64  `json:"ctime,omitempty"`
}

type cacheEntry struct {
	Path string `json:"path"`
	cacheKey
	Digest digest.Digest `json:"digest"`
	// Used is the generation (count of saves) when the entry was last used.
	Used uint64 `json:"used"`
}

type cacheFile struct {
	Version int           `json:"version"`
	Gen     uint64        `json:"gen"`
	Entries []*cacheEntry `json:"entries"`
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{entries: map[string]*cacheEntry{}}
}

// LoadCache reads a cache saved by Save. A missing file gives an empty cache;
// so does an unreadable or outdated one (a cache is only an optimisation),
// with the error returned beside it for the caller to log if it cares.
func LoadCache(name string) (*Cache, error) {
	c := NewCache()
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("loading hash cache: %w", err)
	}
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		return c, fmt.Errorf("loading hash cache %s: %w", name, err)
	}
	if f.Version != cacheVersion {
		return c, nil
	}
	c.gen = f.Gen
	for _, e := range f.Entries {
		if e == nil || e.Digest.Validate() != nil {
			continue
		}
		c.entries[e.Path] = e
	}
	return c, nil
}

// Save writes the cache to name atomically (a temporary file renamed over
// it), so a concurrent reader sees the old cache or the new, never half.
// Entries not used during the last few saves are dropped.
func (c *Cache) Save(name string) error {
	c.mu.Lock()
	c.gen++
	f := cacheFile{Version: cacheVersion, Gen: c.gen}
	for p, e := range c.entries {
		if e.Used+keepSaves < c.gen {
			delete(c.entries, p)
			continue
		}
		f.Entries = append(f.Entries, e)
	}
	slices.SortFunc(f.Entries, func(a, b *cacheEntry) int { return strings.Compare(a.Path, b.Path) })
	data, err := json.Marshal(f)
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("saving hash cache: %w", err)
	}
	if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("saving hash cache: %w", err)
	}
	return nil
}

// Len is the number of remembered files.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func newCacheKey(fi fs.FileInfo, hdr []byte) *cacheKey {
	sum := sha256.Sum256(hdr)
	k := &cacheKey{
		Size:   fi.Size(),
		Mtime:  fi.ModTime().UnixNano(),
		Mode:   uint32(fi.Mode()),
		Header: hex.EncodeToString(sum[:16]),
	}
	if id, ok := fi.(FileIdentity); ok {
		k.Ident = true
		k.Dev, k.Ino, k.Ctime = id.FileIdentity()
	}
	return k
}

func (c *Cache) get(p string, k *cacheKey) (digest.Digest, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[p]
	if !ok || e.cacheKey != *k {
		return "", false
	}
	e.Used = c.gen
	return e.Digest, true
}

func (c *Cache) put(p string, k *cacheKey, d digest.Digest) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*cacheEntry{}
	}
	c.entries[p] = &cacheEntry{Path: p, cacheKey: *k, Digest: d, Used: c.gen}
}
