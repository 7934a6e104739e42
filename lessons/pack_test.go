package lessons

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// lessonMD returns a valid lesson.md for id with the given prerequisites line
// (empty for none).
func lessonMD(id, prereqs string) string {
	fm := "---\nformat: 1\nid: " + id + "\ntitle: T\nsummary: S\n"
	if prereqs != "" {
		fm += "prerequisites: " + prereqs + "\n"
	}
	return fm + "---\n## Step\nText.\n"
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"empty pack", fstest.MapFS{}, "pack: no lessons found: a pack holds folders named like 01-first-steps, each with a lesson.md"},
		{"only non-lesson entries", fstest.MapFS{
			"README.md":            file("# My pack"),
			".git/config":          file(""),
			".01-hidden/lesson.md": file("not a lesson"),
			"assets/logo.txt":      file(""),
			"01-file-not-folder":   file(""),
		}, "pack: no lessons found: a pack holds folders named like 01-first-steps, each with a lesson.md"},
		{"folder without lesson.md", fstest.MapFS{
			"01-a/lesson.md":   file(lessonMD("01-a", "")),
			"02-b/files/x.txt": file(""),
			"02-b/notes.md":    file(""),
		}, "pack/02-b: lesson folder has no lesson.md"},
		{"bad folder name", fstest.MapFS{
			"01_Intro/lesson.md": file(lessonMD("01-intro", "")),
		}, `pack/01_Intro: lesson folder name must look like "04-layer-caching": two digits, a dash, then lowercase letters, digits and dashes`},
		{"id does not match folder", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-b", "")),
		}, `pack/01-a/lesson.md:3: id "01-b" does not match its folder name "01-a"`},
		{"invalid utf-8", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-a", "") + "caf\xe9\n"),
		}, "pack/01-a/lesson.md:9: not valid UTF-8 text (save the lesson file as UTF-8)"},
		{"parse error carries the path", fstest.MapFS{
			"01-a/lesson.md": file("---\nformat: 1\nid: 01-a\n"),
		}, `pack/01-a/lesson.md:1: front matter is never closed: add a "---" line after the last key`},
		{"duplicate number", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-a", "")),
			"01-b/lesson.md": file(lessonMD("01-b", "")),
		}, "pack/01-b/lesson.md: lesson number 01 is already used by 01-a"},
		{"duplicate slug", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-a", "")),
			"02-a/lesson.md": file(lessonMD("02-a", "")),
		}, `pack/02-a/lesson.md: lesson name "a" is already used by 01-a`},
		{"unknown prerequisite", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-a", "")),
			"02-b/lesson.md": file(lessonMD("02-b", "[01-a, 00-missing]")),
		}, `pack/02-b/lesson.md:6: prerequisite "00-missing" is not a lesson in this pack`},
		{"later prerequisite", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-a", "[02-b]")),
			"02-b/lesson.md": file(lessonMD("02-b", "")),
		}, `pack/01-a/lesson.md:6: prerequisite "02-b" comes after 01-a: a lesson can only build on earlier ones`},
		{"files is not a folder", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-a", "")),
			"01-a/files":     file("oops"),
		}, "pack/01-a/files: must be a folder"},
		{"solution is not a folder", fstest.MapFS{
			"01-a/lesson.md": file(lessonMD("01-a", "")),
			"01-a/solution":  file("oops"),
		}, "pack/01-a/solution: must be a folder"},
		{"lesson.md is a folder", fstest.MapFS{
			"01-a/lesson.md/x": file(""),
		}, "pack/01-a/lesson.md: must be a file, not a folder"},
		{"every error is reported, sorted by file", fstest.MapFS{
			"03-c/lesson.md": file(lessonMD("03-c", "[09-z]")),
			"02-b/lesson.md": file("no front matter"),
			"01-a/lesson.md": file(lessonMD("01-a", "")),
		}, "pack/02-b/lesson.md:1: a lesson must start with front matter: a \"---\" line, \"key: value\" lines, then \"---\"\n" +
			"pack/03-c/lesson.md:6: prerequisite \"09-z\" is not a lesson in this pack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(tt.fsys, "pack")
			if err == nil {
				t.Fatalf("Load succeeded with %d lessons, want error %q", len(p.Lessons), tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

// Folder names are unique on disk, so duplicate ids can only reach validate
// from a caller building a Pack by hand; it still must not accept them.
func TestValidateDuplicateID(t *testing.T) {
	a := &Lesson{ID: "01-a", File: "x/lesson.md"}
	b := &Lesson{ID: "01-a", File: "y/lesson.md"}
	errs := (&Pack{Lessons: []*Lesson{a, b}}).validate()
	if len(errs) != 1 || errs[0].Error() != `y/lesson.md: duplicate lesson id "01-a"` {
		t.Errorf("got %v", errs)
	}
}

func TestLoadIgnoresNonLessons(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md":                 file("# Pack"),
		".DS_Store":                 file(""),
		"assets/x.png":              file(""),
		"02-b/lesson.md":            file(lessonMD("02-b", "[01-a]")),
		"02-b/files/Dockerfile":     file("FROM scratch\n"),
		"02-b/solution/Dockerfile":  file("FROM busybox\n"),
		"01-a/lesson.md":            file(lessonMD("01-a", "")),
		"01-a/notes-for-teacher.md": file(""),
	}
	p, err := Load(fsys, "pack")
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != "pack" || len(p.Lessons) != 2 || p.Lessons[0].ID != "01-a" || p.Lessons[1].ID != "02-b" {
		t.Fatalf("got %+v", p)
	}
	if got := p.Lessons[1].File; got != filepath.Join("pack", "02-b", "lesson.md") {
		t.Errorf("File = %q", got)
	}
	b, err := fs.ReadFile(p.Lessons[1].Files, "Dockerfile")
	if err != nil || string(b) != "FROM scratch\n" {
		t.Errorf("Files/Dockerfile = %q, %v", b, err)
	}
	b, err = fs.ReadFile(p.Lessons[1].Solution, "Dockerfile")
	if err != nil || string(b) != "FROM busybox\n" {
		t.Errorf("Solution/Dockerfile = %q, %v", b, err)
	}
	// A lesson without files/ or solution/ gets empty, walkable file systems.
	for _, fsys := range []fs.FS{p.Lessons[0].Files, p.Lessons[0].Solution} {
		if err := fstest.TestFS(fsys); err != nil {
			t.Error(err)
		}
		n := 0
		fs.WalkDir(fsys, ".", func(string, fs.DirEntry, error) error { n++; return nil })
		if n != 1 {
			t.Errorf("walk of empty FS visited %d entries, want 1 (the root)", n)
		}
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		name = filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("01-a/lesson.md", lessonMD("01-a", ""))
	write("01-a/files/src/app.py", "print('hi')\n")
	p, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != dir || p.Lessons[0].File != filepath.Join(dir, "01-a", "lesson.md") {
		t.Errorf("Source %q, File %q", p.Source, p.Lessons[0].File)
	}
	if b, err := fs.ReadFile(p.Lessons[0].Files, "src/app.py"); err != nil || string(b) != "print('hi')\n" {
		t.Errorf("files/src/app.py = %q, %v", b, err)
	}

	write("02-b/lesson.md", lessonMD("02-b", "[01-a]")+"```check\n")
	_, err = LoadDir(dir)
	want := filepath.Join(dir, "02-b", "lesson.md") + ":10: code fence opened here is never closed (expected a line of ```)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}

	missing := filepath.Join(dir, "nope")
	if _, err := LoadDir(missing); err == nil || err.Error() != missing+": cannot read lesson pack: no such file or directory" {
		t.Errorf("missing dir: %v", err)
	}
	notDir := filepath.Join(dir, "01-a", "lesson.md")
	if _, err := LoadDir(notDir); err == nil || err.Error() != notDir+": a lesson pack must be a folder" {
		t.Errorf("file as pack: %v", err)
	}
}

var embeddedIDs = []string{
	"01-images-and-containers",
	"02-first-dockerfile",
	"03-build-context",
	"04-layer-caching",
	"05-running-containers",
	"06-volumes",
	"07-networks",
	"08-multi-stage-builds",
	"09-health-and-best-practices",
	"10-capstone-etl-pipeline",
}

func TestEmbedded(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != "embedded" {
		t.Errorf("Source = %q", p.Source)
	}
	var ids []string
	for _, l := range p.Lessons {
		ids = append(ids, l.ID)
	}
	if strings.Join(ids, " ") != strings.Join(embeddedIDs, " ") {
		t.Fatalf("ids = %v", ids)
	}
	for _, l := range p.Lessons {
		if want := "lessons/" + l.ID + "/lesson.md"; l.File != want {
			t.Errorf("File = %q, want %q", l.File, want)
		}
		if l.Title == "" || l.Summary == "" || l.Intro == "" || len(l.Outcomes) == 0 {
			t.Errorf("%s: title, summary, intro and outcomes are all expected", l.ID)
		}
		if l.ID != embeddedIDs[0] && len(l.Prerequisites) == 0 {
			t.Errorf("%s: no prerequisites", l.ID)
		}
		var files []string
		fs.WalkDir(l.Files, ".", func(name string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, name)
			}
			return err
		})
		if err := fstest.TestFS(l.Files, files...); err != nil {
			t.Errorf("%s files: %v", l.ID, err)
		}
	}
	// The written lessons: 3-6 steps, and every step with checks offers 2-3 hints.
	for _, l := range p.Lessons[:4] {
		if n := len(l.Steps); n < 3 || n > 6 {
			t.Errorf("%s: %d steps, want 3-6", l.ID, n)
		}
		checks := 0
		for _, s := range l.Steps {
			checks += len(s.Checks)
			if len(s.Checks) > 0 && (len(s.Hints) < 2 || len(s.Hints) > 3) {
				t.Errorf("%s step %d: %d hints, want 2-3", l.ID, s.Index, len(s.Hints))
			}
		}
		if checks == 0 {
			t.Errorf("%s: no check blocks", l.ID)
		}
	}
}

// TestEmbeddedFiles pins the project files the lessons talk about.
func TestEmbeddedFiles(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	read := func(fsys fs.FS, name string) string {
		t.Helper()
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Error(err)
		}
		return string(b)
	}
	for _, id := range []string{"02", "03", "04"} {
		l, _ := p.Lesson(id)
		for _, fsys := range []fs.FS{l.Files, l.Solution} {
			if got := read(fsys, "requirements.txt"); got != "pandas==2.3.3\n" {
				t.Errorf("%s requirements.txt = %q", l.ID, got)
			}
			if got := read(fsys, "src/pipeline.py"); !strings.Contains(got, "pd.DataFrame") {
				t.Errorf("%s src/pipeline.py = %q", l.ID, got)
			}
		}
	}
	l, _ := p.Lesson("02")
	for _, line := range strings.Split(read(l.Files, "Dockerfile"), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			t.Errorf("02 starter Dockerfile must hold only comments, has %q", line)
		}
	}
	if got := read(l.Solution, "Dockerfile"); !strings.Contains(got, `CMD ["python", "src/pipeline.py"]`) {
		t.Errorf("02 solution Dockerfile = %q", got)
	}
	l, _ = p.Lesson("03")
	for _, clutter := range []string{".env", "venv/pyvenv.cfg", "__pycache__/x.pyc", "data/sales.csv"} {
		read(l.Files, clutter)
	}
	if _, err := fs.Stat(l.Files, ".dockerignore"); err == nil {
		t.Error("03 starter must not have a .dockerignore")
	}
	read(l.Solution, ".dockerignore")
	l, _ = p.Lesson("04")
	starter, solution := read(l.Files, "Dockerfile"), read(l.Solution, "Dockerfile")
	if strings.Index(starter, "COPY src") > strings.Index(starter, "RUN pip install") {
		t.Error("04 starter must copy src/ before pip install")
	}
	if strings.Index(solution, "COPY src") < strings.Index(solution, "RUN pip install") {
		t.Error("04 solution must copy src/ after pip install")
	}
}

func TestLessonLookup(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"04-layer-caching", "4", "04", "004", "layer-caching", " 4 "} {
		l, err := p.Lesson(q)
		if err != nil || l.ID != "04-layer-caching" {
			t.Errorf("Lesson(%q) = %v, %v", q, l, err)
		}
	}
	if l, err := p.Lesson("10"); err != nil || l.ID != "10-capstone-etl-pipeline" {
		t.Errorf("Lesson(10) = %v, %v", l, err)
	}
	want := "; valid lessons: " + strings.Join(embeddedIDs, ", ")
	for _, q := range []string{"11", "0", "-4", "+4", "", "layer", "04-layer", "Layer-Caching"} {
		_, err := p.Lesson(q)
		if err == nil || err.Error() != `unknown lesson "`+strings.TrimSpace(q)+`"`+want {
			t.Errorf("Lesson(%q) error = %v", q, err)
		}
	}
}

func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}
