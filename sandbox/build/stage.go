package build

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/layerlab/learn/sandbox/dockerfile"
)

// stageRun is one stage being built: its state and vertex numbering.
type stageRun struct {
	b       *builder
	st      *dockerfile.Stage
	s       *state
	index   int // i in [i/M]
	noCache bool
	cmdSet  bool // CMD was set in this stage (ENTRYPOINT keeps it then)
	extra   int  // ONBUILD trigger steps, counted in M
	onbuild bool // dispatching ONBUILD triggers now
}

// stage builds st (and first what it depends on) once per build.
func (b *builder) stage(st *dockerfile.Stage) (*state, error) {
	if s, ok := b.done[st]; ok {
		return s, nil
	}
	for _, d := range st.Deps {
		if d.Stage != nil && d.Stage != st {
			if _, err := b.stage(d.Stage); err != nil {
				return nil, err
			}
		}
	}
	r := &stageRun{b: b, st: st, noCache: b.noCache(st)}
	triggers, err := r.onbuildTriggers()
	if err != nil {
		return nil, err
	}
	r.extra = len(triggers)
	if err := r.from(); err != nil {
		return nil, err
	}
	// A base image's ONBUILD triggers run first, as BuildKit runs them.
	r.onbuild = true
	for _, cmd := range triggers {
		if err := b.ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.dispatch(cmd); err != nil {
			return nil, err
		}
	}
	r.onbuild = false
	for _, cmd := range st.Commands {
		if err := b.ctx.Err(); err != nil {
			return nil, err
		}
		if err := r.dispatch(cmd); err != nil {
			return nil, err
		}
	}
	b.done[st] = r.s
	return r.s, nil
}

// vertexName is "[stage i/M] INSTR" (the stage left out when BuildKit
// tracks a single state).
func (r *stageRun) vertexName(instr string) string {
	r.index++
	prefix := r.b.df.Prefix(r.st, r.index)
	if r.extra > 0 {
		// The front end counts the Dockerfile's own steps; triggers add
		// to M (BuildKit's cmdTotal), and the index width follows M.
		total := r.st.StepTotal()
		prefix = strings.Replace(prefix, fmt.Sprintf("/%d]", total), fmt.Sprintf("/%d]", total+r.extra), 1)
		if w := len(fmt.Sprint(total + r.extra)); w > len(fmt.Sprint(total)) {
			prefix = strings.Replace(prefix, fmt.Sprintf(" %d/", r.index), fmt.Sprintf(" %*d/", w, r.index), 1)
			prefix = strings.Replace(prefix, fmt.Sprintf("[%d/", r.index), fmt.Sprintf("[%*d/", w, r.index), 1)
		}
	}
	if r.onbuild {
		prefix += "ONBUILD "
	}
	return prefix + instr
}

// onbuildTriggers parses the ONBUILD triggers of the base image with
// BuildKit's parser.
func (r *stageRun) onbuildTriggers() ([]instructions.Command, error) {
	if r.st.BaseStage != nil || isScratch(r.st.Image) {
		return nil, nil
	}
	img := r.b.images[r.st.Image]
	if img == nil || img.Config == nil || len(img.Config.Config.OnBuild) == 0 {
		return nil, nil
	}
	var cmds []instructions.Command
	for _, trigger := range img.Config.Config.OnBuild {
		res, err := parser.Parse(strings.NewReader(trigger))
		if err != nil {
			return nil, &Error{Line: r.st.Line, Msg: fmt.Sprintf("parsing ONBUILD trigger %q of %s: %v", trigger, r.st.Image, err)}
		}
		for _, node := range res.AST.Children {
			switch strings.ToUpper(node.Value) {
			case "ONBUILD", "FROM", "MAINTAINER":
				return nil, &Error{Line: r.st.Line, Msg: fmt.Sprintf("%s isn't allowed as an ONBUILD trigger", strings.ToUpper(node.Value))}
			}
			cmd, err := instructions.ParseInstruction(node)
			if err != nil {
				return nil, &Error{Line: r.st.Line, Msg: fmt.Sprintf("parsing ONBUILD trigger %q of %s: %v", trigger, r.st.Image, err)}
			}
			c, ok := cmd.(instructions.Command)
			if !ok {
				return nil, &Error{Line: r.st.Line, Msg: fmt.Sprintf("ONBUILD trigger %q of %s is not an instruction", trigger, r.st.Image)}
			}
			cmds = append(cmds, c)
		}
	}
	return cmds, nil
}

func (r *stageRun) from() error {
	b := r.b
	switch {
	case r.st.BaseStage != nil:
		base, ok := b.done[r.st.BaseStage]
		if !ok {
			var err error
			if base, err = b.stage(r.st.BaseStage); err != nil {
				return err
			}
		}
		r.s = base.clone()
		return nil
	case isScratch(r.st.Image):
		r.s = &state{key: keyInput{Op: "scratch"}.digest(), osName: "linux", arch: "amd64"}
		r.s.cfg.Env = []string{"PATH=" + defaultPath}
		r.s.env = []string{"PATH=" + defaultPath}
		return nil
	}
	img := b.images[r.st.Image]
	s := &state{osName: "linux", arch: "amd64"}
	if img.Config != nil {
		s.cfg = cloneConfig(img.Config.Config)
		s.history = append(s.history, img.Config.History...)
		s.created = img.Config.Created.Time
		if img.Config.OS != "" {
			s.osName = img.Config.OS
		}
		if img.Config.Architecture != "" {
			s.arch = img.Config.Architecture
		}
	}
	// The config's ONBUILD triggers belong to the base, not to this image.
	s.cfg.OnBuild = nil
	if _, ok := lookupEnv(s.cfg.Env, "PATH"); !ok {
		s.cfg.Env = append(s.cfg.Env, "PATH="+defaultPath)
	}
	for _, kv := range s.cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		s.env = dockerfile.SetEnv(s.env, k, v)
	}
	s.layers = append(s.layers, img.Layers...)
	diffIDs := make([]string, len(img.Layers))
	for i, l := range img.Layers {
		diffIDs[i] = l.String()
	}
	s.key = keyInput{Op: "from", Chain: chainID(diffIDs), Platform: s.osName + "/" + s.arch}.digest()
	r.s = s

	name := r.vertexName(r.st.FromName(""))
	v := b.opt.Progress.Start(name)
	step := Step{Name: name, Instruction: "FROM " + r.st.Base, Stage: r.st.DisplayName, Line: r.st.Line, Key: s.key, Inputs: Inputs{Op: "FROM " + r.st.Image}}
	if _, hit, err := b.opt.Store.CacheGet(s.key); err == nil && hit {
		step.Cached = true
		b.opt.Progress.Cached(v)
	} else {
		if err := b.putRecord(s.key, v1.Hash{}, 0, "FROM "+r.st.Image, b.opt.Now()); err != nil {
			return err
		}
		b.opt.Progress.Done(v)
	}
	b.steps = append(b.steps, step)
	return nil
}

// expand applies BuildKit's variable expansion to a command's words with
// the state's environment (ENV and ARG values in scope).
func (r *stageRun) expand(cmd instructions.Command) error {
	lex := r.b.df.Lex()
	if _, isArg := cmd.(*instructions.ArgCommand); isArg {
		return nil
	}
	if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
		if err := ex.Expand(func(word string) (string, error) {
			w, _, err := lex.ProcessWord(word, envGetter(r.s.env))
			return w, err
		}); err != nil {
			return r.lineError(cmd, err.Error())
		}
	}
	return nil
}

func (r *stageRun) lineError(cmd instructions.Command, msg string) *Error {
	return &Error{Line: r.line(cmd), Msg: msg}
}

func (r *stageRun) dispatch(cmd instructions.Command) error {
	// Vertex names use the environment before this command's expansion.
	name := r.b.df.StepNameEnv(cmd, r.s.env)
	// COPY, ADD and RUN are expanded by the front end without changing
	// the command; the rest in place, as BuildKit's dispatcher does.
	switch cmd.(type) {
	case *instructions.CopyCommand, *instructions.AddCommand, *instructions.RunCommand:
	default:
		if err := r.expand(cmd); err != nil {
			return err
		}
	}
	s := r.s
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		msg := "ENV"
		for _, kv := range c.Env {
			s.env = dockerfile.SetEnv(s.env, kv.Key, kv.Value)
			s.cfg.Env = setConfigEnv(s.cfg.Env, kv.Key, kv.Value)
			msg += " " + kv.String()
		}
		r.history(msg, false)
	case *instructions.ArgCommand:
		return r.arg(c)
	case *instructions.LabelCommand:
		msg := "LABEL"
		if s.cfg.Labels == nil {
			s.cfg.Labels = map[string]string{}
		}
		for _, kv := range c.Labels {
			s.cfg.Labels[kv.Key] = kv.Value
			msg += " " + kv.String()
		}
		r.history(msg, false)
	case *instructions.MaintainerCommand:
		r.history("MAINTAINER "+c.Maintainer, false)
	case *instructions.ExposeCommand:
		if s.cfg.ExposedPorts == nil {
			s.cfg.ExposedPorts = map[string]struct{}{}
		}
		var ports []string
		for _, p := range c.Ports {
			ps, err := expandPorts(p)
			if err != nil {
				return r.lineError(cmd, err.Error())
			}
			for _, port := range ps {
				s.cfg.ExposedPorts[port] = struct{}{}
				ports = append(ports, port)
			}
		}
		r.history(fmt.Sprintf("EXPOSE map[%s]", strings.Join(mapPorts(ports), " ")), false)
	case *instructions.CmdCommand:
		args := c.CmdLine
		if c.PrependShell {
			args = r.withShell(args)
		}
		s.cfg.Cmd = append([]string(nil), args...)
		r.cmdSet = true
		r.history(fmt.Sprintf("CMD %q", args), false)
	case *instructions.EntrypointCommand:
		args := c.CmdLine
		if c.PrependShell {
			args = r.withShell(args)
		}
		s.cfg.Entrypoint = append([]string(nil), args...)
		// An ENTRYPOINT resets a CMD inherited from the base, as docker does.
		if !r.cmdSet {
			s.cfg.Cmd = nil
		}
		r.history(fmt.Sprintf("ENTRYPOINT %q", args), false)
	case *instructions.UserCommand:
		s.cfg.User = c.User
		r.history("USER "+c.User, false)
	case *instructions.ShellCommand:
		s.cfg.Shell = append([]string(nil), c.Shell...)
		r.history(fmt.Sprintf("SHELL %v", c.Shell), false)
	case *instructions.VolumeCommand:
		if s.cfg.Volumes == nil {
			s.cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range c.Volumes {
			if strings.TrimSpace(v) == "" {
				return r.lineError(cmd, "VOLUME specified can not be an empty string")
			}
			s.cfg.Volumes[v] = struct{}{}
		}
		r.history(fmt.Sprintf("VOLUME %v", c.Volumes), false)
	case *instructions.StopSignalCommand:
		s.cfg.StopSignal = c.Signal
		r.history("STOPSIGNAL "+c.Signal, false)
	case *instructions.HealthCheckCommand:
		h := c.Health
		s.cfg.Healthcheck = &v1.HealthConfig{Test: append([]string(nil), h.Test...), Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
		r.history(fmt.Sprintf("HEALTHCHECK %+v", *h), false)
	case *instructions.OnbuildCommand:
		s.cfg.OnBuild = append(s.cfg.OnBuild, c.Expression)
		r.history("ONBUILD "+c.Expression, false)
	case *instructions.WorkdirCommand:
		return r.workdir(c, name)
	case *instructions.RunCommand:
		return r.runStep(c, name)
	case *instructions.CopyCommand, *instructions.AddCommand:
		cp, err := r.b.df.Copy(r.st, cmd, s.env)
		if err != nil {
			return err
		}
		return r.copyStep(cmd, cp, name)
	default:
		return r.lineError(cmd, fmt.Sprintf("%s is not supported by the embedded sandbox", strings.ToUpper(cmd.Name())))
	}
	return nil
}

func (r *stageRun) withShell(args []string) []string {
	sh := r.s.cfg.Shell
	if len(sh) == 0 {
		sh = []string{"/bin/sh", "-c"}
	}
	return append(append([]string(nil), sh...), strings.Join(args, " "))
}

// arg applies ARG with the front end's rules (a --build-arg wins, then the
// default, then a global ARG's value; a valued ARG joins the environment of
// every later RUN) and records it for RUN's history text.
func (r *stageRun) arg(c *instructions.ArgCommand) error {
	s := r.s
	env, err := r.b.df.ApplyArg(s.env, c)
	if err != nil {
		return err
	}
	var parts []string
	for _, a := range c.Args {
		def := a
		if v, ok := lookupEnv(env, a.Key); ok {
			val := v
			def.Value = &val
			parts = append(parts, a.Key+"="+v)
		} else {
			parts = append(parts, a.Key)
		}
		s.args = append(s.args, def)
	}
	s.env = env
	r.history("ARG "+strings.Join(parts, " "), false)
	return nil
}

// history appends a config history entry.
func (r *stageRun) history(createdBy string, layer bool) {
	h := v1.History{CreatedBy: createdBy, Comment: "buildkit.dockerfile.v0", EmptyLayer: !layer}
	// An entry is dated by the newest layer under it, so a fully cached
	// rebuild yields the same config and so the same image ID.
	if !r.s.created.IsZero() {
		h.Created = v1.Time{Time: r.s.created}
	}
	r.s.history = append(r.s.history, h)
}

// workdir sets the working directory and, unless it is "/", creates it as
// the current USER (so a USER line before WORKDIR changes this step's key).
func (r *stageRun) workdir(c *instructions.WorkdirCommand, name string) error {
	s := r.s
	wd := c.Path
	if !path.IsAbs(wd) {
		base := s.cfg.WorkingDir
		if base == "" {
			base = "/"
		}
		wd = path.Join(base, wd)
	}
	wd = path.Clean(wd)
	s.cfg.WorkingDir = wd
	if wd == "/" {
		r.history("WORKDIR "+wd, false)
		return nil
	}
	k := keyInput{Op: "mkdir", Parent: s.key, Dest: wd, User: s.cfg.User, Platform: s.osName + "/" + s.arch}
	return r.step(c, name, k, Inputs{Op: "WORKDIR", Parent: s.key, Dir: wd, User: s.cfg.User}, "WORKDIR "+wd, false, func(sc *stepCtx) error {
		id, err := sc.identity(s.cfg.User)
		if err != nil {
			return err
		}
		return sc.fs.View(id).MkdirAll(wd, 0o755)
	})
}

// expandPorts turns "8000", "8000/udp" or "8000-8002" into "8000/tcp"...
func expandPorts(p string) ([]string, error) {
	num, proto, _ := strings.Cut(p, "/")
	if proto == "" {
		proto = "tcp"
	}
	proto = strings.ToLower(proto)
	if proto != "tcp" && proto != "udp" && proto != "sctp" {
		return nil, fmt.Errorf("invalid proto: %s", proto)
	}
	lo, hi, isRange := strings.Cut(num, "-")
	start, err := strconv.Atoi(lo)
	if err != nil || start < 0 || start > 65535 {
		return nil, fmt.Errorf("invalid containerPort: %s", num)
	}
	end := start
	if isRange {
		if end, err = strconv.Atoi(hi); err != nil || end < start || end > 65535 {
			return nil, fmt.Errorf("invalid range specified for containerPort: %s", num)
		}
	}
	var out []string
	for n := start; n <= end; n++ {
		out = append(out, fmt.Sprintf("%d/%s", n, proto))
	}
	return out, nil
}

func mapPorts(ports []string) []string {
	out := make([]string, len(ports))
	for i, p := range ports {
		out[i] = p + ":{}"
	}
	return out
}
