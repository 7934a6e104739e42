package build

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/progress"
	"github.com/layerlab/learn/sandbox/shell"
)

// runHostname is the hostname BuildKit gives RUN containers.
const runHostname = "buildkitsandbox"

func (r *stageRun) runStep(c *instructions.RunCommand, name string) error {
	s := r.s
	run, err := r.b.df.Run(r.st, c, s.env)
	if err != nil {
		return err
	}
	if len(run.Mounts) > 0 {
		return r.lineError(c, "RUN --mount is not supported by the embedded sandbox yet; use --engine docker")
	}
	args := run.Argv(s.cfg.Shell)
	// A "#!" heredoc is a script BuildKit mounts and executes; the sandbox
	// runs it when its interpreter is a shell it has.
	script := ""
	if len(run.Files) > 0 {
		body := run.Files[0].Data
		line, _, _ := strings.Cut(body, "\n")
		interp := strings.Fields(strings.TrimPrefix(line, "#!"))
		if len(interp) == 0 || !isShell(interp[0]) {
			return r.lineError(c, fmt.Sprintf("RUN heredoc with %q: the embedded sandbox runs heredoc scripts with a shell only; use --engine docker", line))
		}
		script = body
	}
	k := keyInput{Op: "run", Parent: s.key, Args: args, Env: s.env, Dir: workdirOf(s), User: s.cfg.User,
		Network: run.Network + "/" + run.Security, Platform: s.osName + "/" + s.arch}
	if script != "" {
		k.Mounts = []string{"heredoc:" + script}
	}
	in := Inputs{Op: "RUN", Parent: s.key, Env: s.env, Dir: workdirOf(s), User: s.cfg.User, Args: args}
	createdBy := "RUN " + runCommandString(args, s.args, s.env) + " # buildkit"
	return r.step(c, name, k, in, createdBy, r.noCache, func(sc *stepCtx) error {
		id, err := sc.identity(s.cfg.User)
		if err != nil {
			return err
		}
		env := append([]string(nil), s.env...)
		if _, ok := lookupEnv(env, "PATH"); !ok {
			env = append(env, "PATH="+defaultPath)
		}
		if _, ok := lookupEnv(env, "HOME"); !ok {
			home := id.Home
			if home == "" {
				home = "/"
			}
			env = append(env, "HOME="+home)
		}
		fsys := sc.fs.View(id)
		dir := workdirOf(s)
		// The working directory exists before the process starts, as runc
		// creates it.
		if err := sc.fs.View(sandbox.Root).MkdirAll(dir, 0o755); err != nil {
			return err
		}
		out := &progress.LineWriter{P: r.b.opt.Progress, V: sc.v}
		cfg := shell.Config{
			FS: fsys, Dir: dir, Env: env, Stdin: strings.NewReader(""),
			Stdout: out, Stderr: out, Tools: r.b.opt.Tools, Hostname: runHostname,
		}
		var code int
		if script != "" {
			code, err = shell.Run(r.b.ctx, cfg, script)
		} else {
			code, err = shell.Exec(r.b.ctx, cfg, args)
		}
		out.Flush()
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("process %q did not complete successfully: exit code: %d", strings.Join(args, " "), code)
		}
		return nil
	})
}

func isShell(p string) bool {
	switch p[strings.LastIndex(p, "/")+1:] {
	case "sh", "bash", "dash", "ash":
		return true
	}
	return false
}

func workdirOf(s *state) string {
	if s.cfg.WorkingDir == "" {
		return "/"
	}
	return s.cfg.WorkingDir
}

// runCommandString is RUN's history text: "|N K=V ... argv" when ARGs are
// in scope, as BuildKit writes it.
func runCommandString(args []string, buildArgs []instructions.KeyValuePairOptional, env []string) string {
	var tmp []string
	idx := map[string]int{}
	for _, a := range buildArgs {
		v, ok := lookupEnv(env, a.Key)
		if !ok {
			v = a.ValueString()
		}
		if i, ok := idx[a.Key]; ok {
			tmp[i] = a.Key + "=" + v
		} else {
			idx[a.Key] = len(tmp)
			tmp = append(tmp, a.Key+"="+v)
		}
	}
	if len(tmp) > 0 {
		tmp = append([]string{fmt.Sprintf("|%d", len(tmp))}, tmp...)
	}
	return strings.Join(append(tmp, args...), " ")
}
