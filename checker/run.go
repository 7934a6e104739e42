package checker

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox/buildctx"
	"github.com/layerlab/learn/sandbox/dockerfile"
	"github.com/layerlab/learn/sandbox/progress"
)

// Engine is what checks need of a Docker engine: running docker commands.
// The embedded sandbox and a real engine both provide it.
type Engine interface {
	// Docker runs `docker ARGS` with dir as the working directory.
	Docker(ctx context.Context, dir string, args []string) (Outcome, error)
	// Script runs a learner's shell script whose docker commands go to
	// this engine, in dir.
	Script(ctx context.Context, dir, file string) (Outcome, error)
}

// ImageFiles is an optional Engine capability: the paths in an image.
type ImageFiles interface {
	ImageHas(ctx context.Context, image, path string) (bool, error)
}

// Outcome is what a command printed and its exit code.
type Outcome struct {
	Stdout, Stderr string
	Exit           int
}

// Result is one expectation's verdict.
type Result struct {
	Line  Line
	Pass  bool
	Want  string // what was expected, in words
	Saw   string // what was seen
	Steps []progress.Parsed
	// Why says, for each step of Steps that ran, what made it run.
	Why    map[string]string
	Points int
}

// Report is a whole script's run.
type Report struct {
	Results []Result
	// Failed is set when an action could not run at all (a missing file
	// to edit); the expectations after it are not checked.
	Failed string
}

// Passed reports whether every expectation passed.
func (r *Report) Passed() bool {
	if r.Failed != "" {
		return false
	}
	for _, res := range r.Results {
		if !res.Pass {
			return false
		}
	}
	return true
}

// state is what expectations look at: the last action's outcome and the
// last build's steps.
type state struct {
	last      Outcome
	ran       bool
	lastBuild []*progress.Parsed
	built     bool
	buildErr  string // the last build's error, if it failed
	why       map[string]string
	edited    []string // files the script edited since the last build
	builds    int
}

// Run plays a script in dir (a private copy of the learner's folder) on e.
func Run(ctx context.Context, e Engine, s *Script, dir string) *Report {
	rep := &Report{}
	st := &state{}
	for _, l := range s.Lines {
		if l.Kind == Action {
			if err := act(ctx, e, l, dir, st); err != nil {
				rep.Failed = fmt.Sprintf("%s:%d: %s: %v", l.File, l.N, l.Text, err)
				return rep
			}
			continue
		}
		res := expect(ctx, e, l, dir, st)
		res.Line = l
		if l.Neg {
			res.Pass = !res.Pass
			res.Want = "not: " + res.Want
		}
		if res.Pass {
			res.Points = l.Points
		}
		rep.Results = append(rep.Results, res)
	}
	return rep
}

func act(ctx context.Context, e Engine, l Line, dir string, st *state) error {
	switch l.Verb {
	case "docker":
		args := l.Args
		if args[0] == "build" {
			// Cache expectations read BuildKit's plain progress, which every
			// engine prints the same way.
			args = append([]string{"build", "--progress=plain"}, args[1:]...)
		}
		out, err := e.Docker(ctx, dir, args)
		if err != nil {
			return err
		}
		st.last, st.ran = out, true
		if args[0] == "build" {
			vs, _ := progress.ParsePlain(strings.NewReader(out.Stderr))
			st.lastBuild, st.built, st.buildErr = vs, true, ""
			st.why = explain(vs, st.edited, st.builds)
			st.edited, st.builds = nil, st.builds+1
			if out.Exit != 0 {
				st.buildErr = buildError(out.Stderr)
			}
		}
	case "run":
		out, err := e.Script(ctx, dir, l.Args[0])
		if err != nil {
			return err
		}
		st.last, st.ran = out, true
	case "edit":
		st.edited = append(st.edited, filepath.ToSlash(filepath.Clean(l.Args[0])))
		return edit(dir, l.Args)
	}
	return nil
}

// edit changes the private copy as a developer would.
func edit(dir string, a []string) error {
	name := filepath.Join(dir, filepath.FromSlash(a[0]))
	if rel, err := filepath.Rel(dir, name); err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s is outside the lesson folder", a[0])
	}
	switch a[1] {
	case "append", "prepend", "write":
		old, err := os.ReadFile(name)
		if err != nil && a[1] != "write" {
			return err
		}
		text := a[2] + "\n"
		switch a[1] {
		case "append":
			if len(old) > 0 && old[len(old)-1] != '\n' {
				text = "\n" + text
			}
			text = string(old) + text
		case "prepend":
			text = text + string(old)
		}
		os.MkdirAll(filepath.Dir(name), 0o755)
		return os.WriteFile(name, []byte(text), 0o644)
	case "replace":
		old, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if !strings.Contains(string(old), a[2]) {
			return fmt.Errorf("%q is not in %s", a[2], a[0])
		}
		return os.WriteFile(name, []byte(strings.Replace(string(old), a[2], a[3], 1)), 0o644)
	case "touch":
		now := timeNow()
		return os.Chtimes(name, now, now)
	case "chmod":
		m, _ := strconv.ParseUint(a[2], 8, 32)
		return os.Chmod(name, os.FileMode(m))
	case "rm":
		return os.RemoveAll(name)
	}
	return fmt.Errorf("unknown edit %q", a[1])
}

func expect(ctx context.Context, e Engine, l Line, dir string, st *state) Result {
	a := l.Args
	switch l.Verb {
	case "cached", "ran":
		if !st.built {
			return Result{Want: l.Verb + " " + a[0], Saw: "no build ran before this check"}
		}
		want := l.Verb == "cached"
		for _, v := range st.lastBuild {
			if v.Step() && strings.HasPrefix(v.Instruction(), a[0]) {
				saw := "ran"
				if v.Cached {
					saw = "CACHED"
				}
				verb := map[bool]string{true: "CACHED", false: "ran"}[want]
				return Result{Pass: v.Cached == want, Want: fmt.Sprintf("%q %s", a[0], verb), Saw: fmt.Sprintf("%s %s", v.Instruction(), saw), Steps: derefSteps(st.lastBuild), Why: st.why}
			}
		}
		saw := "no such step in the last build"
		if st.buildErr != "" {
			saw = "the build failed: " + st.buildErr
		}
		return Result{Want: fmt.Sprintf("a step starting %q", a[0]), Saw: saw, Steps: derefSteps(st.lastBuild)}
	case "exit":
		n, _ := strconv.Atoi(a[0])
		saw := fmt.Sprintf("exit code %d", st.last.Exit)
		if st.last.Exit != n {
			// The error message is what the learner needs next.
			if last := lastLine(st.last.Stderr); last != "" {
				saw += ", after: " + last
			}
		}
		return Result{Pass: st.ran && st.last.Exit == n, Want: "exit code " + a[0], Saw: saw}
	case "stdout", "stderr":
		text := st.last.Stdout
		if l.Verb == "stderr" {
			text = st.last.Stderr
		}
		r := matchOutput(l.Verb, a[0], a[1], text)
		if !r.Pass && l.Verb == "stdout" && st.last.Exit != 0 {
			// Nothing printed because the command failed: say why.
			if last := lastLine(st.last.Stderr); last != "" {
				r.Saw += ", and the command failed with: " + last
			}
		}
		return r
	case "image":
		return expectImage(ctx, e, a)
	case "context":
		c, err := buildctx.Open(dir, "Dockerfile")
		if err != nil {
			return Result{Want: "a build context", Saw: err.Error()}
		}
		defer c.Close()
		excluded := c.Excluded(strings.TrimPrefix(a[1], "/"))
		want := a[0] == "excludes"
		saw := map[bool]string{true: a[1] + " is excluded by .dockerignore", false: a[1] + " is sent with the context"}[excluded]
		return Result{Pass: excluded == want, Want: fmt.Sprintf("the context %s %s", a[0], a[1]), Saw: saw}
	case "dockerfile":
		return expectDockerfile(dir, a)
	case "lint":
		return expectLint(dir, a)
	case "container":
		return expectContainer(ctx, e, dir, a[0], a[1])
	case "volume":
		want := fmt.Sprintf("volume %s holds %s", a[0], a[2])
		out, err := e.Docker(ctx, dir, []string{"volume", "inspect", "--format", "{{.Mountpoint}}", a[0]})
		if err != nil || out.Exit != 0 {
			return Result{Want: want, Saw: "no volume named " + a[0]}
		}
		_, serr := os.Lstat(filepath.Join(strings.TrimSpace(out.Stdout), filepath.FromSlash(a[2])))
		return Result{Pass: serr == nil, Want: want, Saw: map[bool]string{true: "it does", false: "it does not"}[serr == nil]}
	case "file":
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(a[0])))
		if err != nil {
			return Result{Want: fmt.Sprintf("%s contains %q", a[0], a[2]), Saw: a[0] + " does not exist"}
		}
		return Result{Pass: strings.Contains(string(data), a[2]), Want: fmt.Sprintf("%s contains %q", a[0], a[2]), Saw: excerpt(string(data))}
	}
	return Result{Want: l.Text, Saw: "not a known expectation"}
}

// explain says why each step of a build ran: the first build has no
// cache; the first step to run in a stage ran because of what changed
// (a file the script edited that it copies, or its own instruction or
// environment); every later step of the stage runs because its cache key
// includes the step before it.
func explain(vs []*progress.Parsed, edited []string, builds int) map[string]string {
	why := map[string]string{}
	cascading := map[string]bool{}
	for _, v := range vs {
		if !v.Step() || v.Cached || strings.HasPrefix(v.Instruction(), "FROM ") {
			continue
		}
		stage := stageOf(v.Name)
		switch {
		case builds == 0:
			why[v.Name] = "the first build: nothing was cached yet"
		case cascading[stage]:
			why[v.Name] = "a step before it ran, and each step's cache key includes the one before it (the cascade)"
		default:
			why[v.Name] = firstCause(v.Instruction(), edited)
		}
		cascading[stage] = true
	}
	return why
}

func stageOf(name string) string {
	inner, _, _ := strings.Cut(strings.TrimPrefix(name, "["), "]")
	if f := strings.Fields(inner); len(f) == 2 {
		return f[0]
	}
	return ""
}

// firstCause explains the first step of a stage that ran.
func firstCause(instr string, edited []string) string {
	keyword, rest, _ := strings.Cut(instr, " ")
	switch keyword {
	case "COPY", "ADD":
		var srcs []string
		for _, f := range strings.Fields(rest) {
			if !strings.HasPrefix(f, "--") {
				srcs = append(srcs, f)
			}
		}
		if len(srcs) > 1 {
			srcs = srcs[:len(srcs)-1] // the last word is the destination
		}
		for _, e := range edited {
			for _, s := range srcs {
				s = strings.TrimSuffix(strings.TrimPrefix(s, "./"), "/")
				if s == "." || s == "" || e == s || strings.HasPrefix(e, s+"/") {
					return e + " changed, and this step copies it: its content is part of the step's cache key"
				}
			}
		}
		return "a file it copies changed (content, permissions or the file list), or the instruction itself did"
	case "RUN":
		return "its command, or the environment it runs in (ENV, ARG, USER, WORKDIR), changed since the last build"
	}
	return "the instruction changed since the last build"
}

// buildError is the line docker ends a failed build with.
func buildError(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "ERROR: ") || strings.HasPrefix(lines[i], "learn: ") {
			return strings.TrimPrefix(strings.TrimPrefix(lines[i], "ERROR: "), "failed to solve: ")
		}
	}
	if len(lines) > 0 {
		return lines[len(lines)-1]
	}
	return "(no message)"
}

func derefSteps(vs []*progress.Parsed) []progress.Parsed {
	var out []progress.Parsed
	for _, v := range vs {
		if v.Step() {
			out = append(out, *v)
		}
	}
	return out
}

func matchOutput(stream, how, want, text string) Result {
	r := Result{Want: fmt.Sprintf("%s %s %q", stream, how, want), Saw: excerpt(text)}
	switch how {
	case "contains":
		r.Pass = strings.Contains(text, want)
	case "equals":
		r.Pass = strings.TrimRight(text, "\n") == strings.TrimRight(want, "\n")
	case "matches":
		re, err := compile(want)
		r.Pass = err == nil && re.MatchString(text)
	}
	return r
}

// excerpt keeps a long output readable in a report.
func excerpt(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "(nothing)"
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 8 {
		lines = append(lines[:8], fmt.Sprintf("... (%d more lines)", len(lines)-8))
	}
	return strings.Join(lines, "\n")
}

func expectImage(ctx context.Context, e Engine, a []string) Result {
	img := a[0]
	switch a[1] {
	case "has", "lacks":
		want := a[1] == "has"
		r := Result{Want: fmt.Sprintf("image %s %s %s", img, a[1], a[2])}
		f, ok := e.(ImageFiles)
		if !ok {
			r.Saw = "this engine cannot list an image's files"
			return r
		}
		has, err := f.ImageHas(ctx, img, a[2])
		if err != nil {
			r.Saw = err.Error()
			return r
		}
		r.Pass = has == want
		r.Saw = map[bool]string{true: a[2] + " is in the image", false: a[2] + " is not in the image"}[has]
		return r
	case "size":
		r := Result{Want: fmt.Sprintf("image %s size %s", img, strings.Join(a[2:], " "))}
		size, ok := imageSize(ctx, e, img)
		if !ok {
			r.Saw = "no image " + img
			return r
		}
		limit, _ := ParseSize(a[len(a)-1])
		var than string
		if a[3] == "image" {
			if limit, ok = imageSize(ctx, e, a[4]); !ok {
				r.Saw = "no image " + a[4] + " to compare with"
				return r
			}
			than = fmt.Sprintf(" (%s: %.1fMB)", a[4], float64(limit)/1e6)
		}
		switch a[2] {
		case "<":
			r.Pass = size < limit
		case "<=":
			r.Pass = size <= limit
		case ">":
			r.Pass = size > limit
		case ">=":
			r.Pass = size >= limit
		}
		r.Saw = fmt.Sprintf("%.1fMB", float64(size)/1e6) + than
		return r
	case "config":
		out, err := e.Docker(ctx, "", []string{"image", "inspect", "--format", "{{json .Config." + a[2] + "}}", img})
		want := strings.Join(a[3:], " ")
		r := Result{Want: fmt.Sprintf("image %s config %s %s", img, a[2], want)}
		if err != nil || out.Exit != 0 {
			r.Saw = "no image " + img
			return r
		}
		got := strings.TrimSpace(out.Stdout)
		var plain any
		if json.Unmarshal([]byte(got), &plain) == nil {
			if s, ok := plain.(string); ok {
				got = s
			}
		}
		r.Saw = got
		if got == "" || got == "null" {
			r.Saw = "(not set)"
		}
		r.Pass = strings.Contains(got, want)
		return r
	}
	return Result{Want: strings.Join(a, " "), Saw: "not a known image check"}
}

// readDockerfile reads the learner's Dockerfile for static checks.
func readDockerfile(dir string) ([]string, error) {
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		return nil, fmt.Errorf("there is no Dockerfile")
	}
	df, err := dockerfile.Parse(src, "Dockerfile", nil)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, st := range df.Stages {
		lines = append(lines, "FROM "+st.Base)
		for _, c := range st.Commands {
			lines = append(lines, strings.TrimSpace(fmt.Sprint(c)))
		}
	}
	return lines, nil
}

// startsWith compares an instruction case-insensitively on its keyword.
func startsWith(instr, prefix string) bool {
	ik, irest, _ := strings.Cut(instr, " ")
	pk, prest, _ := strings.Cut(prefix, " ")
	return strings.EqualFold(ik, pk) && strings.HasPrefix(strings.TrimSpace(irest), strings.TrimSpace(prest))
}

func expectDockerfile(dir string, a []string) Result {
	want := fmt.Sprintf("the Dockerfile %s %q", a[0], a[1])
	if a[0] == "before" {
		want = fmt.Sprintf("%q before %q", a[1], a[2])
	}
	lines, err := readDockerfile(dir)
	if err != nil {
		return Result{Want: want, Saw: err.Error()}
	}
	find := func(p string) int {
		for i, l := range lines {
			if startsWith(l, p) {
				return i
			}
		}
		return -1
	}
	switch a[0] {
	case "has", "lacks":
		i := find(a[1])
		saw := "no such instruction"
		if i >= 0 {
			saw = lines[i]
		}
		return Result{Pass: (i >= 0) == (a[0] == "has"), Want: want, Saw: saw}
	default: // before
		i, j := find(a[1]), find(a[2])
		return Result{Pass: i >= 0 && j >= 0 && i < j, Want: want, Saw: orderSaw(lines, i, j)}
	}
}

func orderSaw(lines []string, i, j int) string {
	switch {
	case i < 0:
		return "the first instruction is missing"
	case j < 0:
		return "the second instruction is missing"
	case i > j:
		return fmt.Sprintf("%q comes after %q", lines[i], lines[j])
	}
	return "in that order"
}

// imageSize is an image's size in bytes, as docker image inspect says.
func imageSize(ctx context.Context, e Engine, img string) (int64, bool) {
	out, err := e.Docker(ctx, "", []string{"image", "inspect", "--format", "{{.Size}}", img})
	if err != nil || out.Exit != 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(out.Stdout), 10, 64)
	return n, err == nil
}

// lastLine is the last non-blank line of text.
func lastLine(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n\t "), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// healthWait bounds how long `container NAME healthy` waits while the
// health is still "starting": a just-started container has not been probed
// yet, and docker's own first probe comes one --interval after start.
var healthWait = 20 * time.Second

func expectContainer(ctx context.Context, e Engine, dir, name, want string) Result {
	r := Result{Want: "container " + name + " " + want}
	deadline := time.Now().Add(healthWait)
	for {
		out, err := e.Docker(ctx, dir, []string{"inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", name})
		if err != nil || out.Exit != 0 {
			r.Saw = "no container named " + name
			return r
		}
		fields := strings.Fields(out.Stdout)
		r.Saw = strings.TrimSpace(out.Stdout)
		if want != "healthy" {
			r.Pass = len(fields) > 0 && fields[0] == want
			return r
		}
		if len(fields) < 2 {
			r.Saw += " (the image has no HEALTHCHECK)"
			return r
		}
		r.Pass = fields[0] == "running" && fields[1] == "healthy"
		if r.Pass || fields[0] != "running" || fields[1] != "starting" || time.Now().After(deadline) {
			return r
		}
		select {
		case <-ctx.Done():
			return r
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func expectLint(dir string, a []string) Result {
	want := "no lint findings"
	if len(a) == 1 {
		want = "no " + a[0] + " finding"
	}
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		return Result{Want: want, Saw: "there is no Dockerfile"}
	}
	findings, err := Lint(src)
	if err != nil {
		return Result{Want: want, Saw: err.Error()}
	}
	var hits []string
	for _, f := range findings {
		if len(a) == 0 || f.Rule == a[0] {
			hits = append(hits, f.String())
		}
	}
	if len(hits) == 0 {
		return Result{Pass: true, Want: want, Saw: "none"}
	}
	return Result{Want: want, Saw: strings.Join(hits, "\n")}
}
