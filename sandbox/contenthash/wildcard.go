package contenthash

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/layerlab/learn/sandbox"
	digest "github.com/opencontainers/go-digest"
)

// ChecksumWildcard hashes every match of a COPY source pattern such as
// "src/*.py": the path of each match relative to the pattern's literal prefix
// and its hash (a matched directory contributes its header and everything
// below it). Segments are matched one by one with path.Match, as Docker does.
// A pattern without wildcards is hashed like Checksum; a pattern that matches
// nothing hashes to sha256 of nothing, as in BuildKit, where COPY allows an
// empty wildcard.
func ChecksumWildcard(fsys sandbox.ReadFS, pattern string, opt Options) (digest.Digest, error) {
	p := clean(pattern)
	if !containsWildcards(p) {
		return Checksum(fsys, p, opt)
	}
	// Fail on a malformed pattern even when nothing would be compared with it.
	if _, err := path.Match(p, ""); err != nil {
		return "", fmt.Errorf("invalid COPY pattern %q: %w", pattern, err)
	}
	h := newHasher(fsys, opt.Cache)
	prefix, rest := splitWildcards(p)
	base, err := fsys.Stat(prefix)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return emptyDigest, nil
		}
		return "", fmt.Errorf("checksum of %s: %w", p, err)
	}
	if !base.IsDir() {
		return emptyDigest, nil
	}

	type item struct {
		rel string
		d   digest.Digest
	}
	var items []item
	add := func(full string, d digest.Digest) {
		rel := strings.TrimPrefix(full, strings.TrimSuffix(prefix, "/"))
		items = append(items, item{rel, d})
	}

	segs := strings.Split(rest, "/")
	var walk func(dir string, i int) error
	walk = func(dir string, i int) error {
		ents, err := fsys.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("checksum of %s: %w", dir, err)
		}
		for _, de := range ents {
			ok, err := path.Match(segs[i], de.Name())
			if err != nil {
				return fmt.Errorf("invalid COPY pattern %q: %w", pattern, err)
			}
			if !ok {
				continue
			}
			full := path.Join(dir, de.Name())
			if i < len(segs)-1 {
				// Only real directories: BuildKit matches against the
				// paths stored in its tree, which do not pass through links.
				if de.IsDir() {
					if err := walk(full, i+1); err != nil {
						return err
					}
				}
				continue
			}
			fi, err := de.Info()
			if err != nil {
				return fmt.Errorf("checksum of %s: %w", full, err)
			}
			if fi.Mode()&fs.ModeSymlink != 0 && opt.FollowLinks {
				// A matched link stands for its whole target.
				tfi, err := h.top(full, true)
				if err != nil {
					return err
				}
				d, err := h.digest(full, tfi, "", nil)
				if err != nil {
					return err
				}
				add(full, d)
				continue
			}
			// A matched directory contributes its header and each entry
			// below it, not its combined digest.
			_, err = h.digest(full, fi, full, func(entry string, d digest.Digest) {
				add(entry, d)
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(prefix, 0); err != nil {
		return "", err
	}

	switch {
	case len(items) == 0:
		return emptyDigest, nil
	case len(items) == 1 && path.Base(p) == path.Base(items[0].rel):
		return items[0].d, nil
	}
	s := sha256.New()
	for _, it := range items {
		k := strings.ReplaceAll(it.rel, "/", "\x00")
		if k == "" {
			k = "\x00"
		}
		io.WriteString(s, k)
		io.WriteString(s, string(it.d))
	}
	return digest.NewDigest(digest.SHA256, s), nil
}

func sortChanges(c []Change) {
	slices.SortFunc(c, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
}
