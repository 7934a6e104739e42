package shell

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"

	"github.com/layerlab/learn/sandbox"
)

// noFifoDir is handed to mvdan.cc/sh as TMPDIR while the runner resets.
// The interpreter creates process-substitution FIFOs there and opens
// "$TMPDIR/sh-interp-*" paths on the host directly; a name with a NUL byte
// makes every such host call fail before reaching the kernel.
const noFifoDir = "/\x00layerlab-no-host-fifos"

// environ is the container's environment for the interpreter: only
// cfg.Env (never the host's), plus the shell's own read-only UID/EUID/GID.
type environ struct {
	vars  map[string]expand.Variable
	order []string
	// resetting is true while the runner's Reset reads TMPDIR.
	resetting bool
}

func newEnviron(env []string, id sandbox.Identity) *environ {
	e := &environ{vars: map[string]expand.Variable{}}
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue
		}
		if _, seen := e.vars[k]; !seen {
			e.order = append(e.order, k)
		}
		e.vars[k] = expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: v}
	}
	if _, ok := e.vars["HOME"]; !ok {
		// Docker always sets HOME, from passwd or "/".
		home := id.Home
		if home == "" {
			home = "/"
		}
		e.order = append(e.order, "HOME")
		e.vars["HOME"] = expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: home}
	}
	// Without these the interpreter would report the host's ids.
	for _, kv := range [][2]string{{"UID", strconv.Itoa(id.UID)}, {"EUID", strconv.Itoa(id.UID)}, {"GID", strconv.Itoa(id.GID)}} {
		if _, ok := e.vars[kv[0]]; !ok {
			e.order = append(e.order, kv[0])
			e.vars[kv[0]] = expand.Variable{Set: true, ReadOnly: true, Kind: expand.String, Str: kv[1]}
		}
	}
	return e
}

func (e *environ) Get(name string) expand.Variable {
	if name == "TMPDIR" && e.resetting {
		return expand.Variable{Set: true, Kind: expand.String, Str: noFifoDir}
	}
	return e.vars[name]
}

func (e *environ) Each(f func(name string, vr expand.Variable) bool) {
	for _, k := range e.order {
		if !f(k, e.vars[k]) {
			return
		}
	}
}

// exported lists the exported string variables of env as KEY=VALUE, in a
// stable order (the original order first, then new names sorted).
func exported(env expand.Environ) []string {
	vals := map[string]string{}
	var order []string
	env.Each(func(name string, vr expand.Variable) bool {
		if _, seen := vals[name]; !seen {
			order = append(order, name)
		}
		if vr.IsSet() && vr.Exported && vr.Kind == expand.String {
			vals[name] = vr.Str
		} else {
			vals[name] = "\x00unset"
		}
		return true
	})
	out := make([]string, 0, len(order))
	for _, k := range order {
		if v := vals[k]; v != "\x00unset" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// envGet reads one variable from a KEY=VALUE list (last wins).
func envGet(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}
