package dockercmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/runtime"
)

// RunOptions are the `docker run` flags the embedded runtime takes.
type RunOptions struct {
	runtime.CreateOptions
	Interactive bool // -i: connect stdin
	Detach      bool
	// Self is learn's own command line, to start a detached container's
	// supervisor.
	Self []string
}

// runError is docker run's shape for a daemon-side failure: "docker: "
// prefix, the hint line, exit code 125.
func runError(format string, args ...any) error {
	return &Error{Msg: "docker: Error response from daemon: " + fmt.Sprintf(format, args...) + "\nSee 'docker run --help'.", Code: 125}
}

// RunRun creates a container and runs it in the foreground; the command's
// exit code is the container's.
func RunRun(ctx context.Context, ios *iostreams.IOStreams, rt *runtime.Runtime, opts RunOptions) (int, error) {
	img, err := rt.Store.Image(opts.Image)
	if err != nil {
		// As docker: say so, pull it (from the offline catalogue), go on.
		fmt.Fprintf(ios.ErrOut, "Unable to find image '%s' locally\n", familiarRef(opts.Image))
		pullIO := *ios
		pullIO.Out = ios.ErrOut
		if err := RunPull(&pullIO, rt.Store, PullOptions{Image: opts.Image, forRun: true}); err != nil {
			var de *Error
			if errors.As(err, &de) {
				return 0, &Error{Msg: "docker: " + de.Msg + "\nSee 'docker run --help'.", Code: 125, cause: err}
			}
			return 0, runError("%v", err)
		}
		if img, err = rt.Store.Image(opts.Image); err != nil {
			return 0, runError("%v", err)
		}
	}
	c, err := rt.Create(opts.CreateOptions, img)
	if err != nil {
		return 0, runError("%v", err)
	}
	if opts.Detach {
		if err := rt.StartDetached(c, opts.Self); err != nil {
			return 0, runError("%v", err)
		}
		fmt.Fprintln(ios.Out, c.ID)
		return 0, nil
	}
	stdio := runtime.Stdio{Out: ios.Out, Err: ios.ErrOut}
	if opts.Interactive {
		stdio.In = ios.In
	}
	code, err := rt.Start(ctx, c, stdio)
	if err != nil {
		return 0, runError("%v", err)
	}
	return code, nil
}

// familiarRef adds docker's default tag for the "Unable to find" line.
func familiarRef(ref string) string {
	if i := strings.LastIndex(ref, "/"); !strings.Contains(ref[i+1:], ":") && !strings.Contains(ref, "@") {
		return ref + ":latest"
	}
	return ref
}

// PsOptions are `docker ps` flags.
type PsOptions struct {
	All     bool
	Quiet   bool
	NoTrunc bool
	Format  string
	Filter  FilterOpt
}

type psRow struct {
	ID, Image, Command, CreatedAt, RunningFor, Ports, State, Status, Names, Size, Labels, Mounts, Networks string
}

func (r *psRow) MarshalJSON() ([]byte, error) { return rowJSON(r) }

var psHeaders = map[string]string{
	"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT",
	"RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE", "Status": "STATUS", "Names": "NAMES",
	"Size": "SIZE", "Labels": "LABELS", "Mounts": "MOUNTS", "Networks": "NETWORKS",
}

const defaultPsTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

// status is docker's STATUS column.
func status(c *runtime.Container) string {
	switch c.State.Status {
	case "running":
		up := "Up " + units.HumanDuration(now().UTC().Sub(c.State.StartedAt))
		if h := c.State.Health; h != nil {
			if h.Status == "starting" {
				return up + " (health: starting)"
			}
			return up + " (" + h.Status + ")"
		}
		return up
	case "exited":
		return fmt.Sprintf("Exited (%d) %s ago", c.State.ExitCode, units.HumanDuration(now().UTC().Sub(c.State.FinishedAt)))
	}
	return "Created"
}

// RunPs lists containers as docker ps does: running ones, or all with -a.
func RunPs(ios *iostreams.IOStreams, rt *runtime.Runtime, opts PsOptions) error {
	all, err := rt.List()
	if err != nil {
		return err
	}
	filters := opts.Filter.clone()
	var rows []any
	for _, c := range all {
		if !opts.All && !c.State.Running && len(filters["status"]) == 0 {
			continue
		}
		if !matchAny(filters["name"], func(v string) bool { return strings.Contains(c.Name, v) }) ||
			!matchAny(filters["status"], func(v string) bool { return v == c.State.Status }) ||
			!matchAny(filters["ancestor"], func(v string) bool { return v == c.Image || strings.HasPrefix(c.ImageID.Hex, v) }) {
			continue
		}
		id, cmd := c.ID, c.Command()
		if !opts.NoTrunc {
			id = c.ShortID()
			cmd = ellipsis(cmd, 20)
		}
		rows = append(rows, &psRow{
			ID: id, Image: c.Image, Command: `"` + cmd + `"`,
			CreatedAt:  time.Unix(c.Created.Unix(), 0).String(),
			RunningFor: units.HumanDuration(now().UTC().Sub(c.Created)) + " ago",
			State:      c.State.Status, Status: status(c), Names: c.Name, Ports: c.PortsString(),
		})
	}
	format := opts.Format
	switch {
	case opts.Quiet && format == "":
		format = "{{.ID}}"
	case format == "" || format == "table":
		format = defaultPsTable
	}
	return listFormat{format: format, headers: psHeaders}.write(ios.Out, rows)
}

func matchAny(values []string, match func(string) bool) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		if match(v) {
			return true
		}
	}
	return false
}

// LogsOptions are `docker logs` flags.
type LogsOptions struct {
	Name       string
	Tail       string // "all" or a number
	Timestamps bool
	Follow     bool
}

// RunLogs prints what a container wrote, each line to the stream it came
// from.
func RunLogs(ios *iostreams.IOStreams, rt *runtime.Runtime, opts LogsOptions) error {
	c, err := rt.Get(opts.Name)
	if err != nil {
		return containerError(err)
	}
	lines, err := rt.Logs(c)
	if err != nil {
		return err
	}
	if opts.Tail != "" && opts.Tail != "all" {
		var n int
		if _, err := fmt.Sscan(opts.Tail, &n); err != nil || n < 0 {
			return cliError("invalid value %q for --tail: a number or \"all\"", opts.Tail)
		}
		if n < len(lines) {
			lines = lines[len(lines)-n:]
		}
	}
	printLines(ios, lines, opts.Timestamps)
	if !opts.Follow {
		return nil
	}
	// -f: keep printing what the container writes until it stops.
	seen := len(lines)
	for {
		cur, err := rt.Get(c.ID)
		running := err == nil && cur.State.Running
		all, err := rt.Logs(c)
		if err != nil {
			return err
		}
		if len(all) > seen {
			printLines(ios, all[seen:], opts.Timestamps)
			seen = len(all)
		}
		if !running {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func printLines(ios *iostreams.IOStreams, lines []runtime.LogLine, timestamps bool) {
	for _, l := range lines {
		w := ios.Out
		if l.Stream == "stderr" {
			w = ios.ErrOut
		}
		if timestamps {
			fmt.Fprint(w, l.Time.Format(time.RFC3339Nano)+" ")
		}
		fmt.Fprint(w, l.Text)
	}
}

// Lifecycle is the flags of start, stop, kill, restart and wait.
type Lifecycle struct {
	Names   []string
	Attach  bool // start -a
	Timeout int  // stop/restart -t
	Self    []string
}

// RunStart starts stopped containers: detached, printing each name, or
// with -a attached to one, whose exit code it returns.
func RunStart(ctx context.Context, ios *iostreams.IOStreams, rt *runtime.Runtime, opts Lifecycle) (int, error) {
	var errs []error
	for _, n := range opts.Names {
		c, err := rt.Get(n)
		if err != nil {
			errs = append(errs, containerError(err))
			continue
		}
		if c.State.Running {
			if !opts.Attach {
				fmt.Fprintln(ios.Out, n)
			}
			continue
		}
		if opts.Attach {
			code, err := rt.Start(ctx, c, runtime.Stdio{Out: ios.Out, Err: ios.ErrOut})
			if err != nil {
				return 0, containerError(err)
			}
			return code, nil
		}
		if err := rt.StartDetached(c, opts.Self); err != nil {
			errs = append(errs, containerError(err))
			continue
		}
		fmt.Fprintln(ios.Out, n)
	}
	return 0, joinErrors(errs)
}

// RunStop stops running containers (after Timeout seconds, killing them).
func RunStop(ios *iostreams.IOStreams, rt *runtime.Runtime, opts Lifecycle) error {
	return eachContainer(ios, rt, opts.Names, func(c *runtime.Container) error { return rt.Stop(c, opts.Timeout) })
}

// RunKill kills running containers; a stopped one is docker's error.
func RunKill(ios *iostreams.IOStreams, rt *runtime.Runtime, opts Lifecycle) error {
	return eachContainer(ios, rt, opts.Names, func(c *runtime.Container) error {
		if !c.State.Running {
			return fmt.Errorf("cannot kill container: %s: container %s is not running", c.Name, c.ID)
		}
		return rt.Kill(c)
	})
}

// RunRestart stops and starts containers.
func RunRestart(ios *iostreams.IOStreams, rt *runtime.Runtime, opts Lifecycle) error {
	return eachContainer(ios, rt, opts.Names, func(c *runtime.Container) error {
		if err := rt.Stop(c, opts.Timeout); err != nil {
			return err
		}
		cur, err := rt.Get(c.ID)
		if err != nil {
			return err
		}
		return rt.StartDetached(cur, opts.Self)
	})
}

// RunWait prints each container's exit code once it has stopped.
func RunWait(ctx context.Context, ios *iostreams.IOStreams, rt *runtime.Runtime, opts Lifecycle) error {
	var errs []error
	for _, n := range opts.Names {
		c, err := rt.Get(n)
		if err != nil {
			errs = append(errs, containerError(err))
			continue
		}
		code, err := rt.Wait(ctx, c)
		if err != nil {
			errs = append(errs, containerError(err))
			continue
		}
		fmt.Fprintln(ios.Out, code)
	}
	return joinErrors(errs)
}

func eachContainer(ios *iostreams.IOStreams, rt *runtime.Runtime, names []string, do func(*runtime.Container) error) error {
	var errs []error
	for _, n := range names {
		c, err := rt.Get(n)
		if err == nil {
			err = do(c)
		}
		if err != nil {
			errs = append(errs, containerError(err))
			continue
		}
		fmt.Fprintln(ios.Out, n)
	}
	return joinErrors(errs)
}

// ExecOptions are `docker exec` flags.
type ExecOptions struct {
	Name string
	runtime.ExecOptions
}

// RunExec runs a command in a running container; the exit code is the
// command's.
func RunExec(ctx context.Context, ios *iostreams.IOStreams, rt *runtime.Runtime, opts ExecOptions) (int, error) {
	c, err := rt.Get(opts.Name)
	if err != nil {
		return 0, containerError(err)
	}
	if !c.State.Running {
		return 0, &Error{Msg: fmt.Sprintf("Error response from daemon: container %s is not running", c.ID)}
	}
	stdio := runtime.Stdio{Out: ios.Out, Err: ios.ErrOut}
	if opts.Stdin {
		stdio.In = ios.In
	}
	code, err := rt.Exec(ctx, c, opts.ExecOptions, stdio)
	if err != nil {
		return 0, containerError(err)
	}
	return code, nil
}

// RmOptions are `docker rm` flags.
type RmOptions struct {
	Names   []string
	Force   bool
	Volumes bool // -v: remove anonymous volumes too
}

// RunRm removes containers, printing each name as given.
func RunRm(ios *iostreams.IOStreams, rt *runtime.Runtime, opts RmOptions) error {
	var errs []error
	for _, n := range opts.Names {
		if c, err := rt.Get(n); err == nil && c.State.Running && opts.Force {
			if err := rt.Kill(c); err != nil {
				errs = append(errs, containerError(err))
				continue
			}
		}
		if _, err := rt.Remove(n, opts.Force, opts.Volumes); err != nil {
			errs = append(errs, containerError(err))
			continue
		}
		fmt.Fprintln(ios.Out, n)
	}
	return joinErrors(errs)
}

// containerError words a runtime failure as the daemon does.
func containerError(err error) error {
	var nf *runtime.NotFoundError
	if errors.As(err, &nf) {
		return &Error{Msg: "Error response from daemon: " + nf.Error(), cause: err}
	}
	return &Error{Msg: "Error response from daemon: " + err.Error(), cause: err}
}

// ContainerInspect is the daemon's container inspect answer, in the shape
// docker prints (the fields the sandbox knows).
type ContainerInspect struct {
	ID              string                 `json:"Id"`
	Created         string                 `json:"Created"`
	Path            string                 `json:"Path"`
	Args            []string               `json:"Args"`
	State           containerInspectState  `json:"State"`
	Image           string                 `json:"Image"`
	Name            string                 `json:"Name"`
	RestartCount    int                    `json:"RestartCount"`
	Driver          string                 `json:"Driver"`
	Platform        string                 `json:"Platform"`
	HostConfig      containerHostConfig    `json:"HostConfig"`
	Config          containerInspectConfig `json:"Config"`
	NetworkSettings containerNetwork       `json:"NetworkSettings"`
	Mounts          []mountInspect         `json:"Mounts"`
}

type containerInspectState struct {
	Health     *runtime.Health `json:"Health,omitempty"`
	Status     string          `json:"Status"`
	Running    bool            `json:"Running"`
	Paused     bool            `json:"Paused"`
	Restarting bool            `json:"Restarting"`
	OOMKilled  bool            `json:"OOMKilled"`
	Dead       bool            `json:"Dead"`
	Pid        int             `json:"Pid"`
	ExitCode   int             `json:"ExitCode"`
	Error      string          `json:"Error"`
	StartedAt  string          `json:"StartedAt"`
	FinishedAt string          `json:"FinishedAt"`
}

type portBindings map[string][]hostPort

type hostPort struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

type containerHostConfig struct {
	AutoRemove   bool         `json:"AutoRemove"`
	PortBindings portBindings `json:"PortBindings"`
}

type containerInspectConfig struct {
	Hostname     string              `json:"Hostname"`
	User         string              `json:"User"`
	Tty          bool                `json:"Tty"`
	OpenStdin    bool                `json:"OpenStdin"`
	Env          []string            `json:"Env"`
	Cmd          []string            `json:"Cmd"`
	Image        string              `json:"Image"`
	WorkingDir   string              `json:"WorkingDir"`
	Entrypoint   []string            `json:"Entrypoint"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
}

type containerNetwork struct {
	Ports    portBindings               `json:"Ports"`
	Networks map[string]networkSettings `json:"Networks"`
}

type networkSettings struct {
	IPAddress string   `json:"IPAddress"`
	Aliases   []string `json:"Aliases"`
}

// dockerTime is how inspect prints times; a zero time is docker's zero.
func dockerTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// InspectContainer builds docker's inspect record of c.
func InspectContainer(c *runtime.Container) ContainerInspect {
	bindings := portBindings{}
	for _, p := range c.Ports {
		key := fmt.Sprintf("%d/%s", p.ContainerPort, p.Proto)
		bindings[key] = append(bindings[key], hostPort{HostIP: p.HostIP, HostPort: fmt.Sprint(p.HostPort)})
	}
	running := portBindings{}
	if c.State.Running {
		running = bindings
	}
	return ContainerInspect{
		ID: c.ID, Created: dockerTime(c.Created), Path: c.Path, Args: append([]string{}, c.Args...),
		State: containerInspectState{Health: c.State.Health, Status: c.State.Status, Running: c.State.Running, Pid: c.State.Pid, ExitCode: c.State.ExitCode,
			Error: c.State.Error, StartedAt: dockerTime(c.State.StartedAt), FinishedAt: dockerTime(c.State.FinishedAt)},
		Image: c.ImageID.String(), Name: "/" + c.Name, Driver: "overlay2", Platform: "linux",
		HostConfig: containerHostConfig{AutoRemove: c.AutoRemove, PortBindings: bindings},
		Config: containerInspectConfig{Hostname: c.Config.Hostname, User: c.Config.User, Tty: c.Config.Tty, OpenStdin: c.Config.OpenStdin,
			Env: c.Config.Env, Cmd: c.Config.Cmd, Image: c.Image, WorkingDir: c.Config.WorkingDir, Entrypoint: c.Config.Entrypoint},
		NetworkSettings: containerNetwork{Ports: running, Networks: networksOf(c)},
		Mounts:          inspectMounts(c),
	}
}

// ContainerFinder is InspectOptions.Containers for a runtime.
func ContainerFinder(rt *runtime.Runtime) func(string) (any, bool) {
	return func(name string) (any, bool) {
		c, err := rt.Get(name)
		if err != nil {
			return nil, false
		}
		return InspectContainer(c), true
	}
}

// RunPort lists a container's published ports as docker port does.
func RunPort(ios *iostreams.IOStreams, rt *runtime.Runtime, name, filter string) error {
	c, err := rt.Get(name)
	if err != nil {
		return containerError(err)
	}
	found := false
	for _, p := range c.Ports {
		key := fmt.Sprintf("%d/%s", p.ContainerPort, p.Proto)
		if filter != "" && filter != key && filter != fmt.Sprint(p.ContainerPort) {
			continue
		}
		found = true
		if filter == "" {
			fmt.Fprintf(ios.Out, "%s -> %s:%d\n", key, orAny(p.HostIP), p.HostPort)
		} else {
			fmt.Fprintf(ios.Out, "%s:%d\n", orAny(p.HostIP), p.HostPort)
		}
	}
	if filter != "" && !found {
		return &Error{Msg: fmt.Sprintf("Error: No public port '%s' published for %s", filter, name)}
	}
	return nil
}

func orAny(ip string) string {
	if ip == "" {
		return "0.0.0.0"
	}
	return ip
}

// RunRename renames a container.
func RunRename(rt *runtime.Runtime, oldName, newName string) error {
	if err := rt.Rename(oldName, newName); err != nil {
		return containerError(err)
	}
	return nil
}

type mountInspect struct {
	Type        string `json:"Type"`
	Name        string `json:"Name,omitempty"`
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Driver      string `json:"Driver,omitempty"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
	Propagation string `json:"Propagation"`
}

func inspectMounts(c *runtime.Container) []mountInspect {
	out := []mountInspect{}
	for _, m := range c.Mounts {
		mi := mountInspect{Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination, RW: m.RW}
		if m.Type == "volume" {
			mi.Driver = "local"
		} else {
			mi.Propagation = "rprivate"
		}
		if !m.RW {
			mi.Mode = "ro"
		}
		out = append(out, mi)
	}
	return out
}

func networksOf(c *runtime.Container) map[string]networkSettings {
	out := map[string]networkSettings{}
	for _, e := range c.Networks {
		ip := ""
		if c.State.Running {
			ip = e.IP
		}
		out[e.Network] = networkSettings{IPAddress: ip, Aliases: e.Aliases}
	}
	return out
}
