package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/dockercmd"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/runtime"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/tools"
)

// toolbox is every program the sandbox can run.
func (a *app) toolbox() tools.Registry {
	return tools.Default()
}

// layers is the process's one layer loader, shared by builds and runs.
func (a *app) layers(st *store.Store) *rootfs.Loader {
	if a.loader == nil {
		a.loader = &rootfs.Loader{Store: st}
	}
	return a.loader
}

// runtime opens the container runtime on the engine's state folder.
func (a *app) runtime() (*runtime.Runtime, error) {
	st, err := a.store()
	if err != nil {
		return nil, err
	}
	home, err := a.learnHome()
	if err != nil {
		return nil, err
	}
	return runtime.New(filepath.Join(home, "engine", "containers"), st, a.layers(st), a.toolbox())
}

// withRuntime is withStore for container commands.
func (a *app) withRuntime(run func(*runtime.Runtime) error) error {
	rt, err := a.runtime()
	if err != nil {
		return err
	}
	return a.withStore(func(*store.Store) error { return run(rt) })
}

func (a *app) containerCommands() []*cobra.Command {
	container := &cobra.Command{Use: "container", Short: "Manage containers", Args: cobra.NoArgs}
	container.AddCommand(a.psCmd("ls", "list"), a.rmCmd("rm", "remove"), a.logsCmd(), a.runCmd())
	return []*cobra.Command{a.runCmd(), a.psCmd("ps"), a.logsCmd(), a.rmCmd("rm"), container}
}

func (a *app) runCmd() *cobra.Command {
	var o dockercmd.RunOptions
	var env, envFiles []string
	var entrypoint string
	cmd := &cobra.Command{
		Use:   "run [OPTIONS] IMAGE [COMMAND] [ARG...]",
		Short: "Create and run a new container from an image",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usagef("\"docker run\" requires at least 1 argument")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Image, o.Cmd = args[0], args[1:]
			if cmd.Flags().Changed("entrypoint") {
				o.Entrypoint = &entrypoint
			}
			vars, err := envFlags(env, envFiles)
			if err != nil {
				return err
			}
			o.Env = vars
			var code int
			err = a.withRuntime(func(rt *runtime.Runtime) error {
				var err error
				code, err = dockercmd.RunRun(cmd.Context(), a.io, rt, a.resolver(rt.Store), o)
				return err
			})
			if err != nil {
				return err
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	// Flags stop at the image name: the rest is the container's command.
	f.SetInterspersed(false)
	f.StringVar(&o.Name, "name", "", "assign a name to the container")
	f.BoolVar(&o.AutoRemove, "rm", false, "automatically remove the container when it exits")
	f.BoolVarP(&o.Detach, "detach", "d", false, "run container in background and print container ID")
	f.StringArrayVarP(&env, "env", "e", nil, "set environment variables")
	f.StringArrayVar(&envFiles, "env-file", nil, "read in a file of environment variables")
	f.StringVarP(&o.WorkingDir, "workdir", "w", "", "working directory inside the container")
	f.StringVarP(&o.User, "user", "u", "", "username or UID (format: <name|uid>[:<group|gid>])")
	f.StringVar(&entrypoint, "entrypoint", "", "overwrite the default ENTRYPOINT of the image")
	f.StringVar(&o.Hostname, "hostname", "", "container host name")
	f.BoolVarP(&o.Interactive, "interactive", "i", false, "keep STDIN open")
	f.BoolVarP(&o.Tty, "tty", "t", false, "allocate a pseudo-TTY")
	return cmd
}

// resolver finds images for run: the store first; the offline catalogue
// plugs in here.
func (a *app) resolver(st *store.Store) dockercmd.Resolver { return st.Image }

// envFlags reads -e and --env-file as docker does: KEY=VALUE, or a bare
// KEY taken from learn's own environment when set there.
func envFlags(env, files []string) ([]string, error) {
	var out []string
	add := func(kv string) {
		if strings.Contains(kv, "=") {
			out = append(out, kv)
		} else if v, ok := os.LookupEnv(kv); ok {
			out = append(out, kv+"="+v)
		}
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, errors.Unwrap(err))
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimLeft(sc.Text(), " \t")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if strings.HasPrefix(line, "=") {
				f.Close()
				return nil, usagef("%s:%d: invalid environment variable: %s", name, n, line)
			}
			add(line)
		}
		f.Close()
	}
	for _, kv := range env {
		add(kv)
	}
	return out, nil
}

func (a *app) psCmd(use string, aliases ...string) *cobra.Command {
	var o dockercmd.PsOptions
	cmd := &cobra.Command{
		Use: use + " [OPTIONS]", Aliases: aliases, Short: "List containers", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withRuntime(func(rt *runtime.Runtime) error { return dockercmd.RunPs(a.io, rt, o) })
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.All, "all", "a", false, "show all containers (default shows just running)")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "only display container IDs")
	f.BoolVar(&o.NoTrunc, "no-trunc", false, "don't truncate output")
	f.StringVar(&o.Format, "format", "", "format output using a custom template")
	f.VarP(&o.Filter, "filter", "f", "filter output based on conditions provided")
	return cmd
}

func (a *app) logsCmd() *cobra.Command {
	var o dockercmd.LogsOptions
	cmd := &cobra.Command{
		Use: "logs [OPTIONS] CONTAINER", Short: "Fetch the logs of a container",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("\"docker logs\" requires exactly 1 argument")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			return a.withRuntime(func(rt *runtime.Runtime) error { return dockercmd.RunLogs(a.io, rt, o) })
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Tail, "tail", "n", "all", "number of lines to show from the end of the logs")
	f.BoolVarP(&o.Timestamps, "timestamps", "t", false, "show timestamps")
	f.BoolVarP(&o.Follow, "follow", "f", false, "follow log output")
	return cmd
}

func (a *app) rmCmd(use string, aliases ...string) *cobra.Command {
	var o dockercmd.RmOptions
	cmd := &cobra.Command{
		Use: use + " [OPTIONS] CONTAINER [CONTAINER...]", Aliases: aliases, Short: "Remove one or more containers",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 {
				return usagef("\"docker rm\" requires at least 1 argument")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			return a.withRuntime(func(rt *runtime.Runtime) error { return dockercmd.RunRm(a.io, rt, o) })
		},
	}
	cmd.Flags().BoolVarP(&o.Force, "force", "f", false, "force the removal of a running container")
	return cmd
}
