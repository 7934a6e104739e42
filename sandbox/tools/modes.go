package tools

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/users"
)

func modeTools() Registry {
	return Registry{"chmod": chmodTool, "chown": chownTool, "chgrp": chgrpTool}
}

// unixMode and fileMode convert between Go's fs.FileMode flags and the
// octal numbers people type (04755), since chmod and tar speak the latter.
func unixMode(m fs.FileMode) uint32 { return sandbox.UnixMode(m) }

func fileMode(u uint32) fs.FileMode { return sandbox.FileMode(u) }

// parseMode applies an octal or symbolic mode (u+x,go-w,a=r,+x,g=u) to old.
// umask matters only for clauses without a who letter, as in chmod(1).
func parseMode(spec string, old uint32, isDir bool, umask uint32) (uint32, error) {
	if spec == "" {
		return 0, fmt.Errorf("invalid mode: %s", quote(spec))
	}
	if spec[0] >= '0' && spec[0] <= '7' {
		n, err := strconv.ParseUint(spec, 8, 32)
		if err != nil || n > 0o7777 {
			return 0, fmt.Errorf("invalid mode: %s", quote(spec))
		}
		m := uint32(n)
		// GNU keeps a directory's setuid/setgid bits unless 5 digits
		// were given.
		if isDir && len(spec) < 5 {
			m |= old & 0o6000
		}
		return m, nil
	}
	cur := old
	for _, clause := range strings.Split(spec, ",") {
		i := 0
		var who uint32
		whoSet := false
		for i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0 {
			whoSet = true
			switch clause[i] {
			case 'u':
				who |= 0o4700
			case 'g':
				who |= 0o2070
			case 'o':
				who |= 0o1007
			case 'a':
				who |= 0o7777
			}
			i++
		}
		if !whoSet {
			who = 0o7777
		}
		if i >= len(clause) {
			return 0, fmt.Errorf("invalid mode: %s", quote(spec))
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, fmt.Errorf("invalid mode: %s", quote(spec))
			}
			i++
			var bits uint32
			// g=u style copies another class's bits.
			if i < len(clause) && strings.IndexByte("ugo", clause[i]) >= 0 {
				var src uint32
				switch clause[i] {
				case 'u':
					src = (cur >> 6) & 7
				case 'g':
					src = (cur >> 3) & 7
				case 'o':
					src = cur & 7
				}
				bits = src<<6 | src<<3 | src
				i++
			} else {
				for i < len(clause) && strings.IndexByte("rwxXst", clause[i]) >= 0 {
					switch clause[i] {
					case 'r':
						bits |= 0o444
					case 'w':
						bits |= 0o222
					case 'x':
						bits |= 0o111
					case 'X':
						if isDir || cur&0o111 != 0 {
							bits |= 0o111
						}
					case 's':
						bits |= 0o6000
					case 't':
						bits |= 0o1000
					}
					i++
				}
			}
			mask := who
			if !whoSet {
				mask &^= umask
			}
			bits &= mask
			switch op {
			case '+':
				cur |= bits
			case '-':
				cur &^= bits
			case '=':
				clearMask := who
				if isDir {
					// = leaves a directory's setuid/setgid alone, like GNU.
					clearMask &^= 0o6000
				}
				cur = cur&^clearMask | bits
			}
		}
	}
	return cur, nil
}

func looksLikeMode(a string) bool {
	if len(a) < 2 || a[0] != '-' {
		return false
	}
	for _, c := range a[1:] {
		if !strings.ContainsRune("rwxXstugoa+-=,0123456789", c) {
			return false
		}
	}
	return true
}

func chmodTool(ctx context.Context, p *Proc) int {
	var recursive, verbose, changes, quiet bool
	var rest []string
	reference := ""
	args := p.Args[1:]
	modeSeen := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case a == "-R" || a == "--recursive":
			recursive = true
		case a == "-v" || a == "--verbose":
			verbose = true
		case a == "-c" || a == "--changes":
			changes = true
		case a == "-f" || a == "--silent" || a == "--quiet":
			quiet = true
		case strings.HasPrefix(a, "--reference="):
			reference = strings.TrimPrefix(a, "--reference=")
			modeSeen = true
		case !modeSeen && looksLikeMode(a):
			// chmod -w file: a mode, not an option.
			rest = append(rest, a)
			modeSeen = true
		case len(a) > 1 && a[0] == '-' && !strings.HasPrefix(a, "--"):
			for _, c := range a[1:] {
				switch c {
				case 'R':
					recursive = true
				case 'v':
					verbose = true
				case 'c':
					changes = true
				case 'f':
					quiet = true
				default:
					p.usageError(fmt.Sprintf("invalid option -- '%c'", c))
					return 1
				}
			}
		case strings.HasPrefix(a, "--"):
			p.usageError("unrecognized option '" + a + "'")
			return 1
		default:
			if !modeSeen {
				modeSeen = true
			}
			rest = append(rest, a)
		}
	}
	var spec string
	if reference == "" {
		if len(rest) == 0 {
			p.usageError("missing operand")
			return 1
		}
		spec, rest = rest[0], rest[1:]
	} else {
		fi, err := p.FS.Stat(p.Abs(reference))
		if err != nil {
			p.Errorf("failed to get attributes of %s: %s", quote(reference), ErrText(err))
			return 1
		}
		spec = strconv.FormatUint(uint64(unixMode(fi.Mode())), 8)
	}
	if len(rest) == 0 {
		p.usageError("missing operand after " + quote(spec))
		return 1
	}
	status := 0
	var apply func(name, shown string, top bool)
	apply = func(name, shown string, top bool) {
		if ctx.Err() != nil {
			return
		}
		fi, err := p.FS.Lstat(name)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if !top {
				return // chmod never changes symlinks; -R skips them
			}
			fi, err = p.FS.Stat(name)
		}
		if err != nil {
			if !quiet {
				p.Errorf("cannot access %s: %s", quote(shown), ErrText(err))
			}
			status = 1
			return
		}
		old := unixMode(fi.Mode())
		m, err := parseMode(spec, old, fi.IsDir(), uint32(p.Umask))
		if err != nil {
			p.Errorf("%s", err)
			status = 1
			return
		}
		if err := p.FS.Chmod(name, fileMode(m)); err != nil {
			if !quiet {
				p.Errorf("changing permissions of %s: %s", quote(shown), ErrText(err))
			}
			status = 1
		} else if verbose || (changes && m != old) {
			if m != old {
				fmt.Fprintf(p.Stdout, "mode of %s changed from %04o (%s) to %04o (%s)\n", quote(shown), old, modeString(fileMode(old))[1:], m, modeString(fileMode(m))[1:])
			} else {
				fmt.Fprintf(p.Stdout, "mode of %s retained as %04o (%s)\n", quote(shown), m, modeString(fileMode(m))[1:])
			}
		}
		if recursive && fi.IsDir() {
			ents, err := p.FS.ReadDir(name)
			if err != nil {
				p.Errorf("cannot read directory %s: %s", quote(shown), ErrText(err))
				status = 1
				return
			}
			for _, e := range ents {
				apply(path.Join(name, e.Name()), path.Join(shown, e.Name()), false)
			}
		}
	}
	if _, err := parseMode(spec, 0, false, 0); err != nil {
		p.Errorf("%s", err)
		p.printf2("Try 'chmod --help' for more information.\n")
		return 1
	}
	for _, f := range rest {
		apply(p.Abs(f), f, true)
	}
	return status
}

// ownerSpec parses chown's OWNER[:GROUP] (also the old OWNER.GROUP form);
// uid or gid -1 means unchanged.
func parseOwnerSpec(names *users.Names, spec string) (uid, gid int, err error) {
	uid, gid = -1, -1
	u, g, hasSep := strings.Cut(spec, ":")
	if !hasSep {
		if uu, gg, ok := strings.Cut(spec, "."); ok {
			if _, known := names.UID(spec); !known {
				u, g, hasSep = uu, gg, true
			}
		}
	}
	if u != "" {
		id, ok := names.UID(u)
		if !ok {
			return 0, 0, fmt.Errorf("invalid user: %s", quote(spec))
		}
		uid = id
		if hasSep && g == "" {
			// "user:" means the user's login group.
			if ent, ok := names.User(u); ok {
				gid = ent.GID
			} else {
				for _, e := range names.Users() {
					if e.UID == id {
						gid = e.GID
					}
				}
			}
		}
	}
	if g != "" {
		id, ok := names.GID(g)
		if !ok {
			return 0, 0, fmt.Errorf("invalid group: %s", quote(spec))
		}
		gid = id
	}
	return uid, gid, nil
}

func chownTool(ctx context.Context, p *Proc) int { return ownTool(ctx, p, false) }
func chgrpTool(ctx context.Context, p *Proc) int { return ownTool(ctx, p, true) }

func ownTool(ctx context.Context, p *Proc, groupOnly bool) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "RhvcfHLP", long: []string{"recursive/R", "no-dereference/h", "verbose/v", "changes/c", "silent/f", "quiet/f", "dereference", "reference:", "from:"}})
	if !ok {
		return 1
	}
	var recursive, noDeref, verbose, quiet bool
	reference := ""
	for _, o := range opts {
		switch o.key {
		case "R":
			recursive = true
		case "h":
			noDeref = true
		case "v", "c":
			verbose = true
		case "f":
			quiet = true
		case "reference":
			reference = o.val
		}
	}
	names := users.LoadNames(p.FS)
	uid, gid := -1, -1
	if reference != "" {
		fi, err := p.FS.Stat(p.Abs(reference))
		if err != nil {
			p.Errorf("failed to get attributes of %s: %s", quote(reference), ErrText(err))
			return 1
		}
		o := ownerOf(fi)
		if !groupOnly {
			uid = o.UID
		}
		gid = o.GID
	} else {
		if len(rest) == 0 {
			p.usageError("missing operand")
			return 1
		}
		spec := rest[0]
		rest = rest[1:]
		if groupOnly {
			id, ok := names.GID(spec)
			if !ok {
				p.Errorf("invalid group: %s", quote(spec))
				return 1
			}
			gid = id
		} else {
			var err error
			uid, gid, err = parseOwnerSpec(names, spec)
			if err != nil {
				p.Errorf("%s", err)
				return 1
			}
		}
	}
	if len(rest) == 0 {
		p.usageError("missing operand after " + quote(p.Args[len(p.Args)-1]))
		return 1
	}
	status := 0
	var apply func(name, shown string, top bool)
	apply = func(name, shown string, top bool) {
		if ctx.Err() != nil {
			return
		}
		lfi, err := p.FS.Lstat(name)
		if err != nil {
			if !quiet {
				p.Errorf("cannot access %s: %s", quote(shown), ErrText(err))
			}
			status = 1
			return
		}
		isLink := lfi.Mode()&fs.ModeSymlink != 0
		follow := top && !noDeref && isLink
		fi := lfi
		if follow {
			if fi, err = p.FS.Stat(name); err != nil {
				if !quiet {
					p.Errorf("cannot dereference %s: %s", quote(shown), ErrText(err))
				}
				status = 1
				return
			}
		}
		o := ownerOf(fi)
		nu, ng := o.UID, o.GID
		if uid >= 0 {
			nu = uid
		}
		if gid >= 0 {
			ng = gid
		}
		if follow {
			err = p.FS.Chown(name, nu, ng)
		} else {
			err = p.FS.Lchown(name, nu, ng)
		}
		if err != nil {
			if !quiet {
				what := "ownership"
				if groupOnly {
					what = "group"
				}
				p.Errorf("changing %s of %s: %s", what, quote(shown), ErrText(err))
			}
			status = 1
		} else if verbose {
			if groupOnly {
				fmt.Fprintf(p.Stdout, "changed group of %s from %s to %s\n", quote(shown), names.GroupName(o.GID), names.GroupName(ng))
			} else {
				fmt.Fprintf(p.Stdout, "changed ownership of %s from %s:%s to %s:%s\n", quote(shown), names.UserName(o.UID), names.GroupName(o.GID), names.UserName(nu), names.GroupName(ng))
			}
		}
		if recursive && fi.IsDir() && !(isLink && !follow) {
			ents, err := p.FS.ReadDir(name)
			if err != nil {
				p.Errorf("cannot read directory %s: %s", quote(shown), ErrText(err))
				status = 1
				return
			}
			for _, e := range ents {
				apply(path.Join(name, e.Name()), path.Join(shown, e.Name()), false)
			}
		}
	}
	for _, f := range rest {
		apply(p.Abs(f), f, true)
	}
	return status
}

// ApplyMode applies an octal or symbolic chmod mode to old permission bits
// (umask -S style, so no umask filtering); the shell's umask builtin uses it.
func ApplyMode(spec string, old uint32) (uint32, error) {
	return parseMode(spec, old, false, 0)
}
