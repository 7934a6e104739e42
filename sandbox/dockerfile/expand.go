package dockerfile

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// DefaultPathEnv is the PATH BuildKit gives a stage whose image Env has none
// (an image made by `docker import`, or scratch).
const DefaultPathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// nonEnvArgs are ARGs BuildKit reads itself and never puts in RUN's env.
var nonEnvArgs = map[string]bool{"BUILDKIT_SBOM_SCAN_CONTEXT": true, "BUILDKIT_SBOM_SCAN_STAGE": true}

// setEnv assigns k in an env list ("K=V"). A re-assigned key moves to the end:
// BuildKit orders a RUN's env by most recent assignment, and the order is part
// of the cache key.
func setEnv(env []string, k, v string) []string {
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		key, _, _ := strings.Cut(kv, "=")
		return key == k
	})
	return append(out, k+"="+v)
}

// SetEnv is setEnv for the engine: it returns a new list and leaves env alone.
func SetEnv(env []string, k, v string) []string { return setEnv(env, k, v) }

// processWord is lex.ProcessWordWithMatches made safe for any input:
// BuildKit's lexer reads words with text/scanner, which prints "invalid UTF-8
// encoding" to os.Stderr itself, and stray output must never reach the
// learner's terminal. Invalid bytes become U+FFFD first.
func processWord(lex *shell.Lex, word string, env shell.EnvGetter) (shell.ProcessWordResult, error) {
	if !utf8.ValidString(word) {
		word = strings.ToValidUTF8(word, "\uFFFD")
	}
	return lex.ProcessWordWithMatches(word, env)
}

func processWordOnly(lex *shell.Lex, word string, env shell.EnvGetter) (string, map[string]struct{}, error) {
	res, err := processWord(lex, word, env)
	return res.Result, res.Unmatched, err
}

// ExpandWord expands variables in one word the way BuildKit expands
// instruction arguments (quotes processed, unset variables empty).
func ExpandWord(lex *shell.Lex, word string, env []string) (string, error) {
	w, _, err := processWordOnly(lex, word, shell.EnvsFromSlice(env))
	return w, err
}

// ExpandWords expands each word; see ExpandWord.
func ExpandWords(lex *shell.Lex, words []string, env []string) ([]string, error) {
	out := make([]string, len(words))
	for i, w := range words {
		v, err := ExpandWord(lex, w, env)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// ApplyEnv returns env after an ENV instruction. Every pair is expanded
// against the env before the instruction (`ENV A=1 B=$A` gives B the old A),
// as in BuildKit.
func (d *Dockerfile) ApplyEnv(env []string, c *instructions.EnvCommand) ([]string, error) {
	lex := d.Lex()
	type kv struct{ k, v string }
	var pairs []kv
	for _, p := range c.Env {
		k, err := ExpandWord(lex, p.Key, env)
		if err != nil {
			return nil, d.errorf(Line(c), "%v", err)
		}
		v, err := ExpandWord(lex, p.Value, env)
		if err != nil {
			return nil, d.errorf(Line(c), "%v", err)
		}
		pairs = append(pairs, kv{k, v})
	}
	for _, p := range pairs {
		env = setEnv(env, p.k, p.v)
	}
	return env, nil
}

// ApplyArg returns env after an ARG instruction inside a stage: a
// --build-arg wins over the default; `ARG NAME` with neither takes the global
// ARG's value; an ARG left without a value changes nothing (and so is not in
// any cache key).
func (d *Dockerfile) ApplyArg(env []string, c *instructions.ArgCommand) ([]string, error) {
	lex := d.Lex()
	globals := shell.EnvsFromSlice(d.GlobalArgs)
	for _, a := range c.Args {
		var value *string
		if v, ok := d.buildArgs[a.Key]; ok {
			value = &v
		} else if a.Value != nil {
			v, err := ExpandWord(lex, *a.Value, env)
			if err != nil {
				return nil, d.errorf(Line(c), "%v", err)
			}
			value = &v
		} else if v, ok := globals.Get(a.Key); ok {
			value = &v
		}
		if value != nil && !nonEnvArgs[a.Key] {
			env = setEnv(env, a.Key, *value)
		}
	}
	return env, nil
}

// EnvAt returns the variables in scope just before cmd in stage s (after the
// last command when cmd is nil): imageEnv (the base image's config Env, for a
// stage built FROM an image), or the env of the stage it is built FROM, then
// its ENV and ARG instructions in order. PATH is added when missing, as
// BuildKit does.
func (d *Dockerfile) EnvAt(s *Stage, cmd instructions.Command, imageEnv []string) ([]string, error) {
	var env []string
	if s.BaseStage != nil {
		var err error
		if env, err = d.EnvAt(s.BaseStage, nil, imageEnv); err != nil {
			return nil, err
		}
	} else {
		env = slices.Clone(imageEnv)
		if _, ok := shell.EnvsFromSlice(env).Get("PATH"); !ok {
			env = append(env, "PATH="+DefaultPathEnv)
		}
	}
	for _, c := range s.Commands {
		if cmd != nil && c == cmd {
			return env, nil
		}
		var err error
		switch c := c.(type) {
		case *instructions.EnvCommand:
			env, err = d.ApplyEnv(env, c)
		case *instructions.ArgCommand:
			env, err = d.ApplyArg(env, c)
		}
		if err != nil {
			return nil, err
		}
	}
	if cmd != nil {
		return nil, fmt.Errorf("command %q is not in stage %s", cmdText(cmd), s.DisplayName)
	}
	return env, nil
}

func cmdText(cmd instructions.Command) string {
	if s, ok := cmd.(fmt.Stringer); ok {
		return s.String()
	}
	return cmd.Name()
}

// IsStep reports whether BuildKit makes a build step (a progress line, a
// cache record) for cmd: RUN, COPY, ADD and WORKDIR. Everything else only
// changes the state later steps see.
func IsStep(cmd instructions.Command) bool {
	switch cmd.(type) {
	case *instructions.RunCommand, *instructions.CopyCommand, *instructions.AddCommand, *instructions.WorkdirCommand:
		return true
	}
	return false
}

// StepName is the instruction as BuildKit names its step in progress output,
// without the "[stage i/M] " prefix: keyword uppercased, the rest as written
// (flags included, continuation lines joined) with variables expanded against
// the stage's ENV/ARG state at cmd (build args from Parse, imageEnv as in
// EnvAt). E.g. "RUN pip install -r requirements.txt", "COPY --from=builder
// /out /app", "WORKDIR /app". For FROM use FromName.
func (d *Dockerfile) StepName(s *Stage, cmd instructions.Command, imageEnv []string) (string, error) {
	env, err := d.EnvAt(s, cmd, imageEnv)
	if err != nil {
		return "", err
	}
	return d.StepNameEnv(cmd, env), nil
}

// StepNameEnv is StepName for an engine that tracks env itself.
//
// RUN is expanded like BuildKit does it for display: quotes and escapes kept,
// unset variables left as written ("RUN echo $HOME" stays so when HOME is
// unset), and a lone heredoc summarised by its first line
// ("RUN <<EOF (apt-get update...)"). COPY, ADD and WORKDIR are expanded like
// their arguments: quotes removed, unset variables empty. Other instructions
// make no step and come back as written, keyword uppercased. BuildKit's masking
// of secret-mount env values is not reproduced.
func (d *Dockerfile) StepNameEnv(cmd instructions.Command, env []string) string {
	text := cmdText(cmd)
	lex := d.Lex()
	if c, ok := cmd.(*instructions.RunCommand); ok {
		if len(c.Files) > 0 && len(c.CmdLine) == 1 && c.PrependShell && parser.MustParseHeredoc(c.CmdLine[0]) != nil {
			text += fmt.Sprintf(" (%s)", summarizeHeredoc(c.Files[0].Data))
		}
		lex.RawQuotes = true
		lex.RawEscapes = true
		lex.SkipUnsetEnv = true
	}
	// Metadata instructions have no step: they are named as written.
	if IsStep(cmd) {
		if w, _, err := processWordOnly(lex, text, shell.EnvsFromSlice(env)); err == nil {
			text = w
		}
	}
	keyword, rest, ok := strings.Cut(text, " ")
	if !ok {
		return strings.ToUpper(text)
	}
	return strings.ToUpper(keyword) + " " + rest
}

func summarizeHeredoc(doc string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(doc), "\r\n", "\n"), "\n")
	if len(lines) > 1 {
		return lines[0] + "..."
	}
	return lines[0]
}

// FromName is the name of the stage's FROM step, "" when there is none (FROM
// scratch, FROM <stage>). BuildKit prints the normalised reference with the
// digest it resolved: "FROM docker.io/library/python:3.14-slim@sha256:…";
// pass the digest the sandbox's image has, or "" to leave it out.
func (s *Stage) FromName(digest string) string {
	if s.Image == "" {
		return ""
	}
	ref := s.Image
	if digest != "" && !strings.Contains(ref, "@") {
		ref += "@" + digest
	}
	return "FROM " + ref
}

// StepTotal is M in "[i/M]": the FROM image step (if any) plus each RUN,
// COPY, ADD and WORKDIR of the stage.
func (s *Stage) StepTotal() int {
	n := 0
	if s.Image != "" {
		n++
	}
	for _, c := range s.Commands {
		if IsStep(c) {
			n++
		}
	}
	return n
}

// Prefix is the "[<stage> i/M] " BuildKit puts before step i (1-based, FROM
// is 1 when the stage starts from an image) of stage s. The stage name is
// left out when BuildKit tracks a single state: one stage, no COPY
// --from=<image>, no RUN --mount.
func (d *Dockerfile) Prefix(s *Stage, i int) string {
	total := s.StepTotal()
	if total == 0 {
		return ""
	}
	name := ""
	if d.stateCount > 1 {
		name = s.DisplayName + " "
	}
	width := len(fmt.Sprint(total))
	return fmt.Sprintf("[%s%*d/%d] ", name, width, i, total)
}
