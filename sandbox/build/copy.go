package build

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/patternmatcher"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/contenthash"
	"github.com/layerlab/learn/sandbox/dockerfile"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/users"
)

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[") }

// source finds the filesystem a COPY reads: the build context, another
// stage's result, or an image. The id names it for memoised hashes.
func (r *stageRun) source(c *dockerfile.Copy) (sandbox.ReadFS, string, error) {
	if c.From == "" {
		return r.b.bctx, "context", nil
	}
	var s *state
	switch {
	case c.FromStage != nil:
		s = r.b.done[c.FromStage]
		if s == nil {
			return nil, "", fmt.Errorf("stage %s was not built", c.FromStage.DisplayName)
		}
	case c.FromImage != "":
		img := r.b.images[c.FromImage]
		if img == nil {
			return nil, "", fmt.Errorf("COPY --from=%s: image %s is not available", c.From, c.FromImage)
		}
		s = &state{layers: img.Layers, key: c.FromImage}
	default:
		return nil, "", fmt.Errorf("COPY --from=%s: no such stage or image", c.From)
	}
	fsys, err := r.b.materialize(s)
	if err != nil {
		return nil, "", err
	}
	return fsys.View(sandbox.Root), s.key, nil
}

func (r *stageRun) copyStep(cmd instructions.Command, c *dockerfile.Copy, name string) error {
	s := r.s
	op := "copy"
	keyword := "COPY"
	if c.Add {
		op, keyword = "add", "ADD"
	}
	if urls := c.URLs(); len(urls) > 0 {
		return r.b.df.NoNetworkError(c, urls[0])
	}
	if len(c.Sources)+len(c.Contents) > 1 && !strings.HasSuffix(c.Dest, "/") {
		return r.lineError(cmd, fmt.Sprintf("When using %s with more than one source file, the destination must be a directory and end with a /", keyword))
	}
	dest := c.Dest
	if !path.IsAbs(dest) {
		dest = path.Join(workdirOf(s), dest)
		if strings.HasSuffix(c.Dest, "/") || c.Dest == "." {
			dest += "/"
		}
	}
	var mode *fs.FileMode
	if c.Chmod != "" {
		m, err := strconv.ParseUint(c.Chmod, 8, 32)
		if err != nil || m > 0o7777 {
			return r.lineError(cmd, fmt.Sprintf("invalid chmod parameter: '%v'. it should be octal string and between 0 and 07777", c.Chmod))
		}
		fm := sandbox.FileMode(uint32(m))
		mode = &fm
	}
	srcFS, srcID, err := r.source(c)
	if err != nil {
		return r.lineError(cmd, err.Error())
	}
	if srcID == "context" {
		if err := r.b.loadContext(); err != nil {
			return err
		}
	}
	content, files, err := r.contentKey(srcFS, srcID, c)
	if err != nil {
		return r.failStep(cmd, name, err)
	}
	k := keyInput{Op: op, Parent: s.key, Sources: c.Sources, Dest: dest, Chown: c.Chown, Chmod: c.Chmod, Link: c.Link,
		Parents: c.Parents, Exclude: c.Exclude, Content: content, Platform: s.osName + "/" + s.arch}
	in := Inputs{Op: keyword, Parent: s.key, Dir: dest, Content: content, Files: files}
	return r.step(cmd, name, k, in, copyHistory(keyword, c), r.noCache, func(sc *stepCtx) error {
		owner := sandbox.Identity{}
		if c.Chown != "" {
			id, err := users.Lookup(sc.fs.View(sandbox.Root), c.Chown)
			if err != nil {
				return err
			}
			owner = id
		}
		cp := &copier{src: srcFS, dst: sc.fs.View(sandbox.Root), chown: c.Chown != "", owner: owner, mode: mode, add: c.Add}
		if len(c.Exclude) > 0 {
			pm, err := patternmatcher.New(c.Exclude)
			if err != nil {
				return err
			}
			cp.exclude = pm
		}
		for _, inline := range c.Contents {
			if err := cp.writeInline(dest, inline); err != nil {
				return err
			}
		}
		for _, src := range c.Sources {
			if err := cp.copySource(src, dest, c.Parents); err != nil {
				return err
			}
		}
		return nil
	})
}

func copyHistory(keyword string, c *dockerfile.Copy) string {
	var b strings.Builder
	b.WriteString(keyword)
	if c.Parents {
		b.WriteString(" --parents")
	}
	if c.Chown != "" {
		b.WriteString(" --chown=" + c.Chown)
	}
	if c.Chmod != "" {
		b.WriteString(" --chmod=" + c.Chmod)
	}
	for _, s := range c.Sources {
		b.WriteString(" " + s)
	}
	for _, s := range c.Contents {
		b.WriteString(" <<" + s.Path)
	}
	b.WriteString(" " + c.Dest + " # buildkit")
	return b.String()
}

// contentKey hashes the sources as BuildKit's contenthash does; for
// another stage's files the result is memoised in the cache records, since
// a state key fixes its content.
func (r *stageRun) contentKey(src sandbox.ReadFS, srcID string, c *dockerfile.Copy) (string, []contenthash.Entry, error) {
	h := sha256.New()
	var files []contenthash.Entry
	for _, sc := range c.Contents {
		fmt.Fprintf(h, "inline %s %d\n%s\n", sc.Path, len(sc.Data), sc.Data)
	}
	for _, p := range c.Sources {
		rel := path.Clean("/" + p)
		memo := ""
		if srcID != "context" {
			memo = "chash:" + srcID + ":" + rel
			if rec, ok, err := r.b.opt.Store.CacheGet(memo); err == nil && ok {
				var d string
				if json.Unmarshal(rec.Extra, &d) == nil && d != "" {
					fmt.Fprintf(h, "%s %s\n", rel, d)
					continue
				}
			}
		}
		var d string
		var err error
		opt := contenthash.Options{FollowLinks: true}
		if srcID == "context" {
			opt.Cache = r.b.opt.HashCache
		}
		if hasWildcard(rel) {
			dg, werr := contenthash.ChecksumWildcard(src, rel, opt)
			d, err = dg.String(), werr
		} else {
			dg, cerr := contenthash.Checksum(src, rel, opt)
			d, err = dg.String(), cerr
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", nil, fmt.Errorf("failed to compute cache key: failed to calculate checksum of ref: %q: not found", rel)
			}
			return "", nil, fmt.Errorf("failed to compute cache key: %w", err)
		}
		fmt.Fprintf(h, "%s %s\n", rel, d)
		if memo != "" {
			extra, _ := json.Marshal(d)
			if err := r.b.opt.Store.CachePut(memo, &store.CacheRecord{Key: memo, Extra: extra, Created: r.b.opt.Now(), LastUsed: r.b.opt.Now()}); err != nil {
				return "", nil, err
			}
		}
		if r.b.opt.Explain && srcID == "context" && !hasWildcard(rel) {
			if ents, err := contenthash.Entries(src, rel); err == nil {
				for _, e := range ents {
					e.Path = path.Join(rel, e.Path)
					files = append(files, e)
				}
			}
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), files, nil
}

// copier copies trees between sandbox filesystems with COPY's rules.
type copier struct {
	src     sandbox.ReadFS
	dst     sandbox.FS
	chown   bool
	owner   sandbox.Identity
	mode    *fs.FileMode
	add     bool
	exclude *patternmatcher.PatternMatcher
}

func (cp *copier) copySource(src, dest string, parents bool) error {
	rel := path.Clean("/" + src)
	var matches []string
	if hasWildcard(rel) {
		var err error
		matches, err = glob(cp.src, rel)
		if err != nil {
			return err
		}
		if len(matches) == 0 {
			return fmt.Errorf("failed to compute cache key: failed to calculate checksum of ref: %q: not found", rel)
		}
	} else {
		matches = []string{rel}
	}
	destIsDir := strings.HasSuffix(dest, "/") || len(matches) > 1
	if !destIsDir {
		if fi, err := cp.dst.Stat(dest); err == nil && fi.IsDir() {
			destIsDir = true
		}
	}
	for _, m := range matches {
		fi, err := cp.src.Stat(m) // the top-level source is followed
		if err != nil {
			return fmt.Errorf("failed to compute cache key: failed to calculate checksum of ref: %q: not found", m)
		}
		target := dest
		if parents {
			target = path.Join(dest, m)
		}
		if fi.IsDir() {
			if err := cp.mkdirAll(strings.TrimSuffix(target, "/"), fi); err != nil {
				return err
			}
			if err := cp.copyTree(m, strings.TrimSuffix(target, "/"), ""); err != nil {
				return err
			}
			continue
		}
		if destIsDir && !parents {
			target = path.Join(dest, path.Base(m))
		}
		if cp.add && isArchive(cp.src, m) {
			if err := cp.extract(m, strings.TrimSuffix(dest, "/")); err != nil {
				return err
			}
			continue
		}
		if err := cp.parentDirs(target); err != nil {
			return err
		}
		if err := cp.copyFile(m, target, fi); err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies the children of dir (a directory in src) into target.
func (cp *copier) copyTree(dir, target, rel string) error {
	ents, err := cp.src.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		sp := path.Join(dir, e.Name())
		r := path.Join(rel, e.Name())
		if cp.exclude != nil {
			if ok, _ := cp.exclude.MatchesOrParentMatches(r); ok {
				continue
			}
		}
		tp := path.Join(target, e.Name())
		fi, err := cp.src.Lstat(sp)
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			if err := cp.mkdir(tp, fi); err != nil {
				return err
			}
			if err := cp.copyTree(sp, tp, r); err != nil {
				return err
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			link, err := cp.src.Readlink(sp)
			if err != nil {
				return err
			}
			_ = cp.dst.RemoveAll(tp)
			if err := cp.dst.Symlink(link, tp); err != nil {
				return err
			}
			if err := cp.own(tp, fi, true); err != nil {
				return err
			}
		default:
			if err := cp.copyFile(sp, tp, fi); err != nil {
				return err
			}
		}
	}
	return nil
}

func (cp *copier) perm(fi fs.FileInfo) fs.FileMode {
	if cp.mode != nil {
		return *cp.mode
	}
	return fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
}

func (cp *copier) own(p string, fi fs.FileInfo, link bool) error {
	uid, gid := 0, 0
	if cp.chown {
		uid, gid = cp.owner.UID, cp.owner.GID
	} else if fi != nil {
		o := sandbox.OwnerOf(fi)
		uid, gid = o.UID, o.GID
	}
	if link {
		return cp.dst.Lchown(p, uid, gid)
	}
	return cp.dst.Chown(p, uid, gid)
}

func (cp *copier) mkdir(p string, fi fs.FileInfo) error {
	if existing, err := cp.dst.Lstat(p); err == nil && existing.IsDir() {
		return nil
	}
	if err := cp.dst.Mkdir(p, cp.perm(fi)); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if err := cp.dst.Chmod(p, cp.perm(fi)); err != nil {
		return err
	}
	if err := cp.own(p, fi, false); err != nil {
		return err
	}
	return cp.dst.Chtimes(p, fi.ModTime(), fi.ModTime())
}

func (cp *copier) mkdirAll(p string, fi fs.FileInfo) error {
	if p == "/" || p == "" {
		return nil
	}
	if err := cp.parentDirs(p); err != nil {
		return err
	}
	return cp.mkdir(p, fi)
}

// parentDirs creates missing parents of p (0755, owned like the copy).
func (cp *copier) parentDirs(p string) error {
	dir := path.Dir(p)
	if _, err := cp.dst.Stat(dir); err == nil {
		return nil
	}
	if err := cp.parentDirs(dir); err != nil {
		return err
	}
	if err := cp.dst.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if cp.chown {
		return cp.dst.Chown(dir, cp.owner.UID, cp.owner.GID)
	}
	return nil
}

func (cp *copier) copyFile(src, dst string, fi fs.FileInfo) error {
	if existing, err := cp.dst.Lstat(dst); err == nil && existing.IsDir() {
		return fmt.Errorf("cannot copy to non-directory: %s", dst)
	}
	in, err := cp.src.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	_ = cp.dst.Remove(dst)
	out, err := cp.dst.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, cp.perm(fi))
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := cp.dst.Chmod(dst, cp.perm(fi)); err != nil {
		return err
	}
	if err := cp.own(dst, fi, false); err != nil {
		return err
	}
	return cp.dst.Chtimes(dst, fi.ModTime(), fi.ModTime())
}

func (cp *copier) writeInline(dest string, sc instructions.SourceContent) error {
	target := dest
	if strings.HasSuffix(dest, "/") {
		target = path.Join(dest, sc.Path)
	}
	if err := cp.parentDirs(target); err != nil {
		return err
	}
	perm := fs.FileMode(0o644)
	if cp.mode != nil {
		perm = *cp.mode
	}
	out, err := cp.dst.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, sc.Data); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if cp.chown {
		return cp.dst.Chown(target, cp.owner.UID, cp.owner.GID)
	}
	return nil
}

// glob matches a wildcard source segment by segment, as COPY does.
func glob(fsys sandbox.ReadFS, pattern string) ([]string, error) {
	segs := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	cur := []string{"/"}
	for _, seg := range segs {
		var next []string
		for _, dir := range cur {
			if !hasWildcard(seg) {
				p := path.Join(dir, seg)
				if _, err := fsys.Lstat(p); err == nil {
					next = append(next, p)
				}
				continue
			}
			ents, err := fsys.ReadDir(dir)
			if err != nil {
				continue
			}
			for _, e := range ents {
				if ok, _ := path.Match(seg, e.Name()); ok {
					next = append(next, path.Join(dir, e.Name()))
				}
			}
		}
		cur = next
	}
	return cur, nil
}

// isArchive reports whether ADD should unpack p: a tar, optionally gzip or
// bzip2 compressed.
func isArchive(fsys sandbox.ReadFS, p string) bool {
	tr, closeFn, err := openArchive(fsys, p)
	if err != nil {
		return false
	}
	defer closeFn()
	_, err = tr.Next()
	return err == nil
}

func openArchive(fsys sandbox.ReadFS, p string) (*tar.Reader, func(), error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReader(f)
	head, _ := br.Peek(3)
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		r = gz
	case bytes.HasPrefix(head, []byte("BZh")):
		r = bzip2.NewReader(br)
	}
	return tar.NewReader(r), func() { f.Close() }, nil
}

// extract unpacks a local archive into dest, refusing entries that would
// leave it.
func (cp *copier) extract(p, dest string) error {
	tr, closeFn, err := openArchive(cp.src, p)
	if err != nil {
		return err
	}
	defer closeFn()
	if dest == "" {
		dest = "/"
	}
	if err := cp.mkdirAll(dest, dirInfo{}); err != nil {
		return err
	}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("unpacking %s: %w", p, err)
		}
		name := path.Clean("/" + h.Name)
		target := path.Join(dest, name)
		if err := cp.parentDirs(target); err != nil {
			return err
		}
		mode := fs.FileMode(h.Mode) & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		switch h.Typeflag {
		case tar.TypeDir:
			if _, err := cp.dst.Lstat(target); err != nil {
				if err := cp.dst.Mkdir(target, mode); err != nil {
					return err
				}
			}
		case tar.TypeSymlink:
			_ = cp.dst.RemoveAll(target)
			if err := cp.dst.Symlink(h.Linkname, target); err != nil {
				return err
			}
			continue
		case tar.TypeReg:
			out, err := cp.dst.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		default:
			continue
		}
		if err := cp.dst.Chmod(target, mode); err != nil {
			return err
		}
		uid, gid := h.Uid, h.Gid
		if cp.chown {
			uid, gid = cp.owner.UID, cp.owner.GID
		}
		if err := cp.dst.Chown(target, uid, gid); err != nil {
			return err
		}
		_ = cp.dst.Chtimes(target, h.ModTime, h.ModTime)
	}
}

// dirInfo describes a directory ADD creates for an archive's destination.
type dirInfo struct{}

func (dirInfo) Name() string       { return "" }
func (dirInfo) Size() int64        { return 0 }
func (dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o755 }
func (dirInfo) ModTime() time.Time { return time.Time{} }
func (dirInfo) IsDir() bool        { return true }
func (dirInfo) Sys() any           { return &sandbox.Owner{Nlink: 1} }
