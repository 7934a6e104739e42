package tools

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox/users"
)

func archiveTools() Registry {
	return Registry{"tar": tarTool}
}

type tarOpts struct {
	mode                     byte // c, x, t
	file, dir                string
	gzip, verbose, keepPerms bool
	noSameOwner, toStdout    bool
	strip                    int
	excludes                 []string
}

// tarArgs turns the traditional bundled form (tar czf out.tgz dir) into
// ordinary options, taking option values from the following words.
func tarArgs(args []string) []string {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return args
	}
	var out []string
	rest := args[1:]
	for _, c := range args[0] {
		if strings.ContainsRune("fCTXbN", c) && len(rest) > 0 {
			out = append(out, "-"+string(c), rest[0])
			rest = rest[1:]
			continue
		}
		out = append(out, "-"+string(c))
	}
	return append(out, rest...)
}

func tarTool(ctx context.Context, p *Proc) int {
	sub := *p
	sub.Args = append([]string{p.Args[0]}, tarArgs(p.Args[1:])...)
	opts, rest, ok := sub.parseOpts(optSpec{short: "cxtf:zvC:pOjJa", long: []string{
		"create/c", "extract/x", "get/x", "list/t", "file:/f", "gzip/z", "gunzip/z", "verbose/v",
		"directory:/C", "preserve-permissions/p", "same-permissions/p", "to-stdout/O", "exclude:",
		"strip-components:", "no-same-owner", "same-owner", "owner:", "group:", "numeric-owner",
		"overwrite", "no-overwrite-dir", "warning:", "mtime:", "sort:", "no-same-permissions", "auto-compress/a"}})
	if !ok {
		return 2
	}
	var o tarOpts
	for _, x := range opts {
		switch x.key {
		case "c", "x", "t":
			if o.mode != 0 && o.mode != x.key[0] {
				p.Errorf("You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option")
				p.printf2("Try 'tar --help' or 'tar --usage' for more information.\n")
				return 2
			}
			o.mode = x.key[0]
		case "f":
			o.file = x.val
		case "z":
			o.gzip = true
		case "j", "J":
			p.Errorf("bzip2/xz compression is not available in the embedded sandbox; use -z")
			return 2
		case "v":
			o.verbose = true
		case "C":
			o.dir = x.val
		case "p":
			o.keepPerms = true
		case "O":
			o.toStdout = true
		case "exclude":
			o.excludes = append(o.excludes, x.val)
		case "strip-components":
			o.strip, _ = strconv.Atoi(x.val)
		case "no-same-owner":
			o.noSameOwner = true
		}
	}
	if o.mode == 0 {
		p.Errorf("You must specify one of the '-Acdtrux', '--delete' or '--test-label' options")
		p.printf2("Try 'tar --help' or 'tar --usage' for more information.\n")
		return 2
	}
	if o.file == "" {
		o.file = "-"
	}
	switch o.mode {
	case 'c':
		return tarCreate(ctx, p, &o, rest)
	default:
		return tarRead(ctx, p, &o, rest)
	}
}

func fatalTar(p *Proc, format string, a ...any) int {
	p.Errorf(format, a...)
	p.Errorf("Error is not recoverable: exiting now")
	return 2
}

func tarCreate(ctx context.Context, p *Proc, o *tarOpts, members []string) int {
	if len(members) == 0 {
		p.Errorf("Cowardly refusing to create an empty archive")
		p.printf2("Try 'tar --help' or 'tar --usage' for more information.\n")
		return 2
	}
	var w io.Writer = p.Stdout
	if o.file != "-" {
		f, err := p.Create(o.file, false)
		if err != nil {
			return fatalTar(p, "%s: Cannot open: %s", o.file, ErrText(err))
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	var zw *gzip.Writer
	if o.gzip || strings.HasSuffix(o.file, ".gz") || strings.HasSuffix(o.file, ".tgz") {
		zw = gzip.NewWriter(bw)
		defer zw.Close()
		w = zw
	} else {
		w = bw
	}
	tw := tar.NewWriter(w)
	defer tw.Close()
	base := p.Dir
	if o.dir != "" {
		base = p.Abs(o.dir)
	}
	names := users.LoadNames(p.FS)
	status := 0
	warnedSlash := false
	var add func(full, name string) bool
	add = func(full, name string) bool {
		if ctx.Err() != nil {
			return false
		}
		for _, ex := range o.excludes {
			if globMatch(ex, baseName(name), false) || globMatch(ex, name, false) {
				return true
			}
		}
		fi, err := p.FS.Lstat(full)
		if err != nil {
			p.Errorf("%s: Cannot stat: %s", name, ErrText(err))
			status = 2
			return true
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			link, _ = p.FS.Readlink(full)
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			p.Errorf("%s: %s", name, err)
			status = 2
			return true
		}
		own := ownerOf(fi)
		hdr.Uid, hdr.Gid = own.UID, own.GID
		hdr.Uname, hdr.Gname = "", ""
		if n, ok := names.LookupUID(own.UID); ok {
			hdr.Uname = n
		}
		if n, ok := names.LookupGID(own.GID); ok {
			hdr.Gname = n
		}
		hdr.Mode = int64(unixMode(fi.Mode()))
		hdr.Format = tar.FormatGNU
		hdr.ModTime = fi.ModTime().Truncate(time.Second)
		hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
		hdr.Name = name
		if fi.IsDir() && !strings.HasSuffix(hdr.Name, "/") {
			hdr.Name += "/"
		}
		if o.verbose {
			fmt.Fprintln(p.Stderr, hdr.Name)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			p.Errorf("%s: %s", name, err)
			return false
		}
		if fi.Mode().IsRegular() {
			f, err := p.FS.Open(full)
			if err != nil {
				p.Errorf("%s: Cannot open: %s", name, ErrText(err))
				status = 2
				return true
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				p.Errorf("%s: Read error: %s", name, ErrText(err))
				return false
			}
		}
		if fi.IsDir() {
			ents, err := p.FS.ReadDir(full)
			if err != nil {
				p.Errorf("%s: Cannot open: %s", name, ErrText(err))
				status = 2
				return true
			}
			for _, e := range ents {
				child := strings.TrimSuffix(name, "/") + "/" + e.Name()
				if name == "." || name == "./" {
					child = "./" + e.Name()
				}
				if !add(path.Join(full, e.Name()), child) {
					return false
				}
			}
		}
		return true
	}
	for _, m := range members {
		full := m
		if !path.IsAbs(m) {
			full = path.Join(base, m)
		}
		name := m
		if strings.HasPrefix(name, "/") {
			if !warnedSlash {
				p.Errorf("Removing leading `/' from member names")
				warnedSlash = true
			}
			name = strings.TrimLeft(name, "/")
			if name == "" {
				name = "./"
			}
		}
		if !add(path.Clean(full), name) {
			return 2
		}
	}
	if status != 0 {
		p.Errorf("Exiting with failure status due to previous errors")
	}
	return status
}

func tarRead(ctx context.Context, p *Proc, o *tarOpts, members []string) int {
	var r io.Reader = p.stdin()
	if o.file != "-" {
		f, err := p.Open(o.file)
		if err != nil {
			return fatalTar(p, "%s: Cannot open: %s", o.file, ErrText(err))
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReader(r)
	// Detect gzip by its magic number, as GNU tar does, so -z is optional.
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fatalTar(p, "Child returned status 1")
		}
		defer zr.Close()
		r = zr
	} else {
		if o.gzip {
			p.Errorf("This does not look like a gzip archive... (sandbox: reading it as plain tar)")
		}
		r = br
	}
	tr := tar.NewReader(r)
	base := p.Dir
	if o.dir != "" {
		base = p.Abs(o.dir)
		if fi, err := p.FS.Stat(base); err != nil || !fi.IsDir() {
			return fatalTar(p, "%s: Cannot open: %s", o.dir, errOr(err, "Not a directory"))
		}
	}
	root := p.Identity().IsRoot()
	wanted := func(name string) bool {
		if len(members) == 0 {
			return true
		}
		clean := strings.TrimSuffix(name, "/")
		for _, m := range members {
			m = strings.TrimSuffix(m, "/")
			if clean == m || strings.HasPrefix(clean, m+"/") || globMatch(m, clean, false) {
				return true
			}
		}
		return false
	}
	status := 0
	seen := 0
	type dirFix struct {
		path string
		hdr  *tar.Header
	}
	var dirs []dirFix
	for {
		if ctx.Err() != nil {
			return 2
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if seen == 0 {
				p.Errorf("This does not look like a tar archive")
			} else {
				p.Errorf("Unexpected EOF in archive")
			}
			return fatalTar(p, "Exiting with failure status due to previous errors")
		}
		seen++
		name := hdr.Name
		if !wanted(name) {
			continue
		}
		skip := false
		for _, ex := range o.excludes {
			if globMatch(ex, baseName(name), false) || globMatch(ex, strings.TrimSuffix(name, "/"), false) {
				skip = true
			}
		}
		if skip {
			continue
		}
		if o.mode == 't' {
			if o.verbose {
				fmt.Fprintln(p.Stdout, tarListLine(hdr))
			} else {
				fmt.Fprintln(p.Stdout, name)
			}
			continue
		}
		if o.verbose {
			fmt.Fprintln(p.Stdout, name)
		}
		rel := strings.TrimLeft(path.Clean("/"+name), "/")
		if o.strip > 0 {
			parts := strings.Split(rel, "/")
			if len(parts) <= o.strip {
				continue
			}
			rel = strings.Join(parts[o.strip:], "/")
		}
		if rel == "" || rel == "." {
			continue
		}
		target := path.Join(base, rel)
		if o.toStdout {
			if hdr.Typeflag == tar.TypeReg {
				io.Copy(p.Stdout, tr)
			}
			continue
		}
		mode := fileMode(uint32(hdr.Mode) & 0o7777)
		if !root && !o.keepPerms {
			mode &^= p.Umask
		}
		p.FS.MkdirAll(path.Dir(target), 0o777&^p.Umask)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := p.FS.Mkdir(target, mode.Perm()|0o700); err != nil {
				if fi, serr := p.FS.Stat(target); serr != nil || !fi.IsDir() {
					p.Errorf("%s: Cannot mkdir: %s", name, ErrText(err))
					status = 2
					continue
				}
			}
			dirs = append(dirs, dirFix{target, hdr})
			continue
		case tar.TypeSymlink:
			p.FS.Remove(target)
			if err := p.FS.Symlink(hdr.Linkname, target); err != nil {
				p.Errorf("%s: Cannot create symlink to %s: %s", name, quote(hdr.Linkname), ErrText(err))
				status = 2
				continue
			}
			if root && !o.noSameOwner {
				p.FS.Lchown(target, hdr.Uid, hdr.Gid)
			}
			continue
		case tar.TypeLink:
			p.FS.Remove(target)
			if err := p.FS.Link(path.Join(base, strings.TrimLeft(path.Clean("/"+hdr.Linkname), "/")), target); err != nil {
				p.Errorf("%s: Cannot hard link to %s: %s", name, quote(hdr.Linkname), ErrText(err))
				status = 2
			}
			continue
		case tar.TypeReg, tar.TypeRegA:
		default:
			p.Errorf("%s: Cannot create special file in the embedded sandbox", name)
			status = 2
			continue
		}
		if fi, err := p.FS.Lstat(target); err == nil && !fi.IsDir() {
			p.FS.Remove(target)
		}
		f, err := p.FS.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode.Perm())
		if err != nil {
			p.Errorf("%s: Cannot open: %s", name, ErrText(err))
			status = 2
			continue
		}
		_, err = io.Copy(f, tr)
		f.Close()
		if err != nil {
			p.Errorf("%s: Cannot write: %s", name, ErrText(err))
			status = 2
			continue
		}
		p.FS.Chmod(target, mode)
		if root && !o.noSameOwner {
			p.FS.Lchown(target, hdr.Uid, hdr.Gid)
		}
		p.FS.Chtimes(target, hdr.ModTime, hdr.ModTime)
	}
	// Directory modes and times are set last so their children can be
	// written first, as tar does.
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		mode := fileMode(uint32(d.hdr.Mode) & 0o7777)
		if !root && !o.keepPerms {
			mode &^= p.Umask
		}
		p.FS.Chmod(d.path, mode)
		if root && !o.noSameOwner {
			p.FS.Lchown(d.path, d.hdr.Uid, d.hdr.Gid)
		}
		p.FS.Chtimes(d.path, d.hdr.ModTime, d.hdr.ModTime)
	}
	if status != 0 {
		p.Errorf("Exiting with failure status due to previous errors")
	}
	return status
}

// tarListLine is tar -tv's line: mode, owner/group, size, date, name.
func tarListLine(h *tar.Header) string {
	m := fileMode(uint32(h.Mode) & 0o7777)
	switch h.Typeflag {
	case tar.TypeDir:
		m |= fs.ModeDir
	case tar.TypeSymlink:
		m |= fs.ModeSymlink
	}
	owner := h.Uname
	if owner == "" {
		owner = strconv.Itoa(h.Uid)
	}
	group := h.Gname
	if group == "" {
		group = strconv.Itoa(h.Gid)
	}
	line := fmt.Sprintf("%s %s/%s %*d %s %s", modeString(m), owner, group, max(1, 19-len(owner)-len(group)), h.Size, h.ModTime.UTC().Format("2006-01-02 15:04"), h.Name)
	switch h.Typeflag {
	case tar.TypeSymlink:
		line += " -> " + h.Linkname
	case tar.TypeLink:
		line += " link to " + h.Linkname
	}
	return line
}
