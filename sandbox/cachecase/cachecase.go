package cachecase

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/layerlab/learn/sandbox/dockerfile"
	"github.com/layerlab/learn/sandbox/progress"
)

// BaseImage is the base image every case builds FROM.
const BaseImage = "learnbase:1"

// Tag is what each build is tagged.
const Tag = "cachecase"

// Engine is what the cases need of an engine.
type Engine interface {
	// Build runs `docker build --progress=plain` with args in dir and
	// returns its progress output; err is set when the build failed.
	Build(ctx context.Context, dir string, args []string) (plain string, err error)
	// Prune empties the build cache, so each case starts cold.
	Prune(ctx context.Context) error
	// Files lists the regular files, directories and links of an image's
	// root filesystem, sorted, as "/path mode" lines.
	Files(ctx context.Context, image string) ([]string, error)
}

// Case is one parsed case file.
type Case struct {
	Name    string
	Comment string
	Script  []Line
	Files   map[string][]byte // the build context
	Alts    map[string][]byte // @sections
}

// Line is one script command.
type Line struct {
	N    int
	Args []string
}

// Load reads every case in dir.
func Load(dir string) ([]*Case, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var cases []*Case
	for _, n := range names {
		c, err := Parse(n)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// Parse reads one case file.
func Parse(name string) (*Case, error) {
	a, err := txtar.ParseFile(name)
	if err != nil {
		return nil, err
	}
	c := &Case{Name: strings.TrimSuffix(filepath.Base(name), ".txtar"), Comment: string(a.Comment), Files: map[string][]byte{}, Alts: map[string][]byte{}}
	for _, f := range a.Files {
		switch {
		case f.Name == "script":
			for i, l := range strings.Split(string(f.Data), "\n") {
				l = strings.TrimSpace(l)
				if l == "" || strings.HasPrefix(l, "#") {
					continue
				}
				c.Script = append(c.Script, Line{N: i + 1, Args: strings.Fields(l)})
			}
		case strings.HasPrefix(f.Name, "@"):
			c.Alts[strings.TrimPrefix(f.Name, "@")] = f.Data
		default:
			c.Files[f.Name] = f.Data
		}
	}
	if len(c.Script) == 0 {
		return nil, fmt.Errorf("%s: no script section", name)
	}
	return c, nil
}

// Build is what one build of a case showed.
type Build struct {
	Line  int
	Steps []Step // Dockerfile order, FROM excluded
	Err   string
	Plain string
}

// Step is one step vertex of a build.
type Step struct {
	Name   string
	Cached bool
}

// Result is a whole case run on one engine.
type Result struct {
	Builds []Build
	Files  []string // the final image's files, after the last build
}

// Run plays the case against e in a fresh context folder under work and
// checks every expect line; the first failed expectation is the error.
func Run(ctx context.Context, e Engine, c *Case, work string) (*Result, error) {
	dir := filepath.Join(work, c.Name)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	for name, data := range c.Files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, err
		}
	}
	if err := e.Prune(ctx); err != nil {
		return nil, fmt.Errorf("%s: pruning the build cache: %v", c.Name, err)
	}
	res := &Result{}
	where := func(l Line) string { return fmt.Sprintf("%s:%d", c.Name, l.N) }
	for _, l := range c.Script {
		cmd, args := l.Args[0], l.Args[1:]
		switch cmd {
		case "build":
			// -f names a file of the case's context; both engines get its
			// absolute path (docker reads -f relative to its own cwd).
			args = append([]string(nil), args...)
			for i := 0; i+1 < len(args); i++ {
				if args[i] == "-f" {
					args[i+1] = filepath.Join(dir, args[i+1])
				}
			}
			plain, err := e.Build(ctx, dir, append([]string{"-t", Tag}, args...))
			b := Build{Line: l.N, Plain: plain}
			if err != nil {
				b.Err = err.Error() + "\n" + plain
			}
			steps, perr := steps(plain, filepath.Join(dir, "Dockerfile"))
			if perr != nil {
				return res, fmt.Errorf("%s: %v", where(l), perr)
			}
			b.Steps = steps
			res.Builds = append(res.Builds, b)
		case "expect":
			if len(res.Builds) == 0 {
				return res, fmt.Errorf("%s: expect before any build", where(l))
			}
			if err := expect(res.Builds[len(res.Builds)-1], args); err != nil {
				return res, fmt.Errorf("%s: %v", where(l), err)
			}
		default:
			if err := edit(dir, c, cmd, args); err != nil {
				return res, fmt.Errorf("%s: %v", where(l), err)
			}
		}
	}
	if n := len(res.Builds); n > 0 && res.Builds[n-1].Err == "" {
		files, err := e.Files(ctx, Tag)
		if err != nil {
			return res, fmt.Errorf("%s: listing the image's files: %v", c.Name, err)
		}
		res.Files = files
	}
	return res, nil
}

func expect(b Build, want []string) error {
	if len(want) >= 1 && want[0] == "error" {
		text := strings.Trim(strings.Join(want[1:], " "), `"`)
		if b.Err == "" {
			return fmt.Errorf("build succeeded, want an error mentioning %q", text)
		}
		if !strings.Contains(b.Err, text) {
			return fmt.Errorf("build failed without mentioning %q:\n%s", text, b.Err)
		}
		return nil
	}
	if b.Err != "" {
		return fmt.Errorf("build failed: %s", b.Err)
	}
	got := make([]string, len(b.Steps))
	for i, s := range b.Steps {
		got[i] = "ran"
		if s.Cached {
			got[i] = "cached"
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		return fmt.Errorf("steps were %s, want %s\n%s", describe(b.Steps), strings.Join(want, " "), b.Plain)
	}
	return nil
}

func describe(steps []Step) string {
	var parts []string
	for _, s := range steps {
		state := "ran"
		if s.Cached {
			state = "CACHED"
		}
		parts = append(parts, fmt.Sprintf("%q %s", s.Name, state))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// steps reads a build's step vertices, FROM excluded, in Dockerfile order
// (a real engine builds stages in parallel and interleaves them).
func steps(plain, dockerfilePath string) ([]Step, error) {
	vs, err := progress.ParsePlain(strings.NewReader(plain))
	if err != nil {
		return nil, err
	}
	stageOrder := map[string]int{}
	if src, err := os.ReadFile(dockerfilePath); err == nil {
		if df, err := dockerfile.Parse(src, "Dockerfile", nil); err == nil {
			for i, s := range df.Stages {
				stageOrder[s.DisplayName] = i
			}
		}
	}
	type keyed struct {
		stage, index int
		step         Step
	}
	var ks []keyed
	for _, v := range vs {
		if !v.Step() || strings.HasPrefix(v.Instruction(), "FROM ") {
			continue
		}
		stage, index := position(v.Name, stageOrder)
		ks = append(ks, keyed{stage, index, Step{Name: v.Name, Cached: v.Cached}})
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if ks[i].stage != ks[j].stage {
			return ks[i].stage < ks[j].stage
		}
		return ks[i].index < ks[j].index
	})
	out := make([]Step, len(ks))
	for i, k := range ks {
		out[i] = k.step
	}
	return out, nil
}

// position reads "[stage i/M]" into the stage's Dockerfile order and i.
func position(name string, stageOrder map[string]int) (int, int) {
	inner, _, _ := strings.Cut(strings.TrimPrefix(name, "["), "]")
	fields := strings.Fields(inner)
	stage := 0
	if len(fields) == 2 {
		stage = stageOrder[fields[0]]
	}
	num, _, _ := strings.Cut(fields[len(fields)-1], "/")
	i, _ := strconv.Atoi(strings.TrimSpace(num))
	return stage, i
}

func edit(dir string, c *Case, cmd string, args []string) error {
	need := func(n int) error {
		if len(args) < n {
			return fmt.Errorf("%s needs %d arguments", cmd, n)
		}
		return nil
	}
	p := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	switch cmd {
	case "touch":
		if err := need(1); err != nil {
			return err
		}
		// A time clearly different from the file's, so a cache that wrongly
		// keyed on mtime would miss.
		t := time.Now().Add(time.Hour)
		return os.Chtimes(p(args[0]), t, t)
	case "write", "append":
		if err := need(1); err != nil {
			return err
		}
		text := strings.Join(args[1:], " ") + "\n"
		if cmd == "write" {
			return os.WriteFile(p(args[0]), []byte(text), 0o644)
		}
		f, err := os.OpenFile(p(args[0]), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	case "chmod":
		if err := need(2); err != nil {
			return err
		}
		m, err := strconv.ParseUint(args[0], 8, 32)
		if err != nil {
			return err
		}
		return os.Chmod(p(args[1]), os.FileMode(m))
	case "rm":
		if err := need(1); err != nil {
			return err
		}
		return os.RemoveAll(p(args[0]))
	case "mv":
		if err := need(2); err != nil {
			return err
		}
		return os.Rename(p(args[0]), p(args[1]))
	case "mkdir":
		if err := need(1); err != nil {
			return err
		}
		return os.MkdirAll(p(args[0]), 0o755)
	case "use":
		if err := need(2); err != nil {
			return err
		}
		data, ok := c.Alts[args[1]]
		if !ok {
			return fmt.Errorf("no section @%s", args[1])
		}
		return os.WriteFile(p(args[0]), data, 0o644)
	}
	return fmt.Errorf("unknown command %q", cmd)
}
