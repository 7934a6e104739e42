package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/atomicfile"
	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/shell"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/tools"
	"github.com/layerlab/learn/sandbox/users"
)

// defaultPath is the PATH a container gets when its image sets none, as
// docker's does.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Runtime creates and runs containers.
type Runtime struct {
	root   string
	Store  *store.Store
	Layers *rootfs.Loader
	Tools  tools.Registry
	Now    func() time.Time
}

// New opens the runtime whose containers live under root.
func New(root string, st *store.Store, layers *rootfs.Loader, reg tools.Registry) (*Runtime, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	if layers == nil {
		layers = &rootfs.Loader{Store: st}
	}
	r := &Runtime{root: root, Store: st, Layers: layers, Tools: reg, Now: time.Now}
	// rmi asks which containers use an image.
	st.Containers = r.usersOf
	return r, nil
}

func (r *Runtime) usersOf(id v1.Hash) []store.ContainerRef {
	all, err := r.List()
	if err != nil {
		return nil
	}
	var refs []store.ContainerRef
	for _, c := range all {
		if c.ImageID == id {
			refs = append(refs, store.ContainerRef{ID: c.ID, Running: c.State.Running})
		}
	}
	return refs
}

// CreateOptions are the `docker run`/`docker create` flags the runtime
// understands.
type CreateOptions struct {
	Name       string
	Image      string // as given
	Cmd        []string
	Entrypoint *string // --entrypoint; "" clears the image's
	Env        []string
	WorkingDir string
	User       string
	Hostname   string
	AutoRemove bool
	Tty        bool
	OpenStdin  bool
	Ports      []PortBinding
	PublishAll bool // -P: every EXPOSEd port on a free host port
	// Health replaces the image's HEALTHCHECK (--health-*); NoHealthcheck
	// disables it.
	Health        *Healthcheck
	NoHealthcheck bool
	// Mounts from -v and --mount (ParseVolume, ParseMount).
	Mounts []MountSpec
	// Network is --network (default bridge); Aliases are --network-alias.
	Network string
	Aliases []string
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// ConflictError is docker's message for a name in use.
type ConflictError struct{ Name, ID string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.", e.Name, e.ID)
}

// Create records a new container from an image in the store.
func (r *Runtime) Create(opt CreateOptions, img *store.Image) (*Container, error) {
	if opt.Name != "" && !validName.MatchString(opt.Name) {
		return nil, fmt.Errorf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", opt.Name)
	}
	unlock, err := atomicfile.Lock(filepath.Join(r.root, "lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, c := range all {
		used[c.Name] = true
		if c.Name == opt.Name {
			return nil, &ConflictError{Name: opt.Name, ID: c.ID}
		}
	}
	cfg := img.Config.Config
	c := &Container{ID: randomID(), Name: opt.Name, Created: r.Now().UTC(), Image: opt.Image, ImageID: img.ID, AutoRemove: opt.AutoRemove}
	if c.Name == "" {
		c.Name = randomName(used)
	}
	// CMD and ENTRYPOINT combine as in docker: --entrypoint replaces the
	// image's and drops its CMD; arguments after the image replace CMD.
	entrypoint := cfg.Entrypoint
	cmd := cfg.Cmd
	if opt.Entrypoint != nil {
		entrypoint = nil
		if *opt.Entrypoint != "" {
			entrypoint = []string{*opt.Entrypoint}
		}
		cmd = nil
	}
	if len(opt.Cmd) > 0 {
		cmd = opt.Cmd
	}
	argv := append(append([]string(nil), entrypoint...), cmd...)
	if len(argv) == 0 {
		return nil, errors.New("No command specified")
	}
	c.Path, c.Args = argv[0], argv[1:]
	env := append([]string(nil), cfg.Env...)
	if _, ok := lookup(env, "PATH"); !ok {
		env = append(env, "PATH="+defaultPath)
	}
	for _, kv := range opt.Env {
		k, _, _ := strings.Cut(kv, "=")
		env = setEnv(env, k, kv)
	}
	hostname := opt.Hostname
	if hostname == "" {
		hostname = c.ID[:12]
	}
	c.Config = Config{Hostname: hostname, User: cfg.User, Env: env, Cmd: cmd, Entrypoint: entrypoint, WorkingDir: cfg.WorkingDir, Tty: opt.Tty, OpenStdin: opt.OpenStdin}
	if opt.User != "" {
		c.Config.User = opt.User
	}
	if opt.WorkingDir != "" {
		c.Config.WorkingDir = opt.WorkingDir
	}
	if hc := cfg.Healthcheck; hc != nil {
		c.Config.Healthcheck = &Healthcheck{Test: hc.Test, Interval: hc.Interval, Timeout: hc.Timeout, StartPeriod: hc.StartPeriod, Retries: hc.Retries}
	}
	if opt.Health != nil {
		c.Config.Healthcheck = opt.Health
	}
	if opt.NoHealthcheck {
		c.Config.Healthcheck = nil
	}
	c.Mounts = append(c.Mounts, opt.Mounts...)
	// Every VOLUME of the image not covered by a mount gets an anonymous
	// volume.
	var vols []string
	for v := range cfg.Volumes {
		vols = append(vols, path.Clean(v))
	}
	sort.Strings(vols)
	for _, v := range vols {
		covered := false
		for _, m := range c.Mounts {
			covered = covered || m.Destination == v
		}
		if !covered {
			c.Mounts = append(c.Mounts, MountSpec{Type: "volume", Destination: v, RW: true, Anonymous: true})
		}
	}
	for i := range c.Mounts {
		if c.Mounts[i].Type == "volume" && c.Mounts[i].Name == "" {
			c.Mounts[i].Name = randomID()
		}
	}
	network := opt.Network
	if network == "" {
		network = "bridge"
	}
	n, err := r.Network(network)
	if err != nil {
		return nil, err
	}
	if len(opt.Aliases) > 0 && !n.UserDefined() {
		return nil, errors.New("network-scoped alias is supported only for containers in user defined networks")
	}
	if err := r.connect(c, n, opt.Aliases); err != nil {
		return nil, err
	}
	if n.Name == "host" && opt.Hostname == "" {
		// The host's network stack, and so its name.
		if h, err := os.Hostname(); err == nil {
			c.Config.Hostname = h
		}
	}
	c.Ports = append(c.Ports, opt.Ports...)
	if opt.PublishAll {
		var exposed []string
		for p := range cfg.ExposedPorts {
			exposed = append(exposed, p)
		}
		sort.Strings(exposed)
		for _, e := range exposed {
			b, err := ParsePort(e)
			if err == nil {
				c.Ports = append(c.Ports, b)
			}
		}
	}
	c.State.Status = "created"
	if err := os.MkdirAll(r.dir(c.ID), 0o755); err != nil {
		return nil, err
	}
	if err := r.save(c); err != nil {
		os.RemoveAll(r.dir(c.ID))
		return nil, err
	}
	return c, nil
}

func lookup(env []string, k string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if name, v, _ := strings.Cut(env[i], "="); name == k {
			return v, true
		}
	}
	return "", false
}

func setEnv(env []string, k, kv string) []string {
	for i, e := range env {
		if name, _, _ := strings.Cut(e, "="); name == k {
			out := append([]string(nil), env...)
			out[i] = kv
			return out
		}
	}
	return append(env, kv)
}

// Stdio connects a running container to its caller.
type Stdio struct {
	In       io.Reader // nil: no stdin (as without -i)
	Out, Err io.Writer
}

// filesystem is the container's root: the image's layers, then the
// writable layers of its earlier runs.
func (r *Runtime) filesystem(c *Container) (*layerfs.FS, error) {
	img, err := r.Store.Image(c.ImageID.String())
	if err != nil {
		return nil, fmt.Errorf("the image of container %s is gone: %v", c.Name, err)
	}
	base, err := r.Layers.FS(img.Layers)
	if err != nil {
		return nil, err
	}
	lowers := base.Layers()
	for i := 1; i <= c.Layers; i++ {
		f, err := os.Open(filepath.Join(r.dir(c.ID), "rw", strconv.Itoa(i)+".tar"))
		if err != nil {
			return nil, err
		}
		l, err := layerfs.ReadLayer(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("container %s: writable layer %d: %v", c.Name, i, err)
		}
		lowers = append(lowers, l)
	}
	return layerfs.New(lowers...), nil
}

// process is a container ready to run: its filesystem (image layers, the
// writable layers of earlier runs, and a fresh top layer), who it runs as,
// and its environment.
type process struct {
	c   *Container
	fs  *layerfs.FS
	id  sandbox.Identity
	env []string
	dir string
	// term is closed by docker stop: the main process's SIGTERM.
	term     chan struct{}
	termOnce sync.Once
}

// terminate delivers docker stop's signal to the main process.
func (p *process) terminate() { p.termOnce.Do(func() { close(p.term) }) }

func (r *Runtime) prepare(c *Container) (*process, error) {
	fsys, err := r.filesystem(c)
	if err != nil {
		return nil, err
	}
	id := sandbox.Root
	if c.Config.User != "" {
		if id, err = users.Lookup(fsys.View(sandbox.Root), c.Config.User); err != nil {
			return nil, fmt.Errorf("unable to find user %s: %v", c.Config.User, err)
		}
	}
	env := append([]string(nil), c.Config.Env...)
	env = setEnv(env, "HOSTNAME", "HOSTNAME="+c.Config.Hostname)
	if _, ok := lookup(env, "HOME"); !ok {
		home := id.Home
		if home == "" {
			home = "/"
		}
		env = append(env, "HOME="+home)
	}
	dir := c.Config.WorkingDir
	if dir == "" {
		dir = "/"
	}
	if err := r.setupMounts(c, fsys); err != nil {
		return nil, err
	}
	p := &process{c: c, fs: fsys, id: id, env: env, dir: dir, term: make(chan struct{})}
	// The working directory exists before the process starts (runc makes
	// it as root).
	root, err := r.mounted(fsys.View(sandbox.Root), c, sandbox.Root)
	if err != nil {
		return nil, err
	}
	if err := root.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return p, nil
}

// shellConfig is how a command runs in the container, as id in dir.
func (r *Runtime) shellConfig(p *process, id sandbox.Identity, dir string, env []string, stdio Stdio) shell.Config {
	in := stdio.In
	if in == nil {
		in = strings.NewReader("")
	}
	fsys, err := r.mounted(p.fs.View(id), p.c, id)
	if err != nil {
		// The mounts were set up when the container started; a failure
		// here leaves the process without them, visibly.
		fsys = p.fs.View(id)
	}
	return shell.Config{FS: fsys, Dir: dir, Env: env, Stdin: in, Stdout: stdio.Out, Stderr: stdio.Err,
		Tools: r.Tools, Hostname: p.c.Config.Hostname, Resolve: r.resolver(p.c.ID)}
}

// Start runs the container in the foreground until its process exits and
// returns the exit code. Output goes to stdio and to the container's log;
// the writes it made are kept as a new writable layer.
func (r *Runtime) Start(ctx context.Context, c *Container, stdio Stdio) (int, error) {
	p, err := r.prepare(c)
	if err != nil {
		return 0, err
	}
	if err := r.allocatePorts(c); err != nil {
		return 0, err
	}
	// The pid lets a later learn see that this one died (a closed terminal)
	// and record the container as stopped.
	c.State = State{Status: "running", Running: true, StartedAt: r.Now().UTC(), Pid: os.Getpid()}
	if err := r.save(c); err != nil {
		return 0, err
	}
	stopProxies := startProxies(c)
	code, runErr := r.runMain(ctx, p, stdio)
	stopProxies()
	if ctx.Err() != nil {
		// Interrupted (Ctrl-C): docker passes SIGINT on, and the process
		// ends with 128+2.
		code = 130
	}
	return code, r.finish(p, code, runErr)
}

// runMain runs the container's command with its output also in the log.
func (r *Runtime) runMain(ctx context.Context, p *process, stdio Stdio) (int, error) {
	logw, err := openLog(filepath.Join(r.dir(p.c.ID), "container.log"), r.Now)
	if err != nil {
		return 0, err
	}
	defer logw.Close()
	if stdio.Out == nil {
		stdio.Out = io.Discard
	}
	if stdio.Err == nil {
		stdio.Err = io.Discard
	}
	stdio.Out = io.MultiWriter(stdio.Out, logw.stream("stdout"))
	stdio.Err = io.MultiWriter(stdio.Err, logw.stream("stderr"))
	cfg := r.shellConfig(p, p.id, p.dir, p.env, stdio)
	cfg.Terminate = p.term
	cfg.Tty = p.c.Config.Tty
	return shell.Exec(ctx, cfg, append([]string{p.c.Path}, p.c.Args...))
}

// finish records how the process ended and keeps its writes; an
// --rm container is removed instead.
func (r *Runtime) finish(p *process, code int, runErr error) error {
	c := p.c
	if runErr != nil && ctxErr(runErr) {
		runErr = nil
	}
	if p.fs.Changed() {
		if err := r.keepLayer(c, p.fs); err != nil && runErr == nil {
			runErr = err
		}
	}
	c.State.Running = false
	c.State.Status = "exited"
	c.State.ExitCode = code
	c.State.Pid = 0
	c.State.FinishedAt = r.Now().UTC()
	if c.AutoRemove {
		if err := r.removeFiles(c, true); err != nil && runErr == nil {
			runErr = err
		}
		return runErr
	}
	// A rename while it ran is kept.
	if cur, err := r.load(c.ID); err == nil {
		c.Name = cur.Name
	}
	if err := r.save(c); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

func ctxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// keepLayer writes this run's changes as the container's next writable
// layer (written whole, then renamed, then recorded).
func (r *Runtime) keepLayer(c *Container, fsys *layerfs.FS) error {
	dir := filepath.Join(r.dir(c.ID), "rw")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := c.Layers + 1
	tmp, err := os.CreateTemp(dir, ".layer-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fsys.WriteDiff(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, strconv.Itoa(n)+".tar")); err != nil {
		return err
	}
	c.Layers = n
	return nil
}

// Remove deletes a container and its writable layers, and with volumes
// its anonymous volumes. A running one needs force.
func (r *Runtime) Remove(name string, force, volumes bool) (*Container, error) {
	c, err := r.Get(name)
	if err != nil {
		return nil, err
	}
	if c.State.Running && !force {
		return nil, fmt.Errorf("You cannot remove a running container %s. Stop the container before attempting removal or force remove", c.ID)
	}
	return c, r.removeFiles(c, volumes)
}

func (r *Runtime) removeFiles(c *Container, volumes bool) error {
	if err := os.RemoveAll(r.dir(c.ID)); err != nil {
		return err
	}
	if volumes {
		for _, m := range c.Mounts {
			if m.Type == "volume" && m.Anonymous {
				os.RemoveAll(r.volumeDir(m.Name))
			}
		}
	}
	return nil
}
