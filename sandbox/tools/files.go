package tools

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func fileTools() Registry {
	return Registry{
		"mkdir": mkdirTool, "rm": rmTool, "rmdir": rmdirTool, "cp": cpTool, "mv": mvTool,
		"touch": touchTool, "ln": lnTool, "basename": basenameTool, "dirname": dirnameTool,
		"pwd": pwdTool, "readlink": readlinkTool, "realpath": realpathTool,
	}
}

func mkdirTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "pm:v", long: []string{"parents/p", "mode:/m", "verbose/v"}})
	if !ok {
		return 1
	}
	parents, verbose := false, false
	modeSpec := ""
	for _, o := range opts {
		switch o.key {
		case "p":
			parents = true
		case "m":
			modeSpec = o.val
		case "v":
			verbose = true
		}
	}
	if len(rest) == 0 {
		p.usageError("missing operand")
		return 1
	}
	umask := uint32(p.Umask)
	final := 0o777 &^ umask
	explicit := false
	if modeSpec != "" {
		m, err := parseMode(modeSpec, 0o777, true, umask)
		if err != nil {
			p.Errorf("%s", err)
			return 1
		}
		final, explicit = m, true
	}
	status := 0
	made := func(shown string) {
		if verbose {
			fmt.Fprintf(p.Stdout, "mkdir: created directory %s\n", quote(shown))
		}
	}
	for _, arg := range rest {
		name := p.Abs(arg)
		if parents {
			// Make each missing ancestor so the error names the component
			// that failed, as GNU does; ancestors get u+wx like GNU.
			parts := strings.Split(strings.TrimPrefix(name, "/"), "/")
			cur := "/"
			shownParts := strings.Split(strings.TrimSuffix(arg, "/"), "/")
			failed := false
			for i, part := range parts {
				if part == "" {
					continue
				}
				cur = path.Join(cur, part)
				last := i == len(parts)-1
				fi, err := p.FS.Stat(cur)
				if err == nil {
					if !fi.IsDir() {
						p.Errorf("cannot create directory %s: %s", quote(shownPrefix(arg, shownParts, len(parts)-i-1)), "Not a directory")
						if last {
							p.Errorf("cannot create directory %s: File exists", quote(arg))
						}
						failed = true
						break
					}
					continue
				}
				mode := (0o777 &^ umask) | 0o300
				if last {
					mode = final
				}
				if err := p.FS.Mkdir(cur, fileMode(mode&0o777)); err != nil && !isErrno(err, syscall.EEXIST) {
					p.Errorf("cannot create directory %s: %s", quote(shownPrefix(arg, shownParts, len(parts)-i-1)), ErrText(err))
					failed = true
					break
				}
				if last && explicit {
					p.FS.Chmod(cur, fileMode(mode))
				}
				made(shownPrefix(arg, shownParts, len(parts)-i-1))
			}
			if failed {
				status = 1
			}
			continue
		}
		if err := p.FS.Mkdir(name, fileMode(final&0o777)); err != nil {
			p.Errorf("cannot create directory %s: %s", quote(arg), ErrText(err))
			status = 1
			continue
		}
		if explicit {
			// -m is not subject to the umask.
			p.FS.Chmod(name, fileMode(final))
		}
		made(arg)
	}
	return status
}

// shownPrefix drops the last n components from the name the user typed, so
// messages show "/data" for the failing ancestor of "/data/x".
func shownPrefix(arg string, parts []string, n int) string {
	if n <= 0 || n >= len(parts) {
		return strings.TrimSuffix(arg, "/")
	}
	s := strings.Join(parts[:len(parts)-n], "/")
	if s == "" {
		return "/"
	}
	return s
}

func rmTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "rRfivdI", long: []string{"recursive/r", "force/f", "verbose/v", "dir/d", "interactive::", "no-preserve-root", "preserve-root::", "one-file-system"}})
	if !ok {
		return 1
	}
	var recursive, force, verbose, dirOK, noPreserveRoot bool
	for _, o := range opts {
		switch o.key {
		case "r", "R":
			recursive = true
		case "f":
			force = true
		case "v":
			verbose = true
		case "d":
			dirOK = true
		case "no-preserve-root":
			noPreserveRoot = true
		}
	}
	if len(rest) == 0 {
		if force {
			return 0
		}
		p.usageError("missing operand")
		return 1
	}
	status := 0
	var remove func(name, shown string) bool
	remove = func(name, shown string) bool {
		if ctx.Err() != nil {
			return false
		}
		fi, err := p.FS.Lstat(name)
		if err != nil {
			if force && isErrno(err, syscall.ENOENT) {
				return true
			}
			p.Errorf("cannot remove %s: %s", quote(shown), ErrText(err))
			return false
		}
		if fi.IsDir() {
			if !recursive {
				if dirOK {
					if err := p.FS.Remove(name); err != nil {
						p.Errorf("cannot remove %s: %s", quote(shown), ErrText(err))
						return false
					}
					return true
				}
				p.Errorf("cannot remove %s: Is a directory", quote(shown))
				return false
			}
			ents, err := p.FS.ReadDir(name)
			if err != nil {
				p.Errorf("cannot remove %s: %s", quote(shown), ErrText(err))
				return false
			}
			ok := true
			for _, e := range ents {
				if !remove(path.Join(name, e.Name()), path.Join(shown, e.Name())) {
					ok = false
				}
			}
			if !ok {
				return false
			}
			if err := p.FS.Remove(name); err != nil {
				p.Errorf("cannot remove %s: %s", quote(shown), ErrText(err))
				return false
			}
			if verbose {
				fmt.Fprintf(p.Stdout, "removed directory %s\n", quote(shown))
			}
			return true
		}
		if err := p.FS.Remove(name); err != nil {
			if force && isErrno(err, syscall.ENOENT) {
				return true
			}
			p.Errorf("cannot remove %s: %s", quote(shown), ErrText(err))
			return false
		}
		if verbose {
			fmt.Fprintf(p.Stdout, "removed %s\n", quote(shown))
		}
		return true
	}
	for _, arg := range rest {
		name := p.Abs(arg)
		base := path.Base(strings.TrimRight(arg, "/"))
		if recursive && name == "/" && !noPreserveRoot {
			p.Errorf("it is dangerous to operate recursively on '/'")
			p.Errorf("use --no-preserve-root to override this failsafe")
			status = 1
			continue
		}
		if base == "." || base == ".." {
			p.Errorf("refusing to remove '.' or '..' directory: skipping %s", quote(arg))
			status = 1
			continue
		}
		if !remove(name, arg) {
			status = 1
		}
	}
	return status
}

func rmdirTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "pv", long: []string{"parents/p", "verbose/v", "ignore-fail-on-non-empty"}})
	if !ok {
		return 1
	}
	var parents, verbose, ignoreNonEmpty bool
	for _, o := range opts {
		switch o.key {
		case "p":
			parents = true
		case "v":
			verbose = true
		case "ignore-fail-on-non-empty":
			ignoreNonEmpty = true
		}
	}
	if len(rest) == 0 {
		p.usageError("missing operand")
		return 1
	}
	status := 0
	for _, arg := range rest {
		shown := strings.TrimRight(arg, "/")
		if shown == "" {
			shown = "/"
		}
		for {
			if err := p.FS.Remove(p.Abs(shown)); err != nil {
				if ignoreNonEmpty && isErrno(err, syscall.ENOTEMPTY) {
					break
				}
				// rmdir refuses files even though unlink would take them.
				if fi, serr := p.FS.Lstat(p.Abs(shown)); serr == nil && !fi.IsDir() {
					err = syscall.ENOTDIR
				}
				p.Errorf("failed to remove %s: %s", quote(shown), ErrText(err))
				status = 1
				break
			}
			if verbose {
				fmt.Fprintf(p.Stdout, "rmdir: removing directory, %s\n", quote(shown))
			}
			if !parents {
				break
			}
			d := path.Dir(shown)
			if d == shown || d == "." || d == "/" {
				break
			}
			shown = d
		}
	}
	return status
}

// copier holds cp's options; mv reuses it when a rename crosses mounts.
type copier struct {
	p                                   *Proc
	recursive, preserve, noDeref, force bool
	noClobber, verbose, ownership       bool
}

func (c *copier) copy(ctx context.Context, src, dst, shownSrc, shownDst string, top bool) bool {
	p := c.p
	if ctx.Err() != nil {
		return false
	}
	var fi fs.FileInfo
	var err error
	if c.noDeref {
		fi, err = p.FS.Lstat(src)
	} else {
		fi, err = p.FS.Stat(src)
	}
	if err != nil {
		p.Errorf("cannot stat %s: %s", quote(shownSrc), ErrText(err))
		return false
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := p.FS.Readlink(src)
		if err != nil {
			p.Errorf("cannot read symbolic link %s: %s", quote(shownSrc), ErrText(err))
			return false
		}
		if _, err := p.FS.Lstat(dst); err == nil {
			p.FS.Remove(dst)
		}
		if err := p.FS.Symlink(target, dst); err != nil {
			p.Errorf("cannot create symbolic link %s: %s", quote(shownDst), ErrText(err))
			return false
		}
		if c.ownership {
			o := ownerOf(fi)
			p.FS.Lchown(dst, o.UID, o.GID)
		}
		c.say(shownSrc, shownDst)
		return true
	}
	if fi.IsDir() {
		if !c.recursive {
			p.Errorf("-r not specified; omitting directory %s", quote(shownSrc))
			return false
		}
		if dst == src || strings.HasPrefix(dst, src+"/") {
			p.Errorf("cannot copy a directory, %s, into itself, %s", quote(shownSrc), quote(shownDst))
			return false
		}
		dfi, err := p.FS.Stat(dst)
		if err == nil && !dfi.IsDir() {
			p.Errorf("cannot overwrite non-directory %s with directory %s", quote(shownDst), quote(shownSrc))
			return false
		}
		created := false
		if err != nil {
			mode := fi.Mode().Perm() &^ p.Umask
			if err := p.FS.Mkdir(dst, mode|0o700); err != nil {
				p.Errorf("cannot create directory %s: %s", quote(shownDst), ErrText(err))
				return false
			}
			created = true
			c.say(shownSrc, shownDst)
		}
		ents, err := p.FS.ReadDir(src)
		if err != nil {
			p.Errorf("cannot access %s: %s", quote(shownSrc), ErrText(err))
			return false
		}
		ok := true
		for _, e := range ents {
			if !c.copy(ctx, path.Join(src, e.Name()), path.Join(dst, e.Name()), path.Join(shownSrc, e.Name()), path.Join(shownDst, e.Name()), false) {
				ok = false
			}
		}
		if c.preserve || created {
			mode := fi.Mode() &^ p.Umask
			if c.preserve {
				mode = fi.Mode()
			}
			p.FS.Chmod(dst, mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
		}
		c.finish(fi, dst)
		return ok
	}
	// Regular file (or device: its content is copied, as cp does without -a).
	if dfi, err := p.FS.Stat(dst); err == nil {
		if os.SameFile(fi, dfi) || dst == src {
			p.Errorf("%s and %s are the same file", quote(shownSrc), quote(shownDst))
			return false
		}
		if dfi.IsDir() {
			p.Errorf("cannot overwrite directory %s with non-directory", quote(shownDst))
			return false
		}
		if c.noClobber {
			return true
		}
	}
	in, err := p.FS.Open(src)
	if err != nil {
		p.Errorf("cannot open %s for reading: %s", quote(shownSrc), ErrText(err))
		return false
	}
	defer in.Close()
	mode := fi.Mode().Perm() &^ p.Umask
	out, err := p.FS.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil && c.force {
		p.FS.Remove(dst)
		out, err = p.FS.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	}
	if err != nil {
		p.Errorf("cannot create regular file %s: %s", quote(shownDst), ErrText(err))
		return false
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		p.Errorf("error writing %s: %s", quote(shownDst), ErrText(err))
		return false
	}
	if c.preserve {
		p.FS.Chmod(dst, fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
	}
	c.finish(fi, dst)
	c.say(shownSrc, shownDst)
	return true
}

func (c *copier) finish(fi fs.FileInfo, dst string) {
	if c.ownership {
		o := ownerOf(fi)
		c.p.FS.Lchown(dst, o.UID, o.GID)
	}
	if c.preserve {
		c.p.FS.Chtimes(dst, fi.ModTime(), fi.ModTime())
	}
}

func (c *copier) say(src, dst string) {
	if c.verbose {
		fmt.Fprintf(c.p.Stdout, "%s -> %s\n", quote(src), quote(dst))
	}
}

// targets works out cp/mv/ln's destination: with several sources (or -t)
// the last operand must be a directory.
func targets(p *Proc, rest []string, targetDir string, noTargetDir bool) (srcs []string, dir string, single string, ok bool) {
	if targetDir != "" {
		fi, err := p.FS.Stat(p.Abs(targetDir))
		if err != nil || !fi.IsDir() {
			p.Errorf("target directory %s: %s", quote(targetDir), errOr(err, "Not a directory"))
			return nil, "", "", false
		}
		return rest, targetDir, "", true
	}
	if len(rest) == 0 {
		p.usageError("missing file operand")
		return nil, "", "", false
	}
	if len(rest) == 1 {
		p.usageError("missing destination file operand after " + quote(rest[0]))
		return nil, "", "", false
	}
	last := rest[len(rest)-1]
	srcs = rest[:len(rest)-1]
	fi, err := p.FS.Stat(p.Abs(last))
	isDir := err == nil && fi.IsDir()
	if noTargetDir {
		if len(srcs) > 1 {
			p.usageError("extra operand " + quote(rest[2]))
			return nil, "", "", false
		}
		return srcs, "", last, true
	}
	if len(srcs) > 1 && !isDir {
		p.Errorf("target %s is not a directory", quote(last))
		return nil, "", "", false
	}
	if isDir {
		return srcs, last, "", true
	}
	return srcs, "", last, true
}

func errOr(err error, s string) string {
	if err != nil {
		return ErrText(err)
	}
	return s
}

func joinShown(dir, name string) string {
	base := path.Base(strings.TrimRight(name, "/"))
	if strings.HasSuffix(dir, "/") {
		return dir + base
	}
	return dir + "/" + base
}

func cpTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "rRapfinvdLPHt:T", long: []string{"recursive/R", "archive/a", "force/f", "no-clobber/n", "verbose/v", "no-dereference/P", "dereference/L", "preserve::", "no-preserve:", "target-directory:/t", "no-target-directory/T", "interactive/i", "update::", "parents"}})
	if !ok {
		return 1
	}
	c := &copier{p: p}
	derefSet := false
	targetDir, noTarget := "", false
	for _, o := range opts {
		switch o.key {
		case "r", "R":
			c.recursive = true
		case "a":
			c.recursive, c.preserve, c.noDeref = true, true, true
			c.ownership = p.Identity().IsRoot()
			derefSet = true
		case "p":
			c.preserve = true
			c.ownership = p.Identity().IsRoot()
		case "preserve":
			c.preserve = true
			c.ownership = p.Identity().IsRoot()
		case "f":
			c.force = true
		case "n":
			c.noClobber = true
		case "v":
			c.verbose = true
		case "d", "P":
			c.noDeref, derefSet = true, true
		case "L":
			c.noDeref, derefSet = false, true
		case "t":
			targetDir = o.val
		case "T":
			noTarget = true
		}
	}
	if c.recursive && !derefSet {
		// -R copies symlinks as symlinks unless -L is given.
		c.noDeref = true
	}
	srcs, dir, single, ok := targets(p, rest, targetDir, noTarget)
	if !ok {
		return 1
	}
	status := 0
	for _, s := range srcs {
		dst, shown := single, single
		if dir != "" {
			shown = joinShown(dir, s)
			dst = shown
		}
		src := p.Abs(s)
		// Command-line symlinks are followed unless -P/-d/-a (cp -r -H
		// semantics for the top level).
		if !c.copy(ctx, src, p.Abs(dst), s, shown, true) {
			status = 1
		}
	}
	return status
}

func mvTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "fivnt:Tu", long: []string{"force/f", "interactive/i", "verbose/v", "no-clobber/n", "target-directory:/t", "no-target-directory/T", "update::"}})
	if !ok {
		return 1
	}
	var verbose, noClobber bool
	targetDir, noTarget := "", false
	for _, o := range opts {
		switch o.key {
		case "v":
			verbose = true
		case "n":
			noClobber = true
		case "t":
			targetDir = o.val
		case "T":
			noTarget = true
		}
	}
	srcs, dir, single, ok := targets(p, rest, targetDir, noTarget)
	if !ok {
		return 1
	}
	status := 0
	for _, s := range srcs {
		dst, shown := single, single
		if dir != "" {
			shown = joinShown(dir, s)
			dst = shown
		}
		src, adst := p.Abs(s), p.Abs(dst)
		sfi, err := p.FS.Lstat(src)
		if err != nil {
			p.Errorf("cannot stat %s: %s", quote(s), ErrText(err))
			status = 1
			continue
		}
		if src == adst {
			p.Errorf("%s and %s are the same file", quote(s), quote(shown))
			status = 1
			continue
		}
		if sfi.IsDir() && strings.HasPrefix(adst, src+"/") {
			p.Errorf("cannot move %s to a subdirectory of itself, %s", quote(s), quote(shown))
			status = 1
			continue
		}
		if dfi, err := p.FS.Lstat(adst); err == nil {
			if noClobber {
				continue
			}
			if dfi.IsDir() && !sfi.IsDir() {
				p.Errorf("cannot overwrite directory %s with non-directory", quote(shown))
				status = 1
				continue
			}
			if !dfi.IsDir() && sfi.IsDir() {
				p.Errorf("cannot overwrite non-directory %s with directory %s", quote(shown), quote(s))
				status = 1
				continue
			}
		}
		err = p.FS.Rename(src, adst)
		if err != nil && isErrno(err, syscall.EXDEV) {
			// Across a volume boundary: copy, then remove, like mv does.
			c := &copier{p: p, recursive: true, preserve: true, noDeref: true, ownership: p.Identity().IsRoot()}
			if c.copy(ctx, src, adst, s, shown, true) {
				err = p.FS.RemoveAll(src)
			} else {
				status = 1
				continue
			}
		}
		if err != nil {
			p.Errorf("cannot move %s to %s: %s", quote(s), quote(shown), ErrText(err))
			status = 1
			continue
		}
		if verbose {
			fmt.Fprintf(p.Stdout, "renamed %s -> %s\n", quote(s), quote(shown))
		}
	}
	return status
}

func touchTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "acmd:r:t:h", long: []string{"no-create/c", "date:/d", "reference:/r", "time:", "no-dereference/h"}})
	if !ok {
		return 1
	}
	noCreate := false
	when := time.Now()
	for _, o := range opts {
		switch o.key {
		case "c":
			noCreate = true
		case "d":
			t, err := parseDate(o.val)
			if err != nil {
				p.Errorf("invalid date format %s", quote(o.val))
				return 1
			}
			when = t
		case "t":
			t, err := parseTouchStamp(o.val)
			if err != nil {
				p.Errorf("invalid date format %s", quote(o.val))
				return 1
			}
			when = t
		case "r":
			fi, err := p.FS.Stat(p.Abs(o.val))
			if err != nil {
				p.Errorf("failed to get attributes of %s: %s", quote(o.val), ErrText(err))
				return 1
			}
			when = fi.ModTime()
		}
	}
	if len(rest) == 0 {
		p.usageError("missing file operand")
		return 1
	}
	status := 0
	for _, arg := range rest {
		name := p.Abs(arg)
		if _, err := p.FS.Stat(name); err != nil {
			if noCreate {
				continue
			}
			f, err := p.FS.OpenFile(name, os.O_WRONLY|os.O_CREATE, 0o666&^p.Umask)
			if err != nil {
				p.Errorf("cannot touch %s: %s", quote(arg), ErrText(err))
				status = 1
				continue
			}
			f.Close()
		}
		if err := p.FS.Chtimes(name, when, when); err != nil {
			p.Errorf("setting times of %s: %s", quote(arg), ErrText(err))
			status = 1
		}
	}
	return status
}

// parseDate understands the date strings scripts pass to touch -d and
// date -d: @EPOCH, RFC 3339, "YYYY-MM-DD[ HH:MM[:SS]]", now.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "now" {
		return time.Now(), nil
	}
	if strings.HasPrefix(s, "@") {
		n, err := strconv.ParseFloat(s[1:], 64)
		if err != nil {
			return time.Time{}, err
		}
		return time.Unix(int64(n), 0), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02", "2006/01/02", time.RFC1123, time.UnixDate} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

// parseTouchStamp reads touch -t's [[CC]YY]MMDDhhmm[.ss].
func parseTouchStamp(s string) (time.Time, error) {
	sec := "00"
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, sec = s[:i], s[i+1:]
	}
	switch len(s) {
	case 8:
		s = strconv.Itoa(time.Now().Year()) + s
	case 10:
		s = "20" + s
	case 12:
	default:
		return time.Time{}, fmt.Errorf("bad stamp")
	}
	return time.ParseInLocation("200601021504.05", s+"."+sec, time.UTC)
}

func lnTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "sfnvrTt:LP", long: []string{"symbolic/s", "force/f", "no-dereference/n", "verbose/v", "relative/r", "no-target-directory/T", "target-directory:/t"}})
	if !ok {
		return 1
	}
	var symbolic, force, noDeref, verbose bool
	targetDir, noTarget := "", false
	for _, o := range opts {
		switch o.key {
		case "s":
			symbolic = true
		case "f":
			force = true
		case "n":
			noDeref = true
		case "v":
			verbose = true
		case "t":
			targetDir = o.val
		case "T":
			noTarget = true
		}
	}
	if len(rest) == 1 && targetDir == "" {
		// ln -s /x creates ./x.
		rest = append(rest, ".")
	}
	if targetDir == "" && len(rest) >= 2 && noDeref && !noTarget {
		// -n: a symlink to a directory as the last operand is replaced,
		// not entered.
		last := p.Abs(rest[len(rest)-1])
		if fi, err := p.FS.Lstat(last); err == nil && fi.Mode()&fs.ModeSymlink != 0 && len(rest) == 2 {
			noTarget = true
		}
	}
	srcs, dir, single, ok := targets(p, rest, targetDir, noTarget)
	if !ok {
		return 1
	}
	status := 0
	for _, s := range srcs {
		dst := single
		if dir != "" {
			dst = joinShown(dir, s)
		}
		adst := p.Abs(dst)
		if _, err := p.FS.Lstat(adst); err == nil && force {
			if err := p.FS.Remove(adst); err != nil {
				p.Errorf("cannot remove %s: %s", quote(dst), ErrText(err))
				status = 1
				continue
			}
		}
		var err error
		if symbolic {
			err = p.FS.Symlink(s, adst)
		} else {
			err = p.FS.Link(p.Abs(s), adst)
		}
		if err != nil {
			if symbolic {
				p.Errorf("failed to create symbolic link %s: %s", quote(dst), ErrText(err))
			} else if _, serr := p.FS.Lstat(p.Abs(s)); serr != nil {
				p.Errorf("failed to access %s: %s", quote(s), ErrText(serr))
			} else {
				p.Errorf("failed to create hard link %s => %s: %s", quote(dst), quote(s), ErrText(err))
			}
			status = 1
			continue
		}
		if verbose {
			arrow := "=>"
			if symbolic {
				arrow = "->"
			}
			fmt.Fprintf(p.Stdout, "%s %s %s\n", quote(dst), arrow, quote(s))
		}
	}
	return status
}

func basenameTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "as:z", long: []string{"multiple/a", "suffix:/s", "zero/z"}})
	if !ok {
		return 1
	}
	multiple, suffix, end := false, "", "\n"
	for _, o := range opts {
		switch o.key {
		case "a":
			multiple = true
		case "s":
			suffix, multiple = o.val, true
		case "z":
			end = "\x00"
		}
	}
	if len(rest) == 0 {
		p.usageError("missing operand")
		return 1
	}
	if !multiple {
		if len(rest) > 2 {
			p.usageError("extra operand " + quote(rest[2]))
			return 1
		}
		if len(rest) == 2 {
			suffix = rest[1]
		}
		rest = rest[:1]
	}
	for _, name := range rest {
		b := baseName(name)
		if suffix != "" && b != suffix && strings.HasSuffix(b, suffix) {
			b = strings.TrimSuffix(b, suffix)
		}
		fmt.Fprint(p.Stdout, b+end)
	}
	return 0
}

// baseName is POSIX basename: trailing slashes do not count, "/" stays "/".
func baseName(s string) string {
	if s == "" {
		return ""
	}
	t := strings.TrimRight(s, "/")
	if t == "" {
		return "/"
	}
	return t[strings.LastIndexByte(t, '/')+1:]
}

func dirName(s string) string {
	t := strings.TrimRight(s, "/")
	if t == "" {
		if s == "" {
			return "."
		}
		return "/"
	}
	i := strings.LastIndexByte(t, '/')
	if i < 0 {
		return "."
	}
	d := strings.TrimRight(t[:i], "/")
	if d == "" {
		return "/"
	}
	return d
}

func dirnameTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "z", long: []string{"zero/z"}})
	if !ok {
		return 1
	}
	end := "\n"
	if len(opts) > 0 {
		end = "\x00"
	}
	if len(rest) == 0 {
		p.usageError("missing operand")
		return 1
	}
	for _, r := range rest {
		fmt.Fprint(p.Stdout, dirName(r)+end)
	}
	return 0
}

func pwdTool(ctx context.Context, p *Proc) int {
	if _, _, ok := p.parseOpts(optSpec{short: "LP", long: []string{"logical/L", "physical/P"}}); !ok {
		return 1
	}
	dir := p.Dir
	if dir == "" {
		dir = "/"
	}
	fmt.Fprintln(p.Stdout, dir)
	return 0
}

// resolve follows every symlink in name (readlink -f); missing final
// components are allowed when allowMissing is set.
func (p *Proc) resolve(name string, allowMissing bool) (string, error) {
	name = p.Abs(name)
	parts := strings.Split(strings.TrimPrefix(name, "/"), "/")
	cur := "/"
	hops := 0
	for i := 0; i < len(parts); i++ {
		part := parts[i]
		if part == "" || part == "." {
			continue
		}
		if part == ".." {
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, part)
		fi, err := p.FS.Lstat(next)
		if err != nil {
			if allowMissing && i == len(parts)-1 {
				return next, nil
			}
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if hops++; hops > 40 {
				return "", syscall.ELOOP
			}
			target, err := p.FS.Readlink(next)
			if err != nil {
				return "", err
			}
			if path.IsAbs(target) {
				cur = "/"
			}
			parts = append(strings.Split(strings.TrimPrefix(target, "/"), "/"), parts[i+1:]...)
			i = -1
			continue
		}
		cur = next
	}
	return cur, nil
}

func readlinkTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "femnqsvz", long: []string{"canonicalize/f", "canonicalize-existing/e", "canonicalize-missing/m", "no-newline/n", "quiet/q", "silent/s", "verbose/v", "zero/z"}})
	if !ok {
		return 1
	}
	mode := ""
	end := "\n"
	for _, o := range opts {
		switch o.key {
		case "f", "e", "m":
			mode = o.key
		case "n":
			end = ""
		case "z":
			end = "\x00"
		}
	}
	if len(rest) == 0 {
		p.usageError("missing operand")
		return 1
	}
	status := 0
	for _, r := range rest {
		var out string
		var err error
		if mode == "" {
			out, err = p.FS.Readlink(p.Abs(r))
		} else {
			out, err = p.resolve(r, mode != "e")
		}
		if err != nil {
			status = 1
			continue
		}
		fmt.Fprint(p.Stdout, out+end)
	}
	return status
}

func realpathTool(ctx context.Context, p *Proc) int {
	_, rest, ok := p.parseOpts(optSpec{short: "emsqz", long: []string{"canonicalize-existing/e", "canonicalize-missing/m", "quiet/q", "strip/s", "no-symlinks/s", "zero/z"}})
	if !ok {
		return 1
	}
	status := 0
	for _, r := range rest {
		out, err := p.resolve(r, true)
		if err != nil {
			p.Errorf("%s: %s", r, ErrText(err))
			status = 1
			continue
		}
		fmt.Fprintln(p.Stdout, out)
	}
	return status
}
