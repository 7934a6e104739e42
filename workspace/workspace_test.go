package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func testLessons() []Lesson {
	return []Lesson{
		{ID: "01-a", Files: fstest.MapFS{"README.md": {Data: []byte("one")}}},
		{ID: "02-b", Files: fstest.MapFS{"src/app.py": {Data: []byte("print(1)")}, "run.sh": {Data: []byte("echo")}}},
	}
}

func create(t *testing.T) *Workspace {
	t.Helper()
	w, err := Create(filepath.Join(t.TempDir(), "ws"), "embedded", testLessons())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestCreateAndFind(t *testing.T) {
	w := create(t)
	if _, err := os.Stat(filepath.Join(w.Root, "02-b", "src", "app.py")); err != nil {
		t.Fatalf("starter file not copied: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(w.Root, "02-b", "run.sh")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("run.sh should be executable: %v %v", fi.Mode(), err)
	}
	found, err := Find(filepath.Join(w.Root, "02-b", "src"))
	if err != nil || found.Root != w.Root {
		t.Fatalf("Find from a nested folder = %v, %v; want %s", found, err, w.Root)
	}
	if got := found.LessonAt(filepath.Join(w.Root, "02-b", "src")); got != "02-b" {
		t.Errorf("LessonAt = %q, want 02-b", got)
	}
	if got := found.LessonAt(w.Root); got != "" {
		t.Errorf("LessonAt(root) = %q, want empty", got)
	}
	if _, err := Find(t.TempDir()); !errors.Is(err, ErrNotWorkspace) {
		t.Errorf("Find outside = %v, want ErrNotWorkspace", err)
	}
	p, err := w.Progress(Position{}, "")
	if err != nil || p.Current != (Position{Lesson: "01-a", Step: 1}) || p.Pack != "embedded" {
		t.Fatalf("fresh progress = %+v, %v", p, err)
	}
}

func TestCreateRefusesToOverwrite(t *testing.T) {
	w := create(t)
	if _, err := Create(w.Root, "embedded", testLessons()); !errors.Is(err, ErrExists) {
		t.Errorf("second Create = %v, want ErrExists", err)
	}
	dir := filepath.Join(t.TempDir(), "ws")
	os.MkdirAll(filepath.Join(dir, "01-a"), 0o755)
	os.WriteFile(filepath.Join(dir, "01-a", "mine.txt"), []byte("keep"), 0o644)
	_, err := Create(dir, "embedded", testLessons())
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Create over a lesson folder = %v, want an 'already exists' error", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "01-a", "mine.txt")); string(b) != "keep" {
		t.Error("the learner's file was touched")
	}
}

func TestCorruptProgressIsKeptAndReplaced(t *testing.T) {
	w := create(t)
	os.WriteFile(w.ProgressPath(), []byte("{not json"), 0o644)
	p, err := w.Progress(Position{Lesson: "01-a", Step: 1}, "embedded")
	if err != nil {
		t.Fatal(err)
	}
	if p.Current.Lesson != "01-a" || !strings.Contains(w.Warning, "progress.json.corrupt") {
		t.Fatalf("got %+v, warning %q", p.Current, w.Warning)
	}
	if b, _ := os.ReadFile(w.ProgressPath() + ".corrupt"); string(b) != "{not json" {
		t.Errorf("damaged file not kept: %q", b)
	}
}

func TestMissingProgressWarns(t *testing.T) {
	w := create(t)
	os.Remove(w.ProgressPath())
	p, err := w.Progress(Position{Lesson: "01-a", Step: 1}, "embedded")
	if err != nil || p.Current.Step != 1 || !strings.Contains(w.Warning, "no progress file") {
		t.Fatalf("got %+v, %v, warning %q", p, err, w.Warning)
	}
}

func TestProgressFormatChecked(t *testing.T) {
	w := create(t)
	os.WriteFile(w.ProgressPath(), []byte(`{"format": 99}`), 0o644)
	if _, err := w.Progress(Position{Lesson: "01-a", Step: 1}, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Warning, "format 99") {
		t.Errorf("warning %q should name the unknown format", w.Warning)
	}
}

// Concurrent updates through Update must all land.
func TestUpdateLosesNothing(t *testing.T) {
	w := create(t)
	var wg sync.WaitGroup
	for i := 1; i <= 30; i++ {
		wg.Add(1)
		go func(step int) {
			defer wg.Done()
			if _, err := w.Update(Position{Lesson: "01-a", Step: 1}, "embedded", func(p *Progress) error {
				p.MarkDone("02-b", step)
				return nil
			}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	p, _ := w.Progress(Position{}, "")
	if n := p.DoneCount("02-b"); n != 30 {
		t.Fatalf("%d steps recorded, want 30", n)
	}
}

func TestResetKeepsBackup(t *testing.T) {
	w := create(t)
	mine := filepath.Join(w.Root, "02-b", "src", "app.py")
	os.WriteFile(mine, []byte("my edit"), 0o644)
	os.WriteFile(filepath.Join(w.Root, "02-b", "notes.txt"), []byte("extra"), 0o644)
	before, _ := os.Stat(filepath.Join(w.Root, "02-b"))
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	backup, err := w.Reset(testLessons()[1], now)
	if err != nil {
		t.Fatal(err)
	}
	// The folder is the same folder (a shell inside it stays valid), and
	// files the starter does not have are gone from it.
	after, _ := os.Stat(filepath.Join(w.Root, "02-b"))
	if !os.SameFile(before, after) {
		t.Error("the lesson folder was replaced, not refilled")
	}
	if _, err := os.Stat(filepath.Join(w.Root, "02-b", "notes.txt")); err == nil {
		t.Error("a file not in the starter survived the reset")
	}
	if b, _ := os.ReadFile(mine); string(b) != "print(1)" {
		t.Errorf("starter not restored: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(backup, "src", "app.py")); string(b) != "my edit" {
		t.Errorf("backup lost the learner's edit: %q", b)
	}
	// A second reset in the same second gets its own backup folder.
	backup2, err := w.Reset(testLessons()[1], now)
	if err != nil || backup2 == backup {
		t.Fatalf("second backup %q (%v) must differ from %q", backup2, err, backup)
	}
}

func TestMarkDone(t *testing.T) {
	var p Progress
	if !p.MarkDone("x", 3) || p.MarkDone("x", 3) {
		t.Fatal("MarkDone should report news once")
	}
	p.MarkDone("x", 1)
	if got := p.Lessons["x"].Done; len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("Done = %v, want sorted [1 3]", got)
	}
	if !p.StepDone("x", 1) || p.StepDone("y", 1) {
		t.Error("StepDone wrong")
	}
}
