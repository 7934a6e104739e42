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
	"github.com/layerlab/learn/sandbox/store"
)

// RunOptions are the `docker run` flags the embedded runtime takes.
type RunOptions struct {
	runtime.CreateOptions
	Interactive bool // -i: connect stdin
	Detach      bool
}

// Resolver finds an image for run (the store, then the offline catalogue).
type Resolver func(ref string) (*store.Image, error)

// runError is docker run's shape for a daemon-side failure: "docker: "
// prefix, the hint line, exit code 125.
func runError(format string, args ...any) error {
	return &Error{Msg: "docker: Error response from daemon: " + fmt.Sprintf(format, args...) + "\nSee 'docker run --help'.", Code: 125}
}

// RunRun creates a container and runs it in the foreground; the command's
// exit code is the container's.
func RunRun(ctx context.Context, ios *iostreams.IOStreams, rt *runtime.Runtime, resolve Resolver, opts RunOptions) (int, error) {
	if opts.Detach {
		return 0, &Error{Msg: "docker: detached containers (-d) are not available in the embedded sandbox yet; run in the foreground, or use --engine docker.", Code: 125}
	}
	if resolve == nil {
		resolve = rt.Store.Image
	}
	img, err := rt.Store.Image(opts.Image)
	if err != nil {
		fmt.Fprintf(ios.ErrOut, "Unable to find image '%s' locally\n", familiarRef(opts.Image))
		if img, err = resolve(opts.Image); err != nil {
			return 0, runError("%v", err)
		}
	}
	c, err := rt.Create(opts.CreateOptions, img)
	if err != nil {
		return 0, runError("%v", err)
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
		return "Up " + units.HumanDuration(now().UTC().Sub(c.State.StartedAt))
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
			State:      c.State.Status, Status: status(c), Names: c.Name,
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
	for _, l := range lines {
		w := ios.Out
		if l.Stream == "stderr" {
			w = ios.ErrOut
		}
		if opts.Timestamps {
			fmt.Fprint(w, l.Time.Format(time.RFC3339Nano)+" ")
		}
		fmt.Fprint(w, l.Text)
	}
	return nil
}

// RmOptions are `docker rm` flags.
type RmOptions struct {
	Names []string
	Force bool
}

// RunRm removes containers, printing each name as given.
func RunRm(ios *iostreams.IOStreams, rt *runtime.Runtime, opts RmOptions) error {
	var errs []error
	for _, n := range opts.Names {
		if _, err := rt.Remove(n, opts.Force); err != nil {
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
