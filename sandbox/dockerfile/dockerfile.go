package dockerfile

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/suggest"
)

// Scratch is the empty base image: FROM scratch is not a step.
const Scratch = "scratch"

// DefaultPlatform is the platform the sandbox builds for. It feeds the
// predefined ARGs (TARGETPLATFORM, BUILDARCH, ...) that FROM may use; it is
// fixed rather than the host's so output is the same on every machine.
var DefaultPlatform = struct{ OS, Arch, Variant string }{"linux", "amd64", ""}

// Dockerfile is a parsed and validated Dockerfile.
type Dockerfile struct {
	Name     string // e.g. "Dockerfile" (for messages)
	Source   []byte
	MetaArgs []instructions.ArgCommand // global ARGs before the first FROM
	Stages   []*Stage
	Warnings []Warning // parser warnings + BuildKit lint rule violations, by line

	// EscapeToken is the escape character (`\` unless `# escape=` says otherwise).
	EscapeToken rune

	// GlobalArgs are the global ARG values after --build-arg overrides, plus
	// BuildKit's predefined platform ARGs, in order of assignment ("K=V").
	// FROM lines were expanded against them; a stage's `ARG NAME` without a
	// value inherits from them.
	GlobalArgs []string

	buildArgs map[string]string
	// BuildKit omits the stage name from progress when it tracks exactly one
	// state; images named by COPY --from and every RUN --mount add states, so
	// this is not simply len(Stages) == 1.
	stateCount int
}

// Stage is one FROM section.
type Stage struct {
	Index       int
	Name        string // AS name (lowercased, as BuildKit stores it), "" if none
	DisplayName string // AS name or "stage-<index>" (as BuildKit progress prints)
	Base        string // FROM argument after expanding global ARGs with build args
	BaseStage   *Stage // when FROM names an earlier stage
	// Image is Base normalised ("docker.io/library/python:3.14-slim") when the
	// stage starts from an image; "" for scratch and for stage bases.
	Image    string
	Platform string // --platform after expansion, "" if not given
	Commands []instructions.Command
	Line     int // line of FROM

	// Deps are the COPY --from and RUN --mount from= references of the stage,
	// in order, resolved to a stage or an image.
	Deps []Dep

	// Source is BuildKit's untyped view of the stage (FROM text, comments).
	Source instructions.Stage
}

// Dep is a reference from a COPY --from or a RUN --mount from= to another
// stage or to an image.
type Dep struct {
	Cmd   instructions.Command
	Mount int    // index of the mount for RUN, -1 for COPY
	From  string // as written
	Stage *Stage // the stage it names, nil for an image
	Image string // normalised image reference when Stage is nil and From names an image
	Line  int
}

// Warning is a BuildKit lint rule violation or parser warning.
type Warning struct {
	Rule, Message, URL string
	Line               int
}

func (w Warning) String() string { return linter.LintFormatShort(w.Rule, w.Message, w.Line) }

// Parse parses src with BuildKit's parser, builds its typed instructions,
// expands FROM against the global ARGs (buildArgs override their defaults),
// links stages and validates what BuildKit validates before it builds
// anything. A problem in the text is an *Error with its line.
//
// BuildKit's parser is outside code fed arbitrary text: a panic in it is
// recovered here and returned as an *Error, so a learner's typo can never
// crash the tool.
func Parse(src []byte, name string, buildArgs map[string]string) (df *Dockerfile, err error) {
	if name == "" {
		name = "Dockerfile"
	}
	d := &Dockerfile{Name: name, Source: src, EscapeToken: '\\', buildArgs: buildArgs}
	defer func() {
		if r := recover(); r != nil {
			df, err = nil, d.errorf(0, "internal error parsing the Dockerfile: %v", r)
		}
	}()
	if err := d.parse(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dockerfile) parse() error {
	if len(d.Source) == 0 {
		return d.errorf(0, "the Dockerfile cannot be empty")
	}
	if line := invalidUTF8Line(d.Source); line > 0 {
		return d.errorf(line, "invalid UTF-8 text: save the Dockerfile as UTF-8")
	}
	lint, err := d.newLinter()
	if err != nil {
		return err
	}
	res, err := parser.Parse(bytes.NewReader(d.Source))
	if err != nil {
		return d.wrapError(err, 0)
	}
	d.EscapeToken = res.EscapeToken
	for _, w := range res.Warnings {
		if w.URL == linter.RuleNoEmptyContinuation.URL && w.Location != nil {
			lint.Run(&linter.RuleNoEmptyContinuation, []parser.Range{*w.Location}, linter.RuleNoEmptyContinuation.Format())
		}
	}
	stages, metaArgs, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return d.wrapError(err, 0)
	}
	if len(stages) == 0 {
		// Only ARGs: BuildKit says this, at no particular line.
		return d.errorf(0, "dockerfile contains no stages to build")
	}
	d.MetaArgs = metaArgs
	lex := d.Lex()

	if err := d.checkStageNames(stages, lint); err != nil {
		return err
	}
	lintCommandCasing(stages, lint)
	d.lintDefaultArgsInFrom(stages, lex, lint)

	if err := d.buildGlobalArgs(lex, d.buildArgs, stages); err != nil {
		return err
	}
	if err := d.buildStages(stages, lex, lint); err != nil {
		return err
	}
	if err := d.linkDeps(lex); err != nil {
		return err
	}
	if err := d.checkCycles(); err != nil {
		return err
	}
	d.lintStages(lint)
	d.sortWarnings()
	if err := lint.Error(); err != nil {
		// `# check=error=true`: BuildKit fails the build on any warning.
		return d.errorf(0, "%s", d.lintErrorMessage())
	}
	return nil
}

// Lex is a BuildKit shell lexer using this Dockerfile's escape token.
func (d *Dockerfile) Lex() *shell.Lex { return shell.NewLex(d.EscapeToken) }

// checkStageNames rejects duplicate stage names. BuildKit itself only warns
// (DuplicateStageName) and lets the later stage shadow the earlier one; the
// sandbox refuses, because a learner with two stages called "builder" almost
// always copies from the wrong one without noticing.
func (d *Dockerfile) checkStageNames(stages []instructions.Stage, lint *linter.Linter) error {
	seen := map[string]bool{}
	for _, st := range stages {
		if st.Name == "" {
			continue
		}
		if st.Name == Scratch || st.Name == "context" {
			lint.Run(&linter.RuleReservedStageName, st.Location, linter.RuleReservedStageName.Format(st.Name))
		}
		if seen[st.Name] {
			return d.errorf(rangeLine(st.Location), "duplicate stage name %q", st.Name)
		}
		seen[st.Name] = true
	}
	return nil
}

// buildGlobalArgs evaluates the global ARGs the way BuildKit does: the
// predefined platform ARGs first, then each ARG before the first FROM, a
// --build-arg replacing its default.
func (d *Dockerfile) buildGlobalArgs(lex *shell.Lex, overrides map[string]string, stages []instructions.Stage) error {
	target := stages[len(stages)-1].Name
	if target == "" {
		target = "default"
	}
	p := DefaultPlatform
	plat := p.OS + "/" + p.Arch
	if p.Variant != "" {
		plat += "/" + p.Variant
	}
	env := []string{}
	for _, kv := range [][2]string{
		{"BUILDPLATFORM", plat}, {"BUILDOS", p.OS}, {"BUILDOSVERSION", ""}, {"BUILDARCH", p.Arch}, {"BUILDVARIANT", p.Variant},
		{"TARGETPLATFORM", plat}, {"TARGETOS", p.OS}, {"TARGETOSVERSION", ""}, {"TARGETARCH", p.Arch}, {"TARGETVARIANT", p.Variant},
		{"TARGETSTAGE", target},
	} {
		v := kv[1]
		if ov, ok := overrides[kv[0]]; ok {
			v = ov
		}
		env = setEnv(env, kv[0], v)
	}
	for _, cmd := range d.MetaArgs {
		for _, kv := range cmd.Args {
			if v, ok := overrides[kv.Key]; ok {
				env = setEnv(env, kv.Key, v)
				continue
			}
			if kv.Value == nil {
				continue
			}
			v, _, err := processWordOnly(lex, *kv.Value, shell.EnvsFromSlice(env))
			if err != nil {
				return d.errorf(Line(&cmd), "%v", err)
			}
			env = setEnv(env, kv.Key, v)
		}
	}
	d.GlobalArgs = env
	return nil
}

func (d *Dockerfile) declaredGlobal() map[string]struct{} {
	keys := map[string]struct{}{}
	for _, cmd := range d.MetaArgs {
		for _, kv := range cmd.Args {
			keys[kv.Key] = struct{}{}
		}
	}
	for _, kv := range d.GlobalArgs {
		k, _, _ := strings.Cut(kv, "=")
		keys[k] = struct{}{}
	}
	return keys
}

func (d *Dockerfile) buildStages(stages []instructions.Stage, lex *shell.Lex, lint *linter.Linter) error {
	globals := shell.EnvsFromSlice(d.GlobalArgs)
	declared := d.declaredGlobal()
	byName := map[string]*Stage{}
	for i, st := range stages {
		line := rangeLine(st.Location)
		slint := lint.WithMergedConfigFromComments(st.Comments)
		res, err := processWord(lex, st.BaseName, globals)
		d.lintUndefinedFromArgs(res.Unmatched, declared, st.Location, slint)
		if err != nil {
			return d.wrapError(err, line)
		}
		hint := undeclaredHint(res.Unmatched, declared)
		if res.Result == "" {
			return d.errorf(line, "base name (%s) should not be blank%s", st.BaseName, hint)
		}
		s := &Stage{
			Index:       i,
			Name:        st.Name,
			DisplayName: st.Name,
			Base:        res.Result,
			Commands:    st.Commands,
			Line:        line,
			Source:      st,
		}
		if s.Name == "" {
			s.DisplayName = fmt.Sprintf("stage-%d", i)
		}
		if st.Platform != "" {
			pres, err := processWord(lex, st.Platform, globals)
			d.lintUndefinedFromArgs(pres.Unmatched, declared, st.Location, slint)
			if err != nil {
				return d.errorf(line, "failed to process arguments for platform %s: %v", pres.Result, err)
			}
			if pres.Result == "" {
				return d.errorf(line, "empty platform value from expression %s", st.Platform)
			}
			s.Platform = pres.Result
		}
		// BuildKit looks the expanded name up exactly among the stages defined
		// so far: FROM never names a later stage, and never an index.
		if base, ok := byName[s.Base]; ok {
			s.BaseStage = base
		} else if s.Base != Scratch {
			img, err := NormalizeImage(s.Base)
			if err != nil {
				return d.errorf(line, "failed to parse stage name %q: %v%s", s.Base, err, hint)
			}
			s.Image = img
		}
		if s.Name != "" {
			byName[s.Name] = s
		}
		d.Stages = append(d.Stages, s)
	}
	d.stateCount = len(d.Stages)
	return nil
}

// linkDeps resolves COPY --from and RUN --mount from= references as BuildKit
// does: a stage name (any case) or, for COPY only, a stage index; anything
// else is an image. A later stage is accepted here and refused by Target when
// it would have to be built (BuildKit refuses it at dispatch time too).
func (d *Dockerfile) linkDeps(lex *shell.Lex) error {
	for _, s := range d.Stages {
		for _, cmd := range s.Commands {
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				if c.From == "" {
					continue
				}
				line := Line(c)
				res, err := processWord(lex, c.From, shell.EnvsFromSlice(nil))
				if err != nil {
					return d.wrapError(err, line)
				}
				if res.Result != c.From {
					return d.errorf(line, "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround")
				}
				dep := Dep{Cmd: c, Mount: -1, From: c.From, Line: line}
				if idx, err := strconv.Atoi(c.From); err == nil {
					if idx < 0 || idx >= len(d.Stages) {
						return d.errorf(line, "invalid stage index %d", idx)
					}
					dep.Stage = d.Stages[idx]
				} else if st := d.stageByName(c.From); st != nil {
					dep.Stage = st
				} else {
					img, err := NormalizeImage(c.From)
					if err != nil {
						return d.errorf(line, "COPY --from=%s: no stage named %q, and it is not a valid image reference: %v", c.From, c.From, err)
					}
					dep.Image = img
					d.stateCount++
				}
				s.Deps = append(s.Deps, dep)
			case *instructions.RunCommand:
				for i, m := range instructions.GetMounts(c) {
					// Every mount, even one without from=, makes BuildKit
					// register a state (for "scratch"), which is what turns
					// on stage names in single-stage progress output.
					if m.From == "" {
						d.stateCount++
						continue
					}
					dep := Dep{Cmd: c, Mount: i, From: m.From, Line: Line(c)}
					if st := d.stageByName(m.From); st != nil {
						dep.Stage = st
					} else {
						d.stateCount++
						img, err := NormalizeImage(m.From)
						if err != nil {
							return d.errorf(dep.Line, "RUN --mount from=%s: no stage named %q, and it is not a valid image reference: %v", m.From, m.From, err)
						}
						dep.Image = img
					}
					s.Deps = append(s.Deps, dep)
				}
			}
		}
	}
	return nil
}

func (d *Dockerfile) stageByName(name string) *Stage {
	name = strings.ToLower(name)
	if name == "" {
		return nil
	}
	// The last stage of a name wins, as in BuildKit's lookup table (duplicates
	// are refused earlier anyway).
	var found *Stage
	for _, s := range d.Stages {
		if s.Name == name {
			found = s
		}
	}
	return found
}

// checkCycles finds a stage that depends on itself through COPY --from or RUN
// --mount from=, with BuildKit's message, at the line of the first command
// on the cycle.
func (d *Dockerfile) checkCycles() error {
	visited := map[*Stage]bool{}
	onPath := map[*Stage]bool{}
	var visit func(s *Stage, via []int) []int
	visit = func(s *Stage, via []int) []int {
		if visited[s] {
			return nil
		}
		visited[s] = true
		onPath[s] = true
		for _, dep := range s.deps() {
			next := append(slices.Clone(via), dep.line)
			if onPath[dep.stage] {
				return next
			}
			if c := visit(dep.stage, next); c != nil {
				return c
			}
		}
		delete(onPath, s)
		return nil
	}
	for _, s := range d.Stages {
		if lines := visit(s, nil); lines != nil {
			return d.errorf(lines[0], "circular dependency detected on stage: %s", s.DisplayName)
		}
	}
	return nil
}

type stageEdge struct {
	stage *Stage
	line  int
}

// deps are the stages s needs: its base stage, then the stages its commands
// copy or mount from.
func (s *Stage) deps() []stageEdge {
	var out []stageEdge
	if s.BaseStage != nil {
		out = append(out, stageEdge{s.BaseStage, s.Line})
	}
	for _, dep := range s.Deps {
		if dep.Stage != nil {
			out = append(out, stageEdge{dep.Stage, dep.Line})
		}
	}
	return out
}

// Target returns the stage `--target name` selects ("" = the last stage)
// and checks what BuildKit checks when it builds that target: a reachable
// stage may only copy or mount from a stage defined before it.
func (d *Dockerfile) Target(name string) (*Stage, error) {
	var t *Stage
	if name == "" {
		t = d.Stages[len(d.Stages)-1]
	} else if t = d.stageByName(name); t == nil {
		var names []string
		for _, s := range d.Stages {
			if s.Name != "" {
				names = append(names, s.Name)
			}
		}
		err := suggest.WrapError(fmt.Errorf("target stage %q could not be found", name), name, names, true)
		return nil, &Error{File: d.Name, Msg: err.Error(), err: err}
	}
	for _, s := range d.Reachable(t) {
		for _, dep := range s.Deps {
			if dep.Stage == nil || dep.Stage.Index < s.Index {
				continue
			}
			if dep.Mount >= 0 {
				m := instructions.GetMounts(dep.Cmd.(*instructions.RunCommand))[dep.Mount]
				return nil, d.errorf(dep.Line, "cannot mount from stage %q to %q, stage needs to be defined before current command", dep.From, m.Target)
			}
			return nil, d.errorf(dep.Line, "cannot copy from stage %q, it needs to be defined before current stage %q", dep.From, s.DisplayName)
		}
	}
	return t, nil
}

// Reachable returns the stages that must be built for target, target
// included, in Dockerfile order: those it reaches through FROM <stage>,
// COPY --from and RUN --mount from=. An unused stage is not built and prints
// nothing.
func (d *Dockerfile) Reachable(target *Stage) []*Stage {
	seen := map[*Stage]bool{}
	var walk func(*Stage)
	walk = func(s *Stage) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for _, e := range s.deps() {
			walk(e.stage)
		}
	}
	walk(target)
	var out []*Stage
	for _, s := range d.Stages {
		if seen[s] {
			out = append(out, s)
		}
	}
	return out
}

// CheckImages reports, as an *Error at its line, the first image the target
// needs that the sandbox cannot provide: have says whether a normalised
// reference is available (the offline catalogue). BuildKit treats a --from
// that names no stage as an image and fails only when pulling it; offline,
// such a name is far more often a misspelt stage, so the message says both
// and suggests the closest stage name.
func (d *Dockerfile) CheckImages(target *Stage, have func(ref string) bool) error {
	var names []string
	for _, s := range d.Stages {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	for _, s := range d.Reachable(target) {
		if s.Image != "" && !have(s.Image) {
			err := suggest.WrapError(fmt.Errorf("FROM %s: image %s is not available in the sandbox", s.Base, s.Image), s.Base, names, true)
			return &Error{File: d.Name, Line: s.Line, Msg: err.Error()}
		}
		for _, dep := range s.Deps {
			if dep.Stage != nil || dep.Image == "" || have(dep.Image) {
				continue
			}
			what := "COPY --from=" + dep.From
			if dep.Mount >= 0 {
				what = "RUN --mount from=" + dep.From
			}
			err := suggest.WrapError(fmt.Errorf("%s: no stage named %q, and image %s is not available in the sandbox", what, dep.From, dep.Image), dep.From, names, false)
			return &Error{File: d.Name, Line: dep.Line, Msg: err.Error()}
		}
	}
	return nil
}

// undeclaredHint explains the usual cause of a blank or broken FROM: a
// variable that is not a global ARG. BuildKit only says so in a lint warning
// that its error hides; a --build-arg alone does not declare it.
func undeclaredHint(unmatched, declared map[string]struct{}) string {
	var names []string
	for k := range unmatched {
		if _, ok := declared[k]; !ok {
			names = append(names, "$"+k)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return fmt.Sprintf(" (%s not declared: add ARG before the first FROM)", strings.Join(names, ", "))
}

// invalidUTF8Line is the first line, comments aside, that is not UTF-8.
// BuildKit's parser would accept it, but its shell lexer (which the parser
// runs on heredoc lines) prints "invalid UTF-8 encoding" straight to
// os.Stderr, into the learner's terminal; and such bytes are nearly always a
// file saved in the wrong encoding.
func invalidUTF8Line(src []byte) int {
	if utf8.Valid(src) {
		return 0
	}
	for i, line := range bytes.Split(src, []byte("\n")) {
		if t := bytes.TrimLeft(line, " \t"); len(t) > 0 && t[0] == '#' {
			continue
		}
		if !utf8.Valid(line) {
			return i + 1
		}
	}
	return 0
}
