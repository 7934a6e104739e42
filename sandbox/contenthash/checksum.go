package contenthash

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/layerlab/learn/sandbox"
	digest "github.com/opencontainers/go-digest"
)

// Options tune Checksum and ChecksumWildcard.
type Options struct {
	// FollowLinks follows the top-level source when it is a symlink (COPY
	// always does); links inside directories are hashed as links.
	FollowLinks bool
	// Cache, when set, remembers file digests by stat so that re-hashing an
	// unchanged tree only stats it. It may be nil.
	Cache *Cache
}

// LocalContext is implemented by build contexts. BuildKit receives a context
// as a stream of entries that never includes the root directory itself, and
// records the root's header as the hash of nothing; mirroring that keeps a
// chmod of the context directory from changing any key, as in Docker.
type LocalContext interface {
	IsLocalContext() bool
}

// FileIdentity is implemented by FileInfos that know which host file they
// describe and when its status last changed. A Cache uses it so that a file
// replaced by another of the same size and mtime is not taken for the old one.
type FileIdentity interface {
	FileIdentity() (dev, ino uint64, ctimeNs int64)
}

// NotFoundError reports a COPY source that does not exist (or that the tree
// refuses to show, such as an ignored path or a link out of the context). It
// matches fs.ErrNotExist with errors.Is.
type NotFoundError struct {
	Path string
	Err  error
}

func (e *NotFoundError) Error() string {
	// Docker prints `"/path": not found`; keep that, but do not hide a more
	// telling cause such as a symlink pointing out of the context.
	msg := fmt.Sprintf("%q: not found", e.Path)
	var pe *fs.PathError
	if errors.As(e.Err, &pe) && (pe.Err == syscall.ENOENT || pe.Err == syscall.ENOTDIR || pe.Err == fs.ErrNotExist) {
		return msg
	}
	if e.Err == nil || e.Err == fs.ErrNotExist {
		return msg
	}
	return msg + ": " + e.Err.Error()
}

func (e *NotFoundError) Unwrap() error { return e.Err }

func (e *NotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// Checksum is the content hash of path in fsys, as BuildKit computes it for a
// COPY source: a file's header and bytes, or a directory's header plus every
// child's name and hash.
func Checksum(fsys sandbox.ReadFS, name string, opt Options) (digest.Digest, error) {
	h := newHasher(fsys, opt.Cache)
	p := clean(name)
	fi, err := h.top(p, opt.FollowLinks)
	if err != nil {
		return "", err
	}
	return h.digest(p, fi, "", nil)
}

// Entry is one file, link or directory under a hashed path with its own
// digest (a directory's covers only its header), so two builds can be
// compared entry by entry.
type Entry struct {
	Path   string
	Digest digest.Digest
}

// Entries lists every entry under name with its own digest, in BuildKit's
// order (a directory before its contents, names sorted bytewise). The top
// entry is ".". Links are not followed.
func Entries(fsys sandbox.ReadFS, name string) ([]Entry, error) {
	h := newHasher(fsys, nil)
	p := clean(name)
	fi, err := h.top(p, false)
	if err != nil {
		return nil, err
	}
	var out []Entry
	_, err = h.digest(p, fi, ".", func(rel string, d digest.Digest) {
		out = append(out, Entry{Path: rel, Digest: d})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Change is one difference between two lists of entries.
type Change struct {
	Path string
	// Kind is "added", "removed" or "modified".
	Kind string
}

// Diff says which entries were added, removed or modified between old and
// new (both as returned by Entries), sorted by path: what the checker shows
// when a step it expected to be CACHED ran again.
func Diff(old, new []Entry) []Change {
	before := make(map[string]digest.Digest, len(old))
	for _, e := range old {
		before[e.Path] = e.Digest
	}
	var out []Change
	seen := make(map[string]bool, len(new))
	for _, e := range new {
		seen[e.Path] = true
		d, ok := before[e.Path]
		switch {
		case !ok:
			out = append(out, Change{e.Path, "added"})
		case d != e.Digest:
			out = append(out, Change{e.Path, "modified"})
		}
	}
	for _, e := range old {
		if !seen[e.Path] {
			out = append(out, Change{e.Path, "removed"})
		}
	}
	sortChanges(out)
	return out
}

// clean makes name absolute and clean, so "../x" and "x/" hash as "/x"
// (BuildKit joins every source with "/" the same way).
func clean(name string) string {
	return path.Join("/", name)
}

// hasher hashes entries of one tree; it is not safe for concurrent use.
type hasher struct {
	fsys      sandbox.ReadFS
	cache     *Cache
	localRoot bool
	// racyAfter: files modified after this instant are not cached, because a
	// second edit within the filesystem's timestamp granularity would leave
	// mtime unchanged (git's "racy clean" problem).
	racyAfter time.Time
	sha       hash.Hash
	buf       []byte
	hdr       []byte
}

func newHasher(fsys sandbox.ReadFS, c *Cache) *hasher {
	lc, ok := fsys.(LocalContext)
	return &hasher{
		fsys:      fsys,
		cache:     c,
		localRoot: ok && lc.IsLocalContext(),
		racyAfter: time.Now().Add(-2 * time.Second),
		sha:       sha256.New(),
	}
}

// top describes the source p, following it when it is a link and follow is
// set; a missing source is a *NotFoundError.
func (h *hasher) top(p string, follow bool) (fs.FileInfo, error) {
	fi, err := h.fsys.Lstat(p)
	if err == nil && follow && fi.Mode()&fs.ModeSymlink != 0 {
		fi, err = h.fsys.Stat(p)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil, &NotFoundError{Path: p, Err: err}
		}
		return nil, fmt.Errorf("checksum of %s: %w", p, err)
	}
	return fi, nil
}

// digest returns the digest of the entry at p described by fi (not followed
// if it is a link). When visit is set it is called with rel and the entry's
// own digest for p and everything below it.
func (h *hasher) digest(p string, fi fs.FileInfo, rel string, visit func(string, digest.Digest)) (digest.Digest, error) {
	mode := fi.Mode()
	switch {
	case mode.IsDir():
		return h.dir(p, fi, rel, visit)
	case mode&fs.ModeSymlink != 0:
		link, err := h.fsys.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("checksum of %s: %w", p, err)
		}
		d := headerDigest(fi, link)
		if visit != nil {
			visit(rel, d)
		}
		return d, nil
	case mode.IsRegular():
		d, err := h.file(p, fi)
		if err != nil {
			return "", err
		}
		if visit != nil {
			visit(rel, d)
		}
		return d, nil
	default:
		d := headerDigest(fi, "")
		if visit != nil {
			visit(rel, d)
		}
		return d, nil
	}
}

func (h *hasher) dir(p string, fi fs.FileInfo, rel string, visit func(string, digest.Digest)) (digest.Digest, error) {
	hdr := headerDigest(fi, "")
	if p == "/" && h.localRoot {
		hdr = emptyDigest
	}
	if visit != nil {
		visit(rel, hdr)
	}
	ents, err := h.fsys.ReadDir(p)
	if err != nil {
		return "", fmt.Errorf("checksum of %s: %w", p, err)
	}
	// BuildKit keys entries by path with "/" replaced by a NUL byte and
	// hashes a directory's radix-tree range: "\x00"+header, then
	// "\x00"+name+digest for each child in byte order.
	kids := make([]digest.Digest, len(ents))
	for i, de := range ents {
		cfi, err := de.Info()
		if err != nil {
			return "", fmt.Errorf("checksum of %s: %w", path.Join(p, de.Name()), err)
		}
		crel := ""
		if visit != nil {
			crel = de.Name()
			if rel != "." {
				crel = rel + "/" + de.Name()
			}
		}
		kids[i], err = h.digest(path.Join(p, de.Name()), cfi, crel, visit)
		if err != nil {
			return "", err
		}
	}
	s := sha256.New()
	io.WriteString(s, "\x00")
	io.WriteString(s, string(hdr))
	for i, de := range ents {
		io.WriteString(s, "\x00")
		io.WriteString(s, de.Name())
		io.WriteString(s, string(kids[i]))
	}
	return digest.NewDigest(digest.SHA256, s), nil
}

// file hashes a regular file's header and bytes, or takes the digest from
// the cache when every stat field still matches.
func (h *hasher) file(p string, fi fs.FileInfo) (digest.Digest, error) {
	h.hdr = header(h.hdr[:0], fi, "")
	var key *cacheKey
	if h.cache != nil {
		key = newCacheKey(fi, h.hdr)
		if d, ok := h.cache.get(p, key); ok {
			return d, nil
		}
	}
	h.sha.Reset()
	h.sha.Write(h.hdr)
	if fi.Size() > 0 {
		f, err := h.fsys.Open(p)
		if err != nil {
			return "", fmt.Errorf("checksum of %s: %w", p, err)
		}
		if h.buf == nil {
			h.buf = make([]byte, 256<<10)
		}
		// Read exactly the size the header states: it saves the read that
		// would only report EOF, and a file that shrinks meanwhile is an
		// error rather than a hash of a header that lies.
		n, err := io.CopyBuffer(h.sha, io.LimitReader(f, fi.Size()), h.buf)
		f.Close()
		if err == nil && n != fi.Size() {
			err = fmt.Errorf("file changed while hashing (%d of %d bytes)", n, fi.Size())
		}
		if err != nil {
			return "", fmt.Errorf("checksum of %s: %w", p, err)
		}
	}
	d := digest.NewDigest(digest.SHA256, h.sha)
	if key != nil && fi.ModTime().Before(h.racyAfter) {
		h.cache.put(p, key, d)
	}
	return d, nil
}

// splitWildcards splits a cleaned absolute pattern into the literal prefix
// and the part from the first segment with a wildcard on.
func splitWildcards(p string) (prefix, rest string) {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range segs {
		if containsWildcards(s) {
			return "/" + strings.Join(segs[:i], "/"), strings.Join(segs[i:], "/")
		}
	}
	return p, ""
}

// containsWildcards mirrors BuildKit: a backslash escapes the next byte.
func containsWildcards(name string) bool {
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '*', '?', '[':
			return true
		case '\\':
			i++
		}
	}
	return false
}
