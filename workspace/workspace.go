package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/layerlab/learn/atomicfile"
)

// StateDir is the folder inside a workspace where learn keeps its files.
const StateDir = ".learn"

const (
	progressFile = "progress.json"
	lockFile     = "lock"
	backupDir    = "backups"
)

// Workspace is an open workspace.
type Workspace struct {
	// Root is the workspace folder (absolute).
	Root string
	// Warning is set when the progress file was missing or damaged and a
	// fresh one is in use: callers show it once so the learner knows.
	Warning string
}

// ErrNotWorkspace is returned by Find outside any workspace.
var ErrNotWorkspace = errors.New("not in a learn workspace")

// Find returns the workspace containing dir (dir itself or a parent).
func Find(dir string) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, StateDir)); err == nil && fi.IsDir() {
			return &Workspace{Root: d}, nil
		}
		if filepath.Dir(d) == d {
			return nil, ErrNotWorkspace
		}
	}
}

// LessonDir is the folder holding lesson id's files.
func (w *Workspace) LessonDir(id string) string { return filepath.Join(w.Root, id) }

// LessonAt returns the lesson folder name when dir is inside one.
func (w *Workspace) LessonAt(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(w.Root, abs)
	if err != nil || rel == "." || rel == ".." || filepath.IsAbs(rel) || len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator) {
		return ""
	}
	first := rel
	if i := indexSep(rel); i >= 0 {
		first = rel[:i]
	}
	if first == StateDir {
		return ""
	}
	return first
}

func indexSep(s string) int {
	for i := 0; i < len(s); i++ {
		if os.IsPathSeparator(s[i]) {
			return i
		}
	}
	return -1
}

func (w *Workspace) statePath(name string) string { return filepath.Join(w.Root, StateDir, name) }

// ProgressPath is the progress file's path.
func (w *Workspace) ProgressPath() string { return w.statePath(progressFile) }

// Progress reads the progress file. A missing or damaged file is not fatal:
// the learner gets a fresh record starting at first, a warning in
// w.Warning, and a damaged file is kept beside it as progress.json.corrupt.
func (w *Workspace) Progress(first Position, pack string) (*Progress, error) {
	p, err := readProgress(w.ProgressPath())
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, fs.ErrNotExist):
		w.Warning = fmt.Sprintf("no progress file in %s; starting from the first lesson", filepath.Join(StateDir, progressFile))
	case errors.Is(err, ErrCorrupt):
		kept := w.ProgressPath() + ".corrupt"
		if rerr := os.Rename(w.ProgressPath(), kept); rerr != nil {
			return nil, fmt.Errorf("%s: %v (and it could not be moved aside: %v)", w.ProgressPath(), err, rerr)
		}
		w.Warning = fmt.Sprintf("%s could not be read (%v); kept it as %s and started a fresh record; your lesson files are untouched",
			filepath.Join(StateDir, progressFile), err, filepath.Join(StateDir, progressFile+".corrupt"))
	default:
		return nil, err
	}
	return &Progress{Format: ProgressVersion, Pack: pack, Current: first}, nil
}

// Peek reads the progress file as it is, repairing nothing: for callers
// that only want to know which pack the workspace uses.
func (w *Workspace) Peek() (*Progress, error) { return readProgress(w.ProgressPath()) }

// Update applies change to the progress under the workspace lock and
// writes the result atomically, so two learn processes lose nothing.
func (w *Workspace) Update(first Position, pack string, change func(*Progress) error) (*Progress, error) {
	unlock, err := atomicfile.Lock(w.statePath(lockFile))
	if err != nil {
		return nil, err
	}
	defer unlock()
	p, err := w.Progress(first, pack)
	if err != nil {
		return nil, err
	}
	if err := change(p); err != nil {
		return nil, err
	}
	return p, w.writeProgress(p)
}

func (w *Workspace) writeProgress(p *Progress) error {
	data, err := encodeProgress(p)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(w.ProgressPath(), data, 0o644)
}

// Lesson is what Create needs of a lesson: its id and starter files.
type Lesson struct {
	ID    string
	Files fs.FS
}

// ErrExists is returned when creating a workspace where one already is.
var ErrExists = errors.New("already a learn workspace")

// Create makes a workspace in dir: one folder per lesson holding its
// starter files, and a progress file pointing at the first lesson. dir may
// exist but must not already be a workspace, and no lesson folder in it may
// exist (nothing of the learner's is ever overwritten).
func Create(dir, pack string, lessons []Lesson) (*Workspace, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, StateDir)); err == nil {
		return nil, fmt.Errorf("%s: %w", dir, ErrExists)
	}
	for _, l := range lessons {
		if _, err := os.Lstat(filepath.Join(abs, l.ID)); err == nil {
			return nil, fmt.Errorf("%s already exists; choose an empty folder", filepath.Join(dir, l.ID))
		}
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, err
	}
	for _, l := range lessons {
		if err := CopyFS(filepath.Join(abs, l.ID), l.Files); err != nil {
			return nil, fmt.Errorf("copying starter files of %s: %w", l.ID, err)
		}
	}
	// The state folder comes last: a workspace exists only once it is whole.
	if err := os.MkdirAll(filepath.Join(abs, StateDir), 0o755); err != nil {
		return nil, err
	}
	w := &Workspace{Root: abs}
	first := Position{Step: 1}
	if len(lessons) > 0 {
		first.Lesson = lessons[0].ID
	}
	if err := w.writeProgress(&Progress{Pack: pack, Current: first}); err != nil {
		return nil, err
	}
	return w, nil
}

// Reset puts lesson l's starter files back. The learner's files are copied
// into .learn/backups/<id>-<time> first and that path is returned. The
// lesson folder itself stays (emptied and refilled), so a shell whose
// working directory is inside it keeps working.
func (w *Workspace) Reset(l Lesson, now time.Time) (backup string, err error) {
	dir := w.LessonDir(l.ID)
	if _, err := os.Lstat(dir); err == nil {
		stamp := now.UTC().Format("20060102-150405")
		backup = w.statePath(filepath.Join(backupDir, l.ID+"-"+stamp))
		for i := 2; ; i++ {
			if _, err := os.Lstat(backup); errors.Is(err, fs.ErrNotExist) {
				break
			}
			backup = w.statePath(filepath.Join(backupDir, fmt.Sprintf("%s-%s-%d", l.ID, stamp, i)))
		}
		if err := CopyFS(backup, os.DirFS(dir)); err != nil {
			return "", fmt.Errorf("keeping a backup of %s: %w", dir, err)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return backup, err
		}
		for _, e := range ents {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return backup, fmt.Errorf("clearing %s (your files are in %s): %w", dir, backup, err)
			}
		}
	}
	if err := CopyFS(dir, l.Files); err != nil {
		return backup, fmt.Errorf("restoring starter files of %s: %w", l.ID, err)
	}
	return backup, nil
}

// CopyFS copies the tree fsys into dir on the host (created), keeping the
// executable bit of files that have one.
func CopyFS(dir string, fsys fs.FS) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if fsys == nil {
		return nil
	}
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		// Embedded files carry no executable bit, so scripts are made
		// runnable by name as well.
		if fi, err := d.Info(); err == nil && fi.Mode().Perm()&0o111 != 0 || strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		return os.WriteFile(target, data, mode)
	})
}
