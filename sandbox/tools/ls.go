package tools

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox/users"
)

func listTools() Registry {
	return Registry{"ls": lsTool, "stat": statTool}
}

// modeString renders a mode the way ls -l does (drwxr-sr-x, -rwsr-xr-x, t/T).
func modeString(m fs.FileMode) string {
	b := []byte("----------")
	switch {
	case m&fs.ModeDir != 0:
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) != 0 {
			b[i+1] = rwx[i]
		}
	}
	special := func(i int, set bool, lower, upper byte) {
		if !set {
			return
		}
		if b[i] == 'x' {
			b[i] = lower
		} else {
			b[i] = upper
		}
	}
	special(3, m&fs.ModeSetuid != 0, 's', 'S')
	special(6, m&fs.ModeSetgid != 0, 's', 'S')
	special(9, m&fs.ModeSticky != 0, 't', 'T')
	return string(b)
}

// humanSize is ls -h / du -h: one decimal below 10, rounded up like GNU.
func humanSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10)
	}
	units := "KMGTPE"
	v := float64(n)
	i := -1
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v < 10 {
		c := float64(int64(v*10+0.999999)) / 10
		if c >= 10 {
			return fmt.Sprintf("%d%c", int64(c), units[i])
		}
		return fmt.Sprintf("%.1f%c", c, units[i])
	}
	return fmt.Sprintf("%d%c", int64(v+0.999999), units[i])
}

type lsEntry struct {
	name   string // as shown
	full   string // path in the FS
	fi     fs.FileInfo
	target string
}

type lister struct {
	p                                *Proc
	long, all, almost, recursive     bool
	human, dirOnly, reverse, numeric bool
	sortTime, sortSize, classify     bool
	slashDirs, noOwner, noGroup      bool
	inode                            bool
	names                            *users.Names
	status                           int
	first                            bool
}

func lsTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "laARh1dtrSnFpCxgoiUGfv", long: []string{"all/a", "almost-all/A", "recursive/R", "human-readable/h", "directory/d", "reverse/r", "numeric-uid-gid/n", "classify/F", "color::", "group-directories-first", "full-time", "time-style:", "indicator-style:", "no-group/G", "inode/i"}})
	if !ok {
		return 2
	}
	l := &lister{p: p, first: true}
	for _, o := range opts {
		switch o.key {
		case "l":
			l.long = true
		case "a", "f":
			l.all = true
		case "A":
			l.almost = true
		case "R":
			l.recursive = true
		case "h":
			l.human = true
		case "d":
			l.dirOnly = true
		case "r":
			l.reverse = true
		case "t":
			l.sortTime = true
		case "S":
			l.sortSize = true
		case "n":
			l.long, l.numeric = true, true
		case "g":
			l.long, l.noOwner = true, true
		case "o":
			l.long, l.noGroup = true, true
		case "G":
			l.noGroup = true
		case "F":
			l.classify = true
		case "p":
			l.slashDirs = true
		case "i":
			l.inode = true
		case "1", "C", "x", "U", "v", "color", "group-directories-first", "time-style", "indicator-style":
			// Output is one name per line when not a terminal; colour and
			// layout options change nothing there.
		}
	}
	if l.long {
		l.names = users.LoadNames(p.FS)
	}
	if len(rest) == 0 {
		rest = []string{"."}
	}
	var files, dirs []lsEntry
	for _, r := range rest {
		full := p.Abs(r)
		fi, err := p.FS.Lstat(full)
		if err != nil {
			p.Errorf("cannot access %s: %s", quote(r), ErrText(err))
			l.status = 2
			continue
		}
		e := lsEntry{name: r, full: full, fi: fi}
		if fi.Mode()&fs.ModeSymlink != 0 {
			e.target, _ = p.FS.Readlink(full)
			// Command-line symlinks to directories are followed unless
			// -l, -d or -F asks about the link itself.
			if !l.long && !l.dirOnly && !l.classify {
				if sfi, err := p.FS.Stat(full); err == nil && sfi.IsDir() {
					e.fi = sfi
				}
			}
		}
		if e.fi.IsDir() && !l.dirOnly {
			dirs = append(dirs, e)
		} else {
			files = append(files, e)
		}
	}
	l.sortEntries(files)
	l.sortEntries(dirs)
	if len(files) > 0 {
		l.print(files, false)
		l.first = false
	}
	showHeader := len(rest) > 1 || l.recursive
	for _, d := range dirs {
		if ctx.Err() != nil {
			break
		}
		l.listDir(ctx, d.full, d.name, showHeader)
	}
	return l.status
}

func (l *lister) sortEntries(es []lsEntry) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		var less bool
		switch {
		case l.sortTime && !a.fi.ModTime().Equal(b.fi.ModTime()):
			less = a.fi.ModTime().After(b.fi.ModTime())
		case l.sortSize && a.fi.Size() != b.fi.Size():
			less = a.fi.Size() > b.fi.Size()
		default:
			less = a.name < b.name
		}
		if l.reverse {
			return !less
		}
		return less
	})
}

func (l *lister) listDir(ctx context.Context, full, shown string, header bool) {
	p := l.p
	ents, err := p.FS.ReadDir(full)
	if err != nil {
		p.Errorf("cannot open directory %s: %s", quote(shown), ErrText(err))
		l.status = 2
		return
	}
	if header {
		if !l.first {
			fmt.Fprintln(p.Stdout)
		}
		fmt.Fprintf(p.Stdout, "%s:\n", shown)
	}
	l.first = false
	var list []lsEntry
	if l.all {
		for _, dot := range []string{".", ".."} {
			fp := full
			if dot == ".." {
				fp = path.Dir(full)
			}
			if fi, err := p.FS.Stat(fp); err == nil {
				list = append(list, lsEntry{name: dot, full: fp, fi: fi})
			}
		}
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") && !l.all && !l.almost {
			continue
		}
		fp := path.Join(full, e.Name())
		fi, err := p.FS.Lstat(fp)
		if err != nil {
			p.Errorf("cannot access %s: %s", quote(path.Join(shown, e.Name())), ErrText(err))
			l.status = 1
			continue
		}
		le := lsEntry{name: e.Name(), full: fp, fi: fi}
		if fi.Mode()&fs.ModeSymlink != 0 {
			le.target, _ = p.FS.Readlink(fp)
		}
		list = append(list, le)
	}
	l.sortEntries(list)
	l.print(list, true)
	if l.recursive {
		for _, e := range list {
			if e.name == "." || e.name == ".." || !e.fi.IsDir() {
				continue
			}
			if ctx.Err() != nil {
				return
			}
			l.listDir(ctx, e.full, path.Join(shown, e.name), true)
		}
	}
}

func (l *lister) suffix(e lsEntry) string {
	m := e.fi.Mode()
	switch {
	case m.IsDir() && (l.classify || l.slashDirs):
		return "/"
	case !l.classify:
		return ""
	case m&fs.ModeSymlink != 0:
		if l.long {
			return ""
		}
		return "@"
	case m&fs.ModeNamedPipe != 0:
		return "|"
	case m&fs.ModeSocket != 0:
		return "="
	case m.IsRegular() && m&0o111 != 0:
		return "*"
	}
	return ""
}

func (l *lister) nlink(e lsEntry) int {
	n := ownerOf(e.fi).Nlink
	if e.fi.IsDir() && n <= 1 {
		// Filesystems that do not count directory links: compute the
		// Unix value (2 plus one per subdirectory).
		n = 2
		if ents, err := l.p.FS.ReadDir(e.full); err == nil {
			for _, c := range ents {
				if c.IsDir() {
					n++
				}
			}
		}
	}
	if n < 1 {
		n = 1
	}
	return n
}

func size(fi fs.FileInfo) int64 {
	if fi.IsDir() && fi.Size() == 0 {
		return 4096
	}
	if fi.Mode()&fs.ModeSymlink != 0 && fi.Size() == 0 {
		return 0
	}
	return fi.Size()
}

// blocks is the 1K-block count du and ls -s report for 4K-block filesystems.
func blocks(fi fs.FileInfo) int64 {
	if fi.Mode()&fs.ModeSymlink != 0 {
		return 0
	}
	s := size(fi)
	return (s + 4095) / 4096 * 4
}

func lsTime(t time.Time) string {
	now := time.Now()
	if t.After(now.AddDate(0, -6, 0)) && t.Before(now.Add(time.Hour)) {
		return t.Format("Jan _2 15:04")
	}
	return t.Format("Jan _2  2006")
}

func (l *lister) print(list []lsEntry, isDir bool) {
	p := l.p
	if !l.long {
		for _, e := range list {
			if l.inode {
				fmt.Fprintf(p.Stdout, "%d ", 0)
			}
			fmt.Fprintf(p.Stdout, "%s%s\n", e.name, l.suffix(e))
		}
		return
	}
	type row struct{ mode, links, owner, group, size, date, name string }
	rows := make([]row, 0, len(list))
	var total int64
	var wl, wo, wg, ws int
	for _, e := range list {
		o := ownerOf(e.fi)
		r := row{mode: modeString(e.fi.Mode()), links: strconv.Itoa(l.nlink(e)), date: lsTime(e.fi.ModTime())}
		if l.numeric {
			r.owner, r.group = strconv.Itoa(o.UID), strconv.Itoa(o.GID)
		} else {
			r.owner, r.group = l.names.UserName(o.UID), l.names.GroupName(o.GID)
		}
		m := e.fi.Mode()
		if m&fs.ModeDevice != 0 {
			r.size = fmt.Sprintf("%d, %d", o.Devmajor, o.Devminor)
		} else if l.human {
			r.size = humanSize(size(e.fi))
		} else {
			r.size = strconv.FormatInt(size(e.fi), 10)
		}
		r.name = e.name + l.suffix(e)
		if m&fs.ModeSymlink != 0 {
			r.name += " -> " + e.target
		}
		total += blocks(e.fi)
		wl, wo, wg, ws = max(wl, len(r.links)), max(wo, len(r.owner)), max(wg, len(r.group)), max(ws, len(r.size))
		rows = append(rows, r)
	}
	if isDir {
		if l.human {
			fmt.Fprintf(p.Stdout, "total %s\n", humanSize(total*1024))
		} else {
			fmt.Fprintf(p.Stdout, "total %d\n", total)
		}
	}
	for _, r := range rows {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %*s", r.mode, wl, r.links)
		if !l.noOwner {
			fmt.Fprintf(&b, " %-*s", wo, r.owner)
		}
		if !l.noGroup {
			fmt.Fprintf(&b, " %-*s", wg, r.group)
		}
		fmt.Fprintf(&b, " %*s %s %s\n", ws, r.size, r.date, r.name)
		fmt.Fprint(p.Stdout, b.String())
	}
}

// statTool supports the common `stat -c FORMAT` uses (%a %U %G %u %g %s %n
// %F %A) plus the default multi-line report.
func statTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "c:LfLt", long: []string{"format:/c", "printf:", "dereference/L"}})
	if !ok {
		return 1
	}
	format, follow := "", false
	for _, o := range opts {
		switch o.key {
		case "c", "printf":
			format = o.val
			if o.key == "c" {
				format += "\n"
			}
		case "L":
			follow = true
		}
	}
	if len(rest) == 0 {
		p.usageError("missing operand")
		return 1
	}
	names := users.LoadNames(p.FS)
	status := 0
	for _, r := range rest {
		var fi fs.FileInfo
		var err error
		if follow {
			fi, err = p.FS.Stat(p.Abs(r))
		} else {
			fi, err = p.FS.Lstat(p.Abs(r))
		}
		if err != nil {
			p.Errorf("cannot statx %s: %s", quote(r), ErrText(err))
			status = 1
			continue
		}
		o := ownerOf(fi)
		kind := "regular file"
		switch m := fi.Mode(); {
		case m.IsDir():
			kind = "directory"
		case m&fs.ModeSymlink != 0:
			kind = "symbolic link"
		case m.IsRegular() && fi.Size() == 0:
			kind = "regular empty file"
		}
		if format == "" {
			format = "  File: %N\n  Size: %s\tBlocks: %b\tIO Block: 4096\t%F\nAccess: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nModify: %y\n"
		}
		var b strings.Builder
		for i := 0; i < len(format); i++ {
			c := format[i]
			if c == '\\' && i+1 < len(format) && format[i+1] == 'n' {
				b.WriteByte('\n')
				i++
				continue
			}
			if c != '%' || i+1 >= len(format) {
				b.WriteByte(c)
				continue
			}
			i++
			width := ""
			for i < len(format) && (format[i] >= '0' && format[i] <= '9') {
				width += string(format[i])
				i++
			}
			if i >= len(format) {
				break
			}
			var v string
			switch format[i] {
			case 'a':
				v = strconv.FormatUint(uint64(unixMode(fi.Mode())), 8)
				if width != "" {
					n, _ := strconv.Atoi(width)
					v = fmt.Sprintf("%0*s", n, v)
				}
				width = ""
			case 'A':
				v = modeString(fi.Mode())
			case 'U':
				v = names.UserName(o.UID)
			case 'G':
				v = names.GroupName(o.GID)
			case 'u':
				v = strconv.Itoa(o.UID)
			case 'g':
				v = strconv.Itoa(o.GID)
			case 's':
				v = strconv.FormatInt(size(fi), 10)
			case 'b':
				v = strconv.FormatInt(blocks(fi)*2, 10)
			case 'n':
				v = r
			case 'N':
				v = quote(r)
				if fi.Mode()&fs.ModeSymlink != 0 {
					t, _ := p.FS.Readlink(p.Abs(r))
					v += " -> " + quote(t)
				}
			case 'F':
				v = kind
			case 'h':
				v = strconv.Itoa(o.Nlink)
			case 'y':
				v = fi.ModTime().Format("2006-01-02 15:04:05.000000000 -0700")
			case 'Y':
				v = strconv.FormatInt(fi.ModTime().Unix(), 10)
			case '%':
				v = "%"
			default:
				v = "?"
			}
			if width != "" {
				n, _ := strconv.Atoi(width)
				v = fmt.Sprintf("%*s", n, v)
			}
			b.WriteString(v)
		}
		fmt.Fprint(p.Stdout, b.String())
	}
	return status
}
