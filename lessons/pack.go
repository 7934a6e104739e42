package lessons

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The built-in pack. "all:" keeps starter files such as .dockerignore, .env
// and __pycache__/ that the lessons are about.
//
//go:embed all:[0-9][0-9]-*
var embedded embed.FS

// Pack is an ordered set of lessons read from one place.
type Pack struct {
	Source  string    // "embedded" or the directory path
	Lessons []*Lesson // sorted by ID
}

// Embedded returns the built-in pack. It is parsed on each call so callers
// may keep or change what they get.
func Embedded() (*Pack, error) {
	return load(embedded, "embedded", "lessons")
}

// LoadDir reads a pack from a folder on disk (learn --lessons DIR).
func LoadDir(dir string) (*Pack, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, &Error{File: dir, Msg: "cannot read lesson pack: " + errMsg(err)}
	}
	if !info.IsDir() {
		return nil, &Error{File: dir, Msg: "a lesson pack must be a folder"}
	}
	return load(os.DirFS(dir), dir, dir)
}

// Load reads a pack whose lesson folders sit at the root of fsys. source is
// recorded in the Pack and used to name files in errors.
func Load(fsys fs.FS, source string) (*Pack, error) {
	prefix := source
	if source == "embedded" {
		prefix = "lessons"
	}
	return load(fsys, source, prefix)
}

// load does the work; prefix is joined to paths inside fsys for messages.
func load(fsys fs.FS, source, prefix string) (*Pack, error) {
	name := func(elem ...string) string {
		if prefix == "lessons" || prefix == "" {
			return path.Join(append([]string{prefix}, elem...)...)
		}
		return filepath.Join(append([]string{prefix}, elem...)...)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, &Error{File: name(), Msg: "cannot read lesson pack: " + errMsg(err)}
	}
	pack := &Pack{Source: source}
	var errs []*Error
	for _, e := range entries {
		dir := e.Name()
		// Only NN-something folders are lessons; README.md, dot files and
		// helper folders such as assets/ are left alone.
		if !e.IsDir() || !startsWithNumber(dir) {
			continue
		}
		if !idPattern.MatchString(dir) {
			errs = append(errs, &Error{File: name(dir), Msg: `lesson folder name must look like "04-layer-caching": two digits, a dash, then lowercase letters, digits and dashes`})
			continue
		}
		l, err := loadLesson(fsys, dir, name(dir, "lesson.md"), name)
		if err != nil {
			errs = append(errs, asErrors(err)...)
			continue
		}
		pack.Lessons = append(pack.Lessons, l)
	}
	if len(errs) == 0 && len(pack.Lessons) == 0 {
		return nil, &Error{File: name(), Msg: "no lessons found: a pack holds folders named like 01-first-steps, each with a lesson.md"}
	}
	slices.SortFunc(pack.Lessons, func(a, b *Lesson) int { return cmp.Compare(a.ID, b.ID) })
	errs = append(errs, pack.validate()...)
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *Error) int {
			return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
		})
		if len(errs) == 1 {
			return nil, errs[0]
		}
		all := make([]error, len(errs))
		for i, e := range errs {
			all[i] = e
		}
		return nil, errors.Join(all...)
	}
	return pack, nil
}

func startsWithNumber(name string) bool {
	return len(name) >= 2 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9'
}

func loadLesson(fsys fs.FS, dir, file string, name func(...string) string) (*Lesson, error) {
	info, err := fs.Stat(fsys, dir+"/lesson.md")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{File: name(dir), Msg: "lesson folder has no lesson.md"}
	}
	if err == nil && info.IsDir() {
		return nil, &Error{File: file, Msg: "must be a file, not a folder"}
	}
	var src []byte
	if err == nil {
		src, err = fs.ReadFile(fsys, dir+"/lesson.md")
	}
	if err != nil {
		return nil, &Error{File: file, Msg: "cannot read: " + errMsg(err)}
	}
	l, err := Parse(file, src)
	if err != nil {
		return nil, err
	}
	if l.ID != dir {
		return nil, &Error{File: file, Line: idLine(src), Msg: fmt.Sprintf("id %q does not match its folder name %q", l.ID, dir)}
	}
	if l.Files, err = subdir(fsys, dir, "files", name); err != nil {
		return nil, err
	}
	if l.Solution, err = subdir(fsys, dir, "solution", name); err != nil {
		return nil, err
	}
	return l, nil
}

// subdir returns dir/sub as an FS, or an empty FS when it does not exist so
// callers can always walk Files and Solution.
func subdir(fsys fs.FS, dir, sub string, name func(...string) string) (fs.FS, error) {
	p := dir + "/" + sub
	info, err := fs.Stat(fsys, p)
	if errors.Is(err, fs.ErrNotExist) {
		return emptyFS{}, nil
	}
	if err != nil {
		return nil, &Error{File: name(dir, sub), Msg: "cannot read: " + errMsg(err)}
	}
	if !info.IsDir() {
		return nil, &Error{File: name(dir, sub), Msg: "must be a folder"}
	}
	return fs.Sub(fsys, p)
}

// idLine finds the "id:" line of the front matter for the folder mismatch
// message; Parse has already proved it exists.
func idLine(src []byte) int {
	for i, line := range strings.Split(string(src), "\n") {
		if i > 0 && strings.TrimSpace(line) == "---" {
			break
		}
		if k, _, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "id" {
			return i + 1
		}
	}
	return 0
}

// validate checks what only the whole pack can show: numbers and slugs are
// unique (both are accepted by Lesson) and prerequisites come earlier.
func (p *Pack) validate() []*Error {
	var errs []*Error
	index := map[string]int{}
	byNumber := map[string]*Lesson{}
	bySlug := map[string]*Lesson{}
	for i, l := range p.Lessons {
		if _, dup := index[l.ID]; dup {
			errs = append(errs, &Error{File: l.File, Line: 0, Msg: fmt.Sprintf("duplicate lesson id %q", l.ID)})
			continue
		}
		index[l.ID] = i
		if other, dup := byNumber[l.ID[:2]]; dup {
			errs = append(errs, &Error{File: l.File, Msg: fmt.Sprintf("lesson number %s is already used by %s", l.ID[:2], other.ID)})
		} else {
			byNumber[l.ID[:2]] = l
		}
		if other, dup := bySlug[l.Slug()]; dup {
			errs = append(errs, &Error{File: l.File, Msg: fmt.Sprintf("lesson name %q is already used by %s", l.Slug(), other.ID)})
		} else {
			bySlug[l.Slug()] = l
		}
	}
	for i, l := range p.Lessons {
		for _, pre := range l.Prerequisites {
			j, ok := index[pre]
			switch {
			case !ok:
				errs = append(errs, &Error{File: l.File, Line: l.prereqLine, Msg: fmt.Sprintf("prerequisite %q is not a lesson in this pack", pre)})
			case j >= i:
				errs = append(errs, &Error{File: l.File, Line: l.prereqLine, Msg: fmt.Sprintf("prerequisite %q comes after %s: a lesson can only build on earlier ones", pre, l.ID)})
			}
		}
	}
	return errs
}

// Lesson finds a lesson by its full id ("04-layer-caching"), its number ("4"
// or "04") or its slug ("layer-caching").
func (p *Pack) Lesson(id string) (*Lesson, error) {
	id = strings.TrimSpace(id)
	num, numErr := strconv.Atoi(id)
	isNum := numErr == nil && id != "" && id[0] != '+' && id[0] != '-'
	for _, l := range p.Lessons {
		if l.ID == id || l.Slug() == id || isNum && l.Number() == num {
			return l, nil
		}
	}
	ids := make([]string, len(p.Lessons))
	for i, l := range p.Lessons {
		ids[i] = l.ID
	}
	return nil, fmt.Errorf("unknown lesson %q; valid lessons: %s", id, strings.Join(ids, ", "))
}

func asErrors(err error) []*Error {
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return []*Error{{Msg: err.Error()}}
}

// errMsg drops the path that fs errors repeat, since Error already names it.
func errMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
