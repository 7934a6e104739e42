package build

import (
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/layerlab/learn/sandbox/layerfs"
)

// defaultPath is what BuildKit puts in an image's Env when its base has no
// PATH (an image made by `docker import`, or scratch).
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// state is a stage part-way through: the LLB-like state (key, layers,
// environment) and the image config being built. Steps return a new state;
// a state is never changed after another may have seen it, except for the
// lazily loaded filesystem.
type state struct {
	key    string
	layers []v1.Hash
	fs     *layerfs.FS // nil until a step needs the files

	cfg     v1.Config
	env     []string // ENV and valued ARGs, most recently assigned last
	args    []instructions.KeyValuePairOptional
	history []v1.History
	created time.Time // when the newest layer was made
	osName  string
	arch    string
}

func (s *state) clone() *state {
	n := *s
	n.layers = append([]v1.Hash(nil), s.layers...)
	n.env = append([]string(nil), s.env...)
	n.args = append([]instructions.KeyValuePairOptional(nil), s.args...)
	n.history = append([]v1.History(nil), s.history...)
	n.cfg = cloneConfig(s.cfg)
	return &n
}

func cloneConfig(c v1.Config) v1.Config {
	n := c
	n.Env = append([]string(nil), c.Env...)
	n.Cmd = append([]string(nil), c.Cmd...)
	n.Entrypoint = append([]string(nil), c.Entrypoint...)
	n.Shell = append([]string(nil), c.Shell...)
	n.OnBuild = append([]string(nil), c.OnBuild...)
	n.ExposedPorts = cloneSet(c.ExposedPorts)
	n.Volumes = cloneSet(c.Volumes)
	if c.Labels != nil {
		n.Labels = make(map[string]string, len(c.Labels))
		for k, v := range c.Labels {
			n.Labels[k] = v
		}
	}
	if c.Healthcheck != nil {
		h := *c.Healthcheck
		h.Test = append([]string(nil), c.Healthcheck.Test...)
		n.Healthcheck = &h
	}
	return n
}

func cloneSet(m map[string]struct{}) map[string]struct{} {
	if m == nil {
		return nil
	}
	n := make(map[string]struct{}, len(m))
	for k := range m {
		n[k] = struct{}{}
	}
	return n
}

// setConfigEnv assigns k in an image config's Env, keeping its position.
func setConfigEnv(env []string, k, v string) []string {
	for i, kv := range env {
		if name, _, _ := strings.Cut(kv, "="); name == k {
			out := append([]string(nil), env...)
			out[i] = k + "=" + v
			return out
		}
	}
	return append(append([]string(nil), env...), k+"="+v)
}

func lookupEnv(env []string, k string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if name, v, _ := strings.Cut(env[i], "="); name == k {
			return v, true
		}
	}
	return "", false
}

// envGetter lets BuildKit's shell lexer expand variables from a state.
type envGetter []string

func (e envGetter) Get(key string) (string, bool) { return lookupEnv(e, key) }

func (e envGetter) Keys() []string {
	keys := make([]string, 0, len(e))
	for _, kv := range e {
		k, _, _ := strings.Cut(kv, "=")
		keys = append(keys, k)
	}
	return keys
}
