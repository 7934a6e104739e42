package main

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/layerlab/learn/dockercmd"
	"github.com/layerlab/learn/sandbox/images"
	"github.com/layerlab/learn/sandbox/pkgs"
	"github.com/layerlab/learn/sandbox/python"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/runtime"
	"github.com/layerlab/learn/sandbox/services"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/tools"
)

// toolbox is every program the sandbox can run.
func (a *app) toolbox() tools.Registry {
	reg := tools.Default()
	maps.Copy(reg, python.Tools())
	maps.Copy(reg, pkgs.Tools())
	maps.Copy(reg, services.Tools())
	return reg
}

// layers is the process's one layer loader, shared by builds and runs.
func (a *app) layers(st *store.Store) *rootfs.Loader {
	if a.loader == nil {
		// Catalogue layers are built from their recipes, not parsed from tar.
		a.loader = &rootfs.Loader{Store: st, Source: images.LoadLayer}
	}
	return a.loader
}

// runtime opens the container runtime on the engine's state folder.
func (a *app) runtime() (*runtime.Runtime, error) {
	if _, err := a.store(); err != nil {
		return nil, err
	}
	return a.rt, nil
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
	container.AddCommand(a.portCmd(), a.renameCmd(), a.containerInspectCmd(), a.psCmd("ls", "list"), a.rmCmd("rm", "remove"), a.logsCmd(), a.runCmd(),
		a.startCmd(), a.lifecycleCmd("stop"), a.lifecycleCmd("kill"), a.lifecycleCmd("restart"), a.lifecycleCmd("wait"), a.execCmd())
	return []*cobra.Command{a.runCmd(), a.psCmd("ps"), a.logsCmd(), a.rmCmd("rm"), a.startCmd(),
		a.lifecycleCmd("stop"), a.lifecycleCmd("kill"), a.lifecycleCmd("restart"), a.lifecycleCmd("wait"), a.execCmd(),
		a.portCmd(), a.renameCmd(), a.volumeCmd(), a.networkCmd(), a.systemCmd(), container}
}

func (a *app) runCmd() *cobra.Command {
	var o dockercmd.RunOptions
	var env, envFiles, publish, volumes, mounts []string
	var entrypoint string
	var health runtime.Healthcheck
	var healthCmd string
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
			for _, p := range publish {
				b, err := runtime.ParsePort(p)
				if err != nil {
					return usagef("invalid argument %q for \"-p, --publish\" flag: %v", p, err)
				}
				o.Ports = append(o.Ports, b)
			}
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			for _, v := range volumes {
				m, err := runtime.ParseVolume(v, wd)
				if err != nil {
					return usagef("invalid argument %q for \"-v, --volume\" flag: %v", v, err)
				}
				o.Mounts = append(o.Mounts, m)
			}
			for _, v := range mounts {
				m, err := runtime.ParseMount(v, wd)
				if err != nil {
					return usagef("invalid argument %q for \"--mount\" flag: %v", v, err)
				}
				o.Mounts = append(o.Mounts, m)
			}
			if healthCmd != "" || cmd.Flags().Changed("health-interval") || cmd.Flags().Changed("health-retries") {
				if healthCmd != "" {
					health.Test = []string{"CMD-SHELL", healthCmd}
				}
				o.Health = &health
			}
			if o.Self, err = self(); err != nil {
				return err
			}
			var code int
			err = a.withRuntime(func(rt *runtime.Runtime) error {
				var err error
				code, err = dockercmd.RunRun(cmd.Context(), a.io, rt, o)
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
	f.StringArrayVarP(&publish, "publish", "p", nil, "publish a container's port(s) to the host ([IP:]HOST:CONTAINER[/PROTO])")
	f.BoolVarP(&o.PublishAll, "publish-all", "P", false, "publish all exposed ports to random ports")
	f.StringArrayVarP(&volumes, "volume", "v", nil, "bind mount a volume (SRC:DST[:ro])")
	f.StringVar(&o.Network, "network", "", "connect a container to a network")
	f.StringArrayVar(&o.Aliases, "network-alias", nil, "add network-scoped alias for the container")
	f.StringArrayVar(&mounts, "mount", nil, "attach a filesystem mount to the container (type=bind|volume,source=...,target=...[,readonly])")
	f.StringVar(&healthCmd, "health-cmd", "", "command to run to check health")
	f.DurationVar(&health.Interval, "health-interval", 0, "time between running the check (ms|s|m|h)")
	f.DurationVar(&health.Timeout, "health-timeout", 0, "maximum time to allow one check to run (ms|s|m|h)")
	f.DurationVar(&health.StartPeriod, "health-start-period", 0, "start period for the container to initialize (ms|s|m|h)")
	f.IntVar(&health.Retries, "health-retries", 0, "consecutive failures needed to report unhealthy")
	f.BoolVar(&o.NoHealthcheck, "no-healthcheck", false, "disable any container-specified HEALTHCHECK")
	f.BoolVarP(&o.Interactive, "interactive", "i", false, "keep STDIN open")
	f.BoolVarP(&o.Tty, "tty", "t", false, "allocate a pseudo-TTY")
	return cmd
}

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
	cmd.Flags().BoolVarP(&o.Volumes, "volumes", "v", false, "remove anonymous volumes associated with the container")
	return cmd
}

// self is learn's own command line, for starting a container supervisor:
// os.Args[0] found on PATH if it has no slash (so it is the same learn).
func self() ([]string, error) {
	arg0 := os.Args[0]
	if !strings.ContainsRune(arg0, filepath.Separator) {
		p, err := exec.LookPath(arg0)
		if err != nil {
			return nil, fmt.Errorf("cannot find learn's own program to supervise the container: %v", err)
		}
		arg0 = p
	}
	abs, err := filepath.Abs(arg0)
	if err != nil {
		return nil, err
	}
	return []string{abs}, nil
}

// shimCmd is the hidden supervisor of a detached container.
func (a *app) shimCmd() *cobra.Command {
	return &cobra.Command{
		Use: runtime.ShimCommand + " ID", Hidden: true, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := a.runtime()
			if err != nil {
				return err
			}
			return rt.Serve(cmd.Context(), args[0])
		},
	}
}

func (a *app) startCmd() *cobra.Command {
	var o dockercmd.Lifecycle
	cmd := &cobra.Command{
		Use: "start [OPTIONS] CONTAINER [CONTAINER...]", Short: "Start one or more stopped containers",
		Args: minArgs("start", 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			var err error
			if o.Self, err = self(); err != nil {
				return err
			}
			var code int
			if err := a.withRuntime(func(rt *runtime.Runtime) error {
				var err error
				code, err = dockercmd.RunStart(cmd.Context(), a.io, rt, o)
				return err
			}); err != nil {
				return err
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&o.Attach, "attach", "a", false, "attach STDOUT/STDERR and forward signals")
	return cmd
}

// lifecycleCmd is stop, kill, restart or wait.
func (a *app) lifecycleCmd(verb string) *cobra.Command {
	var o dockercmd.Lifecycle
	short := map[string]string{
		"stop": "Stop one or more running containers", "kill": "Kill one or more running containers",
		"restart": "Restart one or more containers", "wait": "Block until containers stop, then print their exit codes",
	}[verb]
	cmd := &cobra.Command{
		Use: verb + " [OPTIONS] CONTAINER [CONTAINER...]", Short: short, Args: minArgs(verb, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			var err error
			if o.Self, err = self(); err != nil {
				return err
			}
			return a.withRuntime(func(rt *runtime.Runtime) error {
				switch verb {
				case "stop":
					return dockercmd.RunStop(a.io, rt, o)
				case "kill":
					return dockercmd.RunKill(a.io, rt, o)
				case "restart":
					return dockercmd.RunRestart(a.io, rt, o)
				}
				return dockercmd.RunWait(cmd.Context(), a.io, rt, o)
			})
		},
	}
	if verb == "stop" || verb == "restart" {
		cmd.Flags().IntVarP(&o.Timeout, "time", "t", 10, "seconds to wait before killing the container")
	}
	return cmd
}

func (a *app) execCmd() *cobra.Command {
	var o dockercmd.ExecOptions
	var env []string
	cmd := &cobra.Command{
		Use: "exec [OPTIONS] CONTAINER COMMAND [ARG...]", Short: "Execute a command in a running container",
		Args: minArgs("exec", 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name, o.Argv = args[0], args[1:]
			vars, err := envFlags(env, nil)
			if err != nil {
				return err
			}
			o.Env = vars
			var code int
			if err := a.withRuntime(func(rt *runtime.Runtime) error {
				var err error
				code, err = dockercmd.RunExec(cmd.Context(), a.io, rt, o)
				return err
			}); err != nil {
				return err
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.BoolVarP(&o.Stdin, "interactive", "i", false, "keep STDIN open")
	f.BoolVarP(&o.Tty, "tty", "t", false, "allocate a pseudo-TTY")
	f.StringVarP(&o.User, "user", "u", "", "username or UID")
	f.StringVarP(&o.Workdir, "workdir", "w", "", "working directory inside the container")
	f.StringArrayVarP(&env, "env", "e", nil, "set environment variables")
	return cmd
}

// minArgs is docker's "requires at least N argument(s)" usage error.
func minArgs(verb string, n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("\"docker %s\" requires at least %d argument", verb, n)
		}
		return nil
	}
}

func (a *app) portCmd() *cobra.Command {
	return &cobra.Command{
		Use: "port CONTAINER [PRIVATE_PORT[/PROTO]]", Short: "List port mappings for the container",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usagef("\"docker port\" requires at least 1 and at most 2 arguments")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			filter := ""
			if len(args) == 2 {
				filter = args[1]
			}
			return a.withRuntime(func(rt *runtime.Runtime) error { return dockercmd.RunPort(a.io, rt, args[0], filter) })
		},
	}
}

func (a *app) renameCmd() *cobra.Command {
	return &cobra.Command{
		Use: "rename CONTAINER NEW_NAME", Short: "Rename a container",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("\"docker rename\" requires exactly 2 arguments")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRuntime(func(rt *runtime.Runtime) error { return dockercmd.RunRename(rt, args[0], args[1]) })
		},
	}
}

// containerInspectCmd is `docker container inspect`: containers only.
func (a *app) containerInspectCmd() *cobra.Command {
	cmd := a.inspectCmd(true)
	cmd.Short = "Display detailed information on one or more containers"
	cmd.Flags().Lookup("type").Value.Set("container")
	return cmd
}

// volumeCmd is `docker volume`.
func (a *app) volumeCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "volume", Short: "Manage volumes", Args: cobra.NoArgs}
	sub := func(use, short string, args cobra.PositionalArgs, run func(*runtime.Runtime, dockercmd.VolumeOptions) error, flags func(*cobra.Command, *dockercmd.VolumeOptions)) *cobra.Command {
		return runtimeSub(a, use, short, args, func(o *dockercmd.VolumeOptions, n []string) { o.Names = n }, run, flags)
	}
	create := sub("create [OPTIONS] [VOLUME]", "Create a volume", cobra.MaximumNArgs(1),
		func(rt *runtime.Runtime, o dockercmd.VolumeOptions) error {
			return dockercmd.RunVolumeCreate(a.io, rt, o)
		},
		func(c *cobra.Command, o *dockercmd.VolumeOptions) {
			c.Flags().StringArrayVar(&o.Labels, "label", nil, "set metadata for a volume")
		})
	ls := sub("ls [OPTIONS]", "List volumes", cobra.NoArgs,
		func(rt *runtime.Runtime, o dockercmd.VolumeOptions) error { return dockercmd.RunVolumeLs(a.io, rt, o) },
		func(c *cobra.Command, o *dockercmd.VolumeOptions) {
			c.Aliases = []string{"list"}
			c.Flags().BoolVarP(&o.Quiet, "quiet", "q", false, "only display volume names")
			c.Flags().StringVar(&o.Format, "format", "", "format output using a custom template")
		})
	inspect := sub("inspect [OPTIONS] VOLUME [VOLUME...]", "Display detailed information on one or more volumes", minArgs("volume inspect", 1),
		func(rt *runtime.Runtime, o dockercmd.VolumeOptions) error {
			return dockercmd.RunVolumeInspect(a.io, rt, o)
		},
		func(c *cobra.Command, o *dockercmd.VolumeOptions) {
			c.Flags().StringVarP(&o.Format, "format", "f", "", "format output using a custom template")
		})
	rm := sub("rm [OPTIONS] VOLUME [VOLUME...]", "Remove one or more volumes", minArgs("volume rm", 1),
		func(rt *runtime.Runtime, o dockercmd.VolumeOptions) error { return dockercmd.RunVolumeRm(a.io, rt, o) },
		func(c *cobra.Command, o *dockercmd.VolumeOptions) {
			c.Aliases = []string{"remove"}
			c.Flags().BoolVarP(&o.Force, "force", "f", false, "force the removal of one or more volumes")
		})
	prune := sub("prune [OPTIONS]", "Remove unused local volumes", cobra.NoArgs,
		func(rt *runtime.Runtime, o dockercmd.VolumeOptions) error {
			return dockercmd.RunVolumePrune(a.io, rt, o)
		},
		func(c *cobra.Command, o *dockercmd.VolumeOptions) {
			c.Flags().BoolVarP(&o.Force, "force", "f", false, "do not prompt for confirmation")
			c.Flags().BoolVarP(&o.All, "all", "a", false, "remove all unused volumes, not just anonymous ones")
		})
	cmd.AddCommand(create, ls, inspect, rm, prune)
	return cmd
}

// systemCmd is `docker system df` and `docker system prune`.
func (a *app) systemCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "system", Short: "Manage the sandbox engine", Args: cobra.NoArgs}
	df := &cobra.Command{Use: "df", Short: "Show disk usage", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withRuntime(func(rt *runtime.Runtime) error { return dockercmd.RunSystemDf(a.io, rt) })
		}}
	var o dockercmd.SystemPruneOptions
	prune := &cobra.Command{Use: "prune [OPTIONS]", Short: "Remove unused data", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withRuntime(func(rt *runtime.Runtime) error { return dockercmd.RunSystemPrune(a.io, rt, o) })
		}}
	prune.Flags().BoolVarP(&o.All, "all", "a", false, "remove all unused images, not just dangling ones")
	prune.Flags().BoolVar(&o.Volumes, "volumes", false, "prune anonymous volumes")
	prune.Flags().BoolVarP(&o.Force, "force", "f", false, "do not prompt for confirmation")
	cmd.AddCommand(df, prune)
	return cmd
}

// networkCmd is `docker network`.
func (a *app) networkCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "network", Short: "Manage networks", Args: cobra.NoArgs}
	sub := func(use, short string, args cobra.PositionalArgs, run func(*runtime.Runtime, dockercmd.NetworkOptions) error, flags func(*cobra.Command, *dockercmd.NetworkOptions)) *cobra.Command {
		return runtimeSub(a, use, short, args, func(o *dockercmd.NetworkOptions, n []string) { o.Names = n }, run, flags)
	}
	exact := func(n int, verb string) cobra.PositionalArgs {
		return func(cmd *cobra.Command, args []string) error {
			if len(args) != n {
				return usagef("\"docker network %s\" requires exactly %d argument(s)", verb, n)
			}
			return nil
		}
	}
	cmd.AddCommand(
		sub("create [OPTIONS] NETWORK", "Create a network", exact(1, "create"),
			func(rt *runtime.Runtime, o dockercmd.NetworkOptions) error {
				return dockercmd.RunNetworkCreate(a.io, rt, o)
			},
			func(c *cobra.Command, o *dockercmd.NetworkOptions) {
				c.Flags().StringVarP(&o.Driver, "driver", "d", "bridge", "driver to manage the network")
				c.Flags().StringVar(&o.Subnet, "subnet", "", "subnet in CIDR format")
				c.Flags().BoolVar(&o.Internal, "internal", false, "restrict external access to the network")
			}),
		sub("ls [OPTIONS]", "List networks", cobra.NoArgs,
			func(rt *runtime.Runtime, o dockercmd.NetworkOptions) error {
				return dockercmd.RunNetworkLs(a.io, rt, o)
			},
			func(c *cobra.Command, o *dockercmd.NetworkOptions) {
				c.Aliases = []string{"list"}
				c.Flags().BoolVarP(&o.Quiet, "quiet", "q", false, "only display network IDs")
				c.Flags().StringVar(&o.Format, "format", "", "format output using a custom template")
			}),
		sub("inspect [OPTIONS] NETWORK [NETWORK...]", "Display detailed information on one or more networks", minArgs("network inspect", 1),
			func(rt *runtime.Runtime, o dockercmd.NetworkOptions) error {
				return dockercmd.RunNetworkInspect(a.io, rt, o)
			},
			func(c *cobra.Command, o *dockercmd.NetworkOptions) {
				c.Flags().StringVarP(&o.Format, "format", "f", "", "format output using a custom template")
			}),
		sub("rm NETWORK [NETWORK...]", "Remove one or more networks", minArgs("network rm", 1),
			func(rt *runtime.Runtime, o dockercmd.NetworkOptions) error {
				return dockercmd.RunNetworkRm(a.io, rt, o)
			},
			func(c *cobra.Command, o *dockercmd.NetworkOptions) { c.Aliases = []string{"remove"} }),
		sub("connect [OPTIONS] NETWORK CONTAINER", "Connect a container to a network", exact(2, "connect"),
			func(rt *runtime.Runtime, o dockercmd.NetworkOptions) error { return dockercmd.RunNetworkConnect(rt, o) },
			func(c *cobra.Command, o *dockercmd.NetworkOptions) {
				c.Flags().StringArrayVar(&o.Aliases, "alias", nil, "add network-scoped alias for the container")
			}),
		sub("disconnect [OPTIONS] NETWORK CONTAINER", "Disconnect a container from a network", exact(2, "disconnect"),
			func(rt *runtime.Runtime, o dockercmd.NetworkOptions) error {
				return dockercmd.RunNetworkDisconnect(rt, o)
			}, nil),
		sub("prune [OPTIONS]", "Remove all unused networks", cobra.NoArgs,
			func(rt *runtime.Runtime, o dockercmd.NetworkOptions) error {
				return dockercmd.RunNetworkPrune(a.io, rt, o)
			},
			func(c *cobra.Command, o *dockercmd.NetworkOptions) {
				c.Flags().BoolVarP(&o.Force, "force", "f", false, "do not prompt for confirmation")
			}),
	)
	return cmd
}

// runtimeSub builds a subcommand of a docker object group (volume,
// network): its options, its arguments as names, run on the runtime.
func runtimeSub[O any](a *app, use, short string, args cobra.PositionalArgs, setNames func(*O, []string),
	run func(*runtime.Runtime, O) error, flags func(*cobra.Command, *O)) *cobra.Command {
	var o O
	c := &cobra.Command{Use: use, Short: short, Args: args,
		RunE: func(cmd *cobra.Command, names []string) error {
			setNames(&o, names)
			return a.withRuntime(func(rt *runtime.Runtime) error { return run(rt, o) })
		}}
	if flags != nil {
		flags(c, &o)
	}
	return c
}
