package dockerfile

import (
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/suggest"
)

// The rules come from BuildKit's linter package (names, wording, URLs, the
// `# check=skip=...` directive). instructions.Parse runs the ones that need
// only one instruction (StageNameCasing, FromAsCasing, MaintainerDeprecated);
// the others live in BuildKit's dockerfile2llb, which needs a solver, so the
// checks that decide when to fire are re-stated here and call linter.Run.
//
// Like `docker build --check`, every stage is linted, reachable or not. Not
// checked: UndefinedVar (needs the base image's Env), CopyIgnoredFile (needs
// .dockerignore), InvalidBaseImagePlatform and the --platform rules.

func (d *Dockerfile) newLinter() (*linter.Linter, error) {
	opts, _, _, _ := parser.ParseDirective("check", d.Source)
	cfg, err := linter.ParseLintOptions(opts)
	if err != nil {
		return nil, d.errorf(0, "failed to parse check options: %v", err)
	}
	cfg.Warn = func(rule, _, url, msg string, loc []parser.Range) {
		d.Warnings = append(d.Warnings, Warning{Rule: rule, Message: msg, URL: url, Line: rangeLine(loc)})
	}
	return linter.New(cfg), nil
}

func (d *Dockerfile) sortWarnings() {
	slices.SortStableFunc(d.Warnings, func(a, b Warning) int { return a.Line - b.Line })
}

func (d *Dockerfile) lintErrorMessage() string {
	var rules []string
	for _, w := range d.Warnings {
		if !slices.Contains(rules, w.Rule) {
			rules = append(rules, w.Rule)
		}
	}
	slices.Sort(rules)
	return "lint violation found for rules: " + strings.Join(rules, ", ")
}

func selfConsistentCasing(s string) bool {
	return s == strings.ToLower(s) || s == strings.ToUpper(s)
}

// lintCommandCasing: ConsistentInstructionCasing, against the majority casing
// of the whole file.
func lintCommandCasing(stages []instructions.Stage, lint *linter.Linter) {
	var lower, upper int
	count := func(name string) {
		if !selfConsistentCasing(name) {
			return
		}
		if strings.ToLower(name) == name {
			lower++
		} else {
			upper++
		}
	}
	for _, st := range stages {
		count(st.OrigCmd)
		for _, c := range st.Commands {
			count(c.Name())
		}
	}
	majorityLower := lower > upper
	check := func(name string, loc []parser.Range) {
		want := ""
		if majorityLower && strings.ToLower(name) != name {
			want = "lowercase"
		} else if !majorityLower && strings.ToUpper(name) != name {
			want = "uppercase"
		}
		if want != "" {
			lint.Run(&linter.RuleConsistentInstructionCasing, loc, linter.RuleConsistentInstructionCasing.Format(name, want))
		}
	}
	for _, st := range stages {
		check(st.OrigCmd, st.Location)
		for _, c := range st.Commands {
			check(c.Name(), c.Location())
		}
	}
}

// lintUndefinedFromArgs: UndefinedArgInFrom, for a variable in FROM that is
// neither a global ARG nor a predefined one. A --build-arg does not declare
// it: such a FROM expands the variable to "".
func (d *Dockerfile) lintUndefinedFromArgs(unmatched, declared map[string]struct{}, loc []parser.Range, lint *linter.Linter) {
	var keys []string
	for k := range declared {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var names []string
	for k := range unmatched {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, ok := declared[name]; ok {
			continue
		}
		match, _ := suggest.Search(name, keys, true)
		lint.Run(&linter.RuleUndefinedArgInFrom, loc, linter.RuleUndefinedArgInFrom.Format(name, match))
	}
}

// lintDefaultArgsInFrom: InvalidDefaultArgInFrom, a FROM that only works when
// a --build-arg is given.
func (d *Dockerfile) lintDefaultArgsInFrom(stages []instructions.Stage, lex *shell.Lex, lint *linter.Linter) {
	saved := d.GlobalArgs
	defer func() { d.GlobalArgs = saved }()
	if err := d.buildGlobalArgs(lex, nil, stages); err != nil {
		return
	}
	env := shell.EnvsFromSlice(d.GlobalArgs)
	names := map[string]bool{}
	for _, st := range stages {
		res, err := processWord(lex, st.BaseName, env)
		if err != nil {
			return
		}
		if !names[res.Result] && res.Result != Scratch {
			if _, err := NormalizeImage(res.Result); err != nil {
				lint.Run(&linter.RuleInvalidDefaultArgInFrom, st.Location, linter.RuleInvalidDefaultArgInFrom.Format(st.BaseName))
			}
		}
		if st.Name != "" {
			names[st.Name] = true
		}
	}
}

var (
	secretDeny  = regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)`)
	secretAllow = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
)

func lintSecret(instruction, key string, loc []parser.Range, lint *linter.Linter) {
	if secretDeny.MatchString(key) && !secretAllow.MatchString(key) {
		lint.Run(&linter.RuleSecretsUsedInArgOrEnv, loc, linter.RuleSecretsUsedInArgOrEnv.Format(instruction, key))
	}
}

// lintStages runs the per-instruction rules BuildKit applies while it
// dispatches a stage. Stages built FROM another stage inherit its SHELL and
// whether WORKDIR was set, as in BuildKit.
func (d *Dockerfile) lintStages(lint *linter.Linter) {
	shellSet := map[*Stage]bool{}
	workdirSet := map[*Stage]bool{}
	for _, s := range d.Stages {
		hasShell, hasWorkdir := false, false
		if s.BaseStage != nil {
			hasShell, hasWorkdir = shellSet[s.BaseStage], workdirSet[s.BaseStage]
		}
		used := map[string][]parser.Range{} // CMD, ENTRYPOINT, HEALTHCHECK seen in this stage
		once := func(c instructions.Command) {
			key := strings.ToLower(c.Name())
			if prev, ok := used[key]; ok {
				// BuildKit reports the earlier one: it is the one ignored.
				lint.Run(&linter.RuleMultipleInstructionsDisallowed, prev, linter.RuleMultipleInstructionsDisallowed.Format(c.Name()))
			}
			used[key] = c.Location()
		}
		for _, cmd := range s.Commands {
			l := lint.WithMergedConfigFromComments(cmd.Comments())
			switch c := cmd.(type) {
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					if kv.NoDelim {
						l.Run(&linter.RuleLegacyKeyValueFormat, c.Location(), linter.RuleLegacyKeyValueFormat.Format(c.Name()))
					}
					lintSecret("ENV", kv.Key, c.Location(), l)
				}
			case *instructions.LabelCommand:
				for _, kv := range c.Labels {
					if kv.NoDelim {
						l.Run(&linter.RuleLegacyKeyValueFormat, c.Location(), linter.RuleLegacyKeyValueFormat.Format(c.Name()))
					}
				}
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					lintSecret("ARG", kv.Key, c.Location(), l)
				}
			case *instructions.CmdCommand:
				once(c)
				if c.PrependShell && !hasShell {
					l.Run(&linter.RuleJSONArgsRecommended, c.Location(), linter.RuleJSONArgsRecommended.Format(c.Name()))
				}
			case *instructions.EntrypointCommand:
				once(c)
				if c.PrependShell && !hasShell {
					l.Run(&linter.RuleJSONArgsRecommended, c.Location(), linter.RuleJSONArgsRecommended.Format(c.Name()))
				}
			case *instructions.HealthCheckCommand:
				once(c)
			case *instructions.ShellCommand:
				hasShell = true
			case *instructions.WorkdirCommand:
				// BuildKit tests the expanded path; a path starting with a
				// variable is given the benefit of the doubt here.
				if !hasWorkdir && !strings.HasPrefix(c.Path, "/") && !strings.HasPrefix(c.Path, "$") {
					l.Run(&linter.RuleWorkdirRelativePath, c.Location(), linter.RuleWorkdirRelativePath.Format(c.Path))
				}
				hasWorkdir = true
			case *instructions.ExposeCommand:
				for _, p := range c.Ports {
					lintExpose(p, c.Location(), l)
				}
			}
		}
		shellSet[s], workdirSet[s] = hasShell, hasWorkdir
	}
}

// lintExpose: ExposeInvalidFormat for an IP or host port, ExposeProtoCasing
// for "80/TCP". Ports with variables are left alone: they are only known when
// the stage is built.
func lintExpose(p string, loc []parser.Range, lint *linter.Linter) {
	if strings.Contains(p, "$") {
		return
	}
	if strings.Contains(p, ":") {
		lint.Run(&linter.RuleExposeInvalidFormat, loc, linter.RuleExposeInvalidFormat.Format(p))
	}
	if _, proto, ok := strings.Cut(p, "/"); ok && proto != strings.ToLower(proto) {
		lint.Run(&linter.RuleExposeProtoCasing, loc, linter.RuleExposeProtoCasing.Format(p))
	}
}
