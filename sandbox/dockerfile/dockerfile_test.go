package dockerfile

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

const seedDockerfile = `FROM python:3.14-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY src/ ./src/
CMD ["python","src/pipeline.py"]
`

const multiStage = `ARG PY=3.14
FROM python:${PY}-slim AS builder
WORKDIR /build
COPY . .
RUN python -m build

FROM alpine:3.20 AS unused
RUN echo never

FROM builder AS tested
RUN python -m pytest

FROM python:${PY}-slim
COPY --from=builder /build/dist /dist
COPY --from=0 /build/README.md /
RUN --mount=type=cache,target=/root/.cache pip install /dist/*.whl
`

func mustParse(t *testing.T, src string, args map[string]string) *Dockerfile {
	t.Helper()
	d, err := Parse([]byte(src), "Dockerfile", args)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func stageNames(ss []*Stage) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.DisplayName)
	}
	return out
}

func TestSeedDockerfile(t *testing.T) {
	d := mustParse(t, seedDockerfile, nil)
	if len(d.Stages) != 1 {
		t.Fatalf("stages = %d, want 1", len(d.Stages))
	}
	s := d.Stages[0]
	if s.Base != "python:3.14-slim" || s.Image != "docker.io/library/python:3.14-slim" || s.BaseStage != nil || s.Line != 1 {
		t.Errorf("stage = %+v", s)
	}
	if s.DisplayName != "stage-0" || s.Name != "" {
		t.Errorf("names = %q %q", s.Name, s.DisplayName)
	}
	if len(d.Warnings) != 0 {
		t.Errorf("warnings = %v", d.Warnings)
	}
	tgt, err := d.Target("")
	if err != nil || tgt != s {
		t.Fatalf("Target(\"\") = %v, %v", tgt, err)
	}
	want := []string{
		"[1/5] FROM docker.io/library/python:3.14-slim@sha256:abc",
		"[2/5] WORKDIR /app",
		"[3/5] COPY requirements.txt .",
		"[4/5] RUN pip install --no-cache-dir -r requirements.txt",
		"[5/5] COPY src/ ./src/",
	}
	got := []string{d.Prefix(s, 1) + s.FromName("sha256:abc")}
	for _, c := range s.Commands {
		if !IsStep(c) {
			continue
		}
		name, err := d.StepName(s, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, d.Prefix(s, len(got)+1)+name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	cmd, ok := s.Commands[4].(*instructions.CmdCommand)
	if !ok || cmd.PrependShell || !slices.Equal(cmd.CmdLine, []string{"python", "src/pipeline.py"}) {
		t.Errorf("CMD = %+v", s.Commands[4])
	}
}

func TestMultiStage(t *testing.T) {
	d := mustParse(t, multiStage, nil)
	if got := stageNames(d.Stages); !slices.Equal(got, []string{"builder", "unused", "tested", "stage-3"}) {
		t.Fatalf("stages = %v", got)
	}
	b, final := d.Stages[0], d.Stages[3]
	if b.Base != "python:3.14-slim" || final.Base != "python:3.14-slim" {
		t.Errorf("bases = %q %q", b.Base, final.Base)
	}
	if d.Stages[2].BaseStage != b || d.Stages[2].Image != "" || d.Stages[2].StepTotal() != 1 {
		t.Errorf("tested stage: base %v image %q", d.Stages[2].BaseStage, d.Stages[2].Image)
	}
	// The cache mount has no from=, so it is no dependency.
	if len(final.Deps) != 2 || final.Deps[0].Stage != b || final.Deps[1].Stage != b {
		t.Errorf("deps = %+v", final.Deps)
	}
	tests := []struct {
		target string
		want   []string
	}{
		{"", []string{"builder", "stage-3"}},
		{"tested", []string{"builder", "tested"}},
		{"unused", []string{"unused"}},
		{"BUILDER", []string{"builder"}},
	}
	for _, tt := range tests {
		tgt, err := d.Target(tt.target)
		if err != nil {
			t.Fatalf("Target(%q): %v", tt.target, err)
		}
		if got := stageNames(d.Reachable(tgt)); !slices.Equal(got, tt.want) {
			t.Errorf("Reachable(%q) = %v, want %v", tt.target, got, tt.want)
		}
	}
	if got := d.Prefix(b, 2); got != "[builder 2/4] " {
		t.Errorf("prefix = %q", got)
	}
	copyFrom, err := d.Copy(final, final.Commands[1], nil)
	if err != nil || copyFrom.FromStage != b || copyFrom.From != "0" || copyFrom.Dest != "/" {
		t.Errorf("COPY --from=0 = %+v, %v", copyFrom, err)
	}
	name, _ := d.StepName(final, final.Commands[0], nil)
	if name != "COPY --from=builder /build/dist /dist" {
		t.Errorf("name = %q", name)
	}
}

func TestFromArgs(t *testing.T) {
	src := "ARG PY=3.14\nARG VARIANT\nFROM python:${PY}-slim${VARIANT}\n"
	tests := []struct {
		args map[string]string
		want string
	}{
		{nil, "python:3.14-slim"},
		{map[string]string{"PY": "3.13"}, "python:3.13-slim"},
		{map[string]string{"VARIANT": "-bookworm", "UNUSED": "x"}, "python:3.14-slim-bookworm"},
	}
	for _, tt := range tests {
		d := mustParse(t, src, tt.args)
		if got := d.Stages[0].Base; got != tt.want {
			t.Errorf("args %v: base = %q, want %q", tt.args, got, tt.want)
		}
	}
	// Predefined platform ARGs need no declaration.
	d := mustParse(t, "FROM alpine-$TARGETARCH\n", nil)
	if d.Stages[0].Base != "alpine-amd64" || len(d.Warnings) != 0 {
		t.Errorf("base = %q, warnings %v", d.Stages[0].Base, d.Warnings)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		args      map[string]string
		line      int
		msg       string
	}{
		{"empty", "", nil, 0, "the Dockerfile cannot be empty"},
		{"only comments", "# nothing\n\n", nil, 2, "file with no instructions"},
		{"only ARG", "ARG A=1\n", nil, 0, "dockerfile contains no stages to build"},
		{"unknown instruction", "FROM alpine\nRUN true\nFORM x\n", nil, 3, "unknown instruction: FORM (did you mean FROM?)"},
		{"unknown flag", "FROM alpine\nCOPY --frm=builder a b\n", nil, 2, "unknown flag: --frm (did you mean from?)"},
		{"before FROM", "# c\nRUN echo hi\nFROM alpine\n", nil, 2, "no build stage in current context"},
		{"invalid stage name", "FROM alpine AS 1st\n", nil, 1, `invalid name for build stage: "1st", name can't start with a number or contain symbols`},
		{"duplicate stage", "FROM alpine AS a\nRUN true\nFROM alpine AS a\n", nil, 3, `duplicate stage name "a"`},
		{"cycle", "FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nCOPY --from=a /y /y\n", nil, 2, "circular dependency detected on stage: a"},
		{"self copy", "FROM alpine AS a\nRUN true\nCOPY --from=a /x /y\n", nil, 3, "circular dependency detected on stage: a"},
		{"bad index", "FROM alpine\nCOPY --from=3 /x /y\n", nil, 2, "invalid stage index 3"},
		{"variable --from", "FROM alpine\nCOPY --from=$S /x /y\n", nil, 2, "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround"},
		{"undeclared ARG in FROM", "FROM python:$VER\n", map[string]string{"VER": "3.14"}, 1, `failed to parse stage name "python:": invalid reference format ($VER not declared: add ARG before the first FROM)`},
		{"blank FROM", "ARG IMG\nFROM $IMG\n", nil, 2, "base name ($IMG) should not be blank"},
		{"uppercase image", "FROM Python:3\n", nil, 1, `failed to parse stage name "Python:3": invalid reference format: repository name (library/Python) must be lowercase`},
		{"FROM arity", "FROM a b\n", nil, 1, "FROM requires either one or three arguments"},
		{"COPY one arg", "FROM alpine\nCOPY x\n", nil, 2, "COPY requires at least two arguments, but only one was provided. Destination could not be determined"},
		{"unterminated heredoc", "FROM alpine\nRUN <<EOF\necho\n", nil, 2, "unterminated heredoc"},
		{"not UTF-8", "# caf\xe9 is fine in a comment\nFROM alpine\nRUN echo caf\xe9\n", nil, 3, "invalid UTF-8 text: save the Dockerfile as UTF-8"},
		{"check=error", "# check=error=true\nFROM alpine\nCMD echo hi\n", nil, 0, "lint violation found for rules: JSONArgsRecommended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), "Dockerfile", tt.args)
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if de.Line != tt.line || de.Msg != tt.msg || de.File != "Dockerfile" {
				t.Errorf("got line %d %q\nwant line %d %q", de.Line, de.Msg, tt.line, tt.msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	_, err := Parse([]byte("FROM alpine\nRUN true\nFORM x\n"), "Dockerfile.dev", nil)
	if got, want := err.Error(), "Dockerfile.dev:3: unknown instruction: FORM (did you mean FROM?)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = Parse(nil, "", nil)
	if got, want := err.Error(), "Dockerfile: the Dockerfile cannot be empty"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestTargetErrors(t *testing.T) {
	d := mustParse(t, multiStage, nil)
	_, err := d.Target("biulder")
	if err == nil || err.Error() != `Dockerfile: target stage "biulder" could not be found (did you mean builder?)` {
		t.Errorf("err = %v", err)
	}
	_, err = d.Target("nope")
	if err == nil || err.Error() != `Dockerfile: target stage "nope" could not be found` {
		t.Errorf("err = %v", err)
	}

	// A copy from a later stage is only an error when that stage must build.
	d = mustParse(t, "FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nRUN true\nFROM alpine AS c\n", nil)
	if _, err := d.Target(""); err != nil {
		t.Errorf("Target(c): %v", err)
	}
	_, err = d.Target("a")
	if err == nil || err.Error() != `Dockerfile:2: cannot copy from stage "b", it needs to be defined before current stage "a"` {
		t.Errorf("err = %v", err)
	}
}

func TestCheckImages(t *testing.T) {
	d := mustParse(t, multiStage+"FROM alpine AS last\nCOPY --from=buidler /a /b\n", nil)
	have := func(ref string) bool { return strings.HasPrefix(ref, "docker.io/library/python:") }
	tgt, _ := d.Target("")
	err := d.CheckImages(tgt, have)
	if err == nil || err.Error() != "Dockerfile:17: FROM alpine: image docker.io/library/alpine:latest is not available in the sandbox" {
		t.Errorf("err = %v", err)
	}
	have2 := func(ref string) bool { return !strings.Contains(ref, "buidler") }
	err = d.CheckImages(tgt, have2)
	want := `Dockerfile:18: COPY --from=buidler: no stage named "buidler", and image docker.io/library/buidler:latest is not available in the sandbox (did you mean builder?)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	// The unused alpine:3.20 stage is not checked.
	b, _ := d.Target("builder")
	if err := d.CheckImages(b, have); err != nil {
		t.Errorf("builder: %v", err)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"stage casing", "FROM alpine as Builder\nRUN true\n", []string{
			"StageNameCasing: Stage name 'Builder' should be lowercase (line 1)",
			"FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
		}},
		{"shell-form CMD", "FROM alpine\nCMD python app.py\n", []string{
			"JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 2)",
		}},
		{"SHELL silences JSONArgsRecommended", "FROM alpine AS a\nSHELL [\"/bin/bash\", \"-c\"]\nFROM a\nENTRYPOINT run.sh\n", nil},
		{"many", "FROM alpine\nWORKDIR app\nENV A 1\nMAINTAINER me\nEXPOSE 80:80 90/TCP\nARG API_KEY\nCMD [\"a\"]\nCMD [\"b\"]\nrun true\n", []string{
			`WorkdirRelativePath: Relative workdir "app" can have unexpected results if the base image changes (line 2)`,
			`LegacyKeyValueFormat: "ENV key=value" should be used instead of legacy "ENV key value" format (line 3)`,
			"MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 4)",
			"ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '80:80' (line 5)",
			"ExposeProtoCasing: Defined protocol '90/TCP' in EXPOSE instruction should be lowercase (line 5)",
			`SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG "API_KEY") (line 6)`,
			"MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used (line 7)",
			"ConsistentInstructionCasing: Command 'run' should match the case of the command majority (uppercase) (line 9)",
		}},
		{"empty continuation", "FROM alpine\nRUN echo a \\\n\n  b\n", []string{
			"NoEmptyContinuation: Empty continuation line (line 4)",
		}},
		{"undefined ARG in FROM", "ARG PY=3\nFROM python:3$PYY\n", []string{
			"UndefinedArgInFrom: FROM argument 'PYY' is not declared (did you mean PY?) (line 2)",
		}},
		{"reserved name", "FROM alpine AS scratch\n", []string{
			`ReservedStageName: Stage name should not use the same name as reserved stage "scratch" (line 1)`,
		}},
		{"skip directive", "# check=skip=JSONArgsRecommended\nFROM alpine\nCMD python app.py\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustParse(t, tt.src, nil)
			var got []string
			for _, w := range d.Warnings {
				got = append(got, w.String())
				if !strings.HasPrefix(w.URL, "https://docs.docker.com/go/dockerfile/rule/") {
					t.Errorf("URL = %q", w.URL)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestStepNames(t *testing.T) {
	src := `FROM python:3.14-slim AS app
ARG V=1
ENV APP=/srv HOME=/root
WORKDIR $APP
COPY --chown=app:app "requirements.txt" ./
RUN pip install \
    -r requirements.txt && echo $HOME $UNSET "q x" ${V}
ADD --chmod=644 https://example.com/x.tgz /tmp/
USER app
EXPOSE 8000
CMD ["python", "app.py"]
`
	d := mustParse(t, src, map[string]string{"V": "2"})
	s := d.Stages[0]
	want := []string{
		"ARG V=1",
		"ENV APP=/srv HOME=/root",
		"WORKDIR /srv",
		"COPY --chown=app:app requirements.txt ./",
		`RUN pip install     -r requirements.txt && echo /root $UNSET "q x" 2`,
		"ADD --chmod=644 https://example.com/x.tgz /tmp/",
		"USER app",
		"EXPOSE 8000",
		`CMD ["python", "app.py"]`,
	}
	var got []string
	for _, c := range s.Commands {
		n, err := d.StepName(s, c, []string{"PATH=/usr/local/bin:/usr/bin", "LANG=C.UTF-8"})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if !slices.Equal(got, want) {
		t.Errorf("names:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s.StepTotal() != 5 || d.Prefix(s, 3) != "[3/5] " {
		t.Errorf("total %d prefix %q", s.StepTotal(), d.Prefix(s, 3))
	}
	env, err := d.EnvAt(s, nil, []string{"PATH=/usr/local/bin:/usr/bin", "HOME=/"})
	if err != nil || !slices.Equal(env, []string{"PATH=/usr/local/bin:/usr/bin", "V=2", "APP=/srv", "HOME=/root"}) {
		t.Errorf("env = %v, %v", env, err)
	}
	// Lowercase keywords are shown uppercased.
	d = mustParse(t, "from alpine\nrun echo hi\n", nil)
	if n, _ := d.StepName(d.Stages[0], d.Stages[0].Commands[0], nil); n != "RUN echo hi" {
		t.Errorf("name = %q", n)
	}
	// FROM scratch and FROM <stage> have no FROM step.
	d = mustParse(t, "FROM scratch AS a\nCOPY x /\nFROM a\n", nil)
	if d.Stages[0].FromName("") != "" || d.Stages[1].FromName("") != "" || d.Stages[0].StepTotal() != 1 {
		t.Errorf("scratch/stage FROM names")
	}
}

func TestArgScoping(t *testing.T) {
	src := "ARG G=global\nFROM alpine\nARG G\nARG L=local\nARG NOVALUE\nRUN true\n"
	d := mustParse(t, src, nil)
	env, _ := d.EnvAt(d.Stages[0], nil, []string{"PATH=/bin"})
	if !slices.Equal(env, []string{"PATH=/bin", "G=global", "L=local"}) {
		t.Errorf("env = %v", env)
	}
	d = mustParse(t, src, map[string]string{"L": "cli", "NOVALUE": "set", "UNDECLARED": "x"})
	env, _ = d.EnvAt(d.Stages[0], nil, []string{"PATH=/bin"})
	if !slices.Equal(env, []string{"PATH=/bin", "G=global", "L=cli", "NOVALUE=set"}) {
		t.Errorf("env = %v", env)
	}
	// Reassignment moves the key last; PATH is added when the image has none.
	d = mustParse(t, "FROM alpine\nENV A=1 B=$A\nENV A=2\n", nil)
	env, _ = d.EnvAt(d.Stages[0], nil, nil)
	if !slices.Equal(env, []string{"PATH=" + DefaultPathEnv, "B=", "A=2"}) {
		t.Errorf("env = %v", env)
	}
}

func TestHeredocs(t *testing.T) {
	src := "FROM alpine\n" +
		"RUN <<EOF\nset -e\necho hi\nEOF\n" +
		"RUN <<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF\n" +
		"RUN cat <<A > /a && cat <<B > /b\none\nA\ntwo\nB\n" +
		"ARG WHO=world\n" +
		"COPY <<EOF /etc/greeting\nhello $WHO\nEOF\n" +
		"COPY <<'EOF' /etc/raw\nhello $WHO\nEOF\n"
	d := mustParse(t, src, nil)
	s := d.Stages[0]
	runs := []*instructions.RunCommand{}
	for _, c := range s.Commands {
		if r, ok := c.(*instructions.RunCommand); ok {
			runs = append(runs, r)
		}
	}
	if len(runs) != 3 {
		t.Fatalf("runs = %d", len(runs))
	}
	r, err := d.Run(s, runs[0], nil)
	if err != nil || !r.Shell || !slices.Equal(r.Args, []string{"set -e\necho hi\n"}) || r.Line != 2 {
		t.Errorf("run 1 = %+v, %v", r, err)
	}
	if got := r.Argv(nil); !slices.Equal(got, []string{"/bin/sh", "-c", "set -e\necho hi\n"}) {
		t.Errorf("argv = %q", got)
	}
	if n, _ := d.StepName(s, runs[0], nil); n != "RUN <<EOF (set -e...)" {
		t.Errorf("name = %q", n)
	}
	r, _ = d.Run(s, runs[1], nil)
	if !slices.Equal(r.Args, []string{"/dev/pipes/EOF"}) || len(r.Files) != 1 || !strings.HasPrefix(r.Files[0].Data, "#!/usr/bin/env python3") {
		t.Errorf("run 2 = %+v", r)
	}
	r, _ = d.Run(s, runs[2], nil)
	if !slices.Equal(r.Args, []string{"cat <<A > /a && cat <<B > /b\none\nA\ntwo\nB"}) || len(r.Heredocs) != 2 {
		t.Errorf("run 3 = %q", r.Args)
	}
	env, _ := d.EnvAt(s, s.Commands[4], nil)
	c, err := d.Copy(s, s.Commands[4], env)
	if err != nil || len(c.Contents) != 1 || c.Contents[0].Data != "hello world\n" || c.Dest != "/etc/greeting" || len(c.Sources) != 0 {
		t.Errorf("copy heredoc = %+v, %v", c, err)
	}
	c, _ = d.Copy(s, s.Commands[5], env)
	if c.Contents[0].Data != "hello $WHO\n" {
		t.Errorf("quoted heredoc expanded: %q", c.Contents[0].Data)
	}
}

func TestRunMountsAndExecForm(t *testing.T) {
	src := `FROM alpine AS deps
RUN true
FROM alpine
ARG CACHE=/root/.cache
RUN --mount=type=cache,target=$CACHE,id=pip --mount=type=bind,from=deps,source=/x,target=/x --network=none ["pip", "install", "x"]
RUN --mount=type=secret,id=tok,env=TOKEN cat /run/secrets/tok
`
	d := mustParse(t, src, nil)
	s := d.Stages[1]
	env, _ := d.EnvAt(s, s.Commands[1], nil)
	r, err := d.Run(s, s.Commands[1].(*instructions.RunCommand), env)
	if err != nil {
		t.Fatal(err)
	}
	if r.Shell || !slices.Equal(r.Argv([]string{"/bin/bash", "-c"}), []string{"pip", "install", "x"}) || r.Network != "none" || r.Security != "sandbox" {
		t.Errorf("run = %+v", r)
	}
	if len(r.Mounts) != 2 {
		t.Fatalf("mounts = %+v", r.Mounts)
	}
	m0, m1 := r.Mounts[0], r.Mounts[1]
	if m0.Type != instructions.MountTypeCache || m0.Target != "/root/.cache" || m0.CacheID != "pip" || m0.ReadOnly {
		t.Errorf("cache mount = %+v", m0)
	}
	if m1.Type != instructions.MountTypeBind || m1.FromStage != d.Stages[0] || m1.Source != "/x" || !m1.ReadOnly {
		t.Errorf("bind mount = %+v", m1)
	}
	if got := stageNames(d.Reachable(s)); !slices.Equal(got, []string{"deps", "stage-1"}) {
		t.Errorf("reachable = %v", got)
	}
	// A mount problem is reported with its line, in BuildKit's words.
	d = mustParse(t, "FROM alpine\nRUN --mount=type=cache,target=/c,foo=bar true\n", nil)
	_, err = d.Run(d.Stages[0], d.Stages[0].Commands[0].(*instructions.RunCommand), nil)
	if err == nil || err.Error() != "Dockerfile:2: unexpected key 'foo' in 'foo=bar' (did you mean from?)" {
		t.Errorf("err = %v", err)
	}
}

func TestCopyFlags(t *testing.T) {
	src := "FROM alpine\nARG U=1000\nCOPY --from=nginx:1.27 --chown=$U:$U --chmod=755 --link --parents --exclude=*.pyc a/ b/ /dst/\n"
	d := mustParse(t, src, nil)
	s := d.Stages[0]
	env, _ := d.EnvAt(s, s.Commands[1], nil)
	c, err := d.Copy(s, s.Commands[1], env)
	if err != nil {
		t.Fatal(err)
	}
	if c.FromImage != "docker.io/library/nginx:1.27" || c.FromStage != nil || c.Chown != "1000:1000" || c.Chmod != "755" ||
		!c.Link || !c.Parents || !slices.Equal(c.Exclude, []string{"*.pyc"}) || !slices.Equal(c.Sources, []string{"a/", "b/"}) || c.Dest != "/dst/" {
		t.Errorf("copy = %+v", c)
	}
	// A COPY --from image adds a BuildKit state, so the stage is named.
	if got := d.Prefix(s, 1); got != "[stage-0 1/2] " {
		t.Errorf("prefix = %q", got)
	}
}

func TestURLs(t *testing.T) {
	for src, want := range map[string]bool{
		"https://example.com/data.csv":            true,
		"http://example.com/x.tar.gz":             true,
		"git@github.com:moby/buildkit.git":        true,
		"https://github.com/moby/buildkit.git#v1": true,
		"git://example.com/repo":                  true,
		"src/app.py":                              false,
		"./http:/x":                               false,
		"data.tgz":                                false,
	} {
		if got := IsURL(src); got != want {
			t.Errorf("IsURL(%q) = %v", src, got)
		}
	}
	d := mustParse(t, "FROM alpine\nADD https://example.com/data.csv /data/\nCOPY https://example.com/x /x\n", nil)
	s := d.Stages[0]
	add, err := d.Copy(s, s.Commands[0], nil)
	if err != nil || !add.Add || !slices.Equal(add.URLs(), []string{"https://example.com/data.csv"}) {
		t.Fatalf("add = %+v, %v", add, err)
	}
	if got := d.NoNetworkError(add, add.URLs()[0]).Error(); !strings.HasPrefix(got, "Dockerfile:2: ADD https://example.com/data.csv: no network in the sandbox") {
		t.Errorf("NoNetworkError = %q", got)
	}
	if _, err := d.Copy(s, s.Commands[1], nil); err == nil || err.Error() != "Dockerfile:3: source can't be a URL for COPY" {
		t.Errorf("COPY URL err = %v", err)
	}
}

func TestNormalizeImage(t *testing.T) {
	for in, want := range map[string]string{
		"python:3.14-slim":                  "docker.io/library/python:3.14-slim",
		"alpine":                            "docker.io/library/alpine:latest",
		"bitnami/redis":                     "docker.io/bitnami/redis:latest",
		"ghcr.io/org/app:1":                 "ghcr.io/org/app:1",
		"localhost:5000/app":                "localhost:5000/app:latest",
		"index.docker.io/library/busybox:1": "docker.io/library/busybox:1",
		"python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": "docker.io/library/python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	} {
		got, err := NormalizeImage(in)
		if err != nil || got != want {
			t.Errorf("NormalizeImage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "python:", "a b", "UPPER", "x@sha256:short", "-x"} {
		if got, err := NormalizeImage(bad); err == nil {
			t.Errorf("NormalizeImage(%q) = %q, want error", bad, got)
		}
	}
}
