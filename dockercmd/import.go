package dockercmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// ImportOptions are `docker import` flags and arguments.
type ImportOptions struct {
	Source    string // a file, or "-" for stdin
	Reference string // optional REPOSITORY[:TAG]
	Changes   []string
	Message   string
}

// importConfig is the config docker's daemon writes for an import: the
// image config of the spec plus its top-level "comment", and no "config"
// at all when no change was given.
type importConfig struct {
	Architecture string         `json:"architecture"`
	Comment      string         `json:"comment,omitempty"`
	Config       *v1.Config     `json:"config,omitempty"`
	Created      time.Time      `json:"created"`
	History      []importedHist `json:"history"`
	OS           string         `json:"os"`
	RootFS       v1.RootFS      `json:"rootfs"`
}

type importedHist struct {
	Created time.Time `json:"created"`
	Comment string    `json:"comment,omitempty"`
}

// RunImport makes a one-layer image from a root filesystem tarball (plain,
// gzip or bzip2) and prints its ID, like docker import.
func RunImport(ios *iostreams.IOStreams, st *store.Store, opts ImportOptions) error {
	if strings.HasPrefix(opts.Source, "http://") || strings.HasPrefix(opts.Source, "https://") {
		return cliError("importing from a URL is not possible in the embedded sandbox: download the file and import it")
	}
	if opts.Reference != "" {
		if _, err := store.ParseReference(opts.Reference); err != nil {
			return cliError("%v", err)
		}
	}
	var cfg *v1.Config
	for _, c := range opts.Changes {
		if cfg == nil {
			cfg = &v1.Config{}
		}
		if err := applyChange(cfg, c); err != nil {
			return daemonError(err)
		}
	}
	var in io.Reader = ios.In
	if opts.Source != "-" {
		f, err := os.Open(opts.Source)
		if err != nil {
			return cliError("%v", err)
		}
		defer f.Close()
		in = f
	}
	r, err := decompress(in)
	if err != nil {
		return daemonError(err)
	}
	diffID, _, err := st.PutLayerFunc(r, v1.Hash{}, checkLayerEntry)
	if err != nil {
		return daemonError(err)
	}
	msg := opts.Message
	if msg == "" {
		// The docker CLI uploads files as "-", so the daemon's default
		// message is always this one.
		msg = "Imported from -"
	}
	created := now().UTC()
	raw, err := json.Marshal(importConfig{
		Architecture: "amd64", OS: "linux", Comment: msg, Config: cfg, Created: created,
		History: []importedHist{{Created: created, Comment: msg}},
		RootFS:  v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{diffID}},
	})
	if err != nil {
		return err
	}
	id, err := st.PutImageRaw(raw)
	if err != nil {
		return daemonError(err)
	}
	if opts.Reference != "" {
		if err := st.Tag(id, opts.Reference); err != nil {
			return daemonError(err)
		}
	}
	fmt.Fprintln(ios.Out, id)
	return nil
}

// applyChange applies one -c "INSTRUCTION args" with BuildKit's own parser,
// so shell and JSON forms mean what they mean in a Dockerfile.
func applyChange(cfg *v1.Config, change string) error {
	res, err := parser.Parse(strings.NewReader(change))
	if err != nil {
		return err
	}
	for _, node := range res.AST.Children {
		switch strings.ToLower(node.Value) {
		case "cmd", "entrypoint", "healthcheck", "env", "expose", "label", "onbuild", "stopsignal", "user", "volume", "workdir":
		default:
			return fmt.Errorf("%s is not a valid change command", node.Value)
		}
		inst, err := instructions.ParseInstruction(node)
		if err != nil {
			return err
		}
		shell := func(cl instructions.ShellDependantCmdLine) []string {
			if cl.PrependShell {
				return append([]string{"/bin/sh", "-c"}, strings.Join(cl.CmdLine, " "))
			}
			return cl.CmdLine
		}
		switch c := inst.(type) {
		case *instructions.CmdCommand:
			cfg.Cmd = shell(c.ShellDependantCmdLine)
		case *instructions.EntrypointCommand:
			cfg.Entrypoint = shell(c.ShellDependantCmdLine)
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				cfg.Env = setEnv(cfg.Env, kv.Key, kv.Value)
			}
		case *instructions.ExposeCommand:
			if cfg.ExposedPorts == nil {
				cfg.ExposedPorts = map[string]struct{}{}
			}
			for _, p := range c.Ports {
				if !strings.Contains(p, "/") {
					p += "/tcp"
				}
				cfg.ExposedPorts[p] = struct{}{}
			}
		case *instructions.LabelCommand:
			if cfg.Labels == nil {
				cfg.Labels = map[string]string{}
			}
			for _, kv := range c.Labels {
				cfg.Labels[kv.Key] = kv.Value
			}
		case *instructions.OnbuildCommand:
			cfg.OnBuild = append(cfg.OnBuild, c.Expression)
		case *instructions.StopSignalCommand:
			cfg.StopSignal = c.Signal
		case *instructions.UserCommand:
			cfg.User = c.User
		case *instructions.VolumeCommand:
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			for _, v := range c.Volumes {
				cfg.Volumes[v] = struct{}{}
			}
		case *instructions.WorkdirCommand:
			cfg.WorkingDir = c.Path
		case *instructions.HealthCheckCommand:
			if h := c.Health; h != nil {
				cfg.Healthcheck = &v1.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
			}
		}
	}
	return nil
}

func setEnv(env []string, k, v string) []string {
	for i, e := range env {
		if strings.HasPrefix(e, k+"=") {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}
