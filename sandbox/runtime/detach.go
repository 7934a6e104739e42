package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/shell"
)

// StartDetached runs c in a supervisor process started with self (learn's
// own command line, e.g. []string{"/usr/local/bin/learn"}) and returns
// once the container is running (or has already exited).
func (r *Runtime) StartDetached(c *Container, self []string) error {
	begun := r.Now().UTC()
	cmd := exec.Command(self[0], append(append([]string(nil), self[1:]...), ShimCommand, c.ID)...)
	cmd.SysProcAttr = detachAttr()
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer devnull.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the container's supervisor: %w", err)
	}
	pid := cmd.Process.Pid
	// Reap the supervisor if it ends while we wait; it is on its own once
	// we return.
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		cur, err := r.load(c.ID)
		// Running under this supervisor, or already finished by this run
		// (not a previous one).
		if err == nil && (cur.State.Running && cur.State.Pid == pid || cur.State.Status == "exited" && !cur.State.FinishedAt.Before(begun)) {
			*c = *cur
			if cur.State.Error != "" {
				return errors.New(cur.State.Error)
			}
			return nil
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil // --rm, and it has already finished
		}
		select {
		case <-exited:
			if cur, err := r.load(c.ID); err == nil {
				*c = *cur
				if cur.State.Error != "" {
					return errors.New(cur.State.Error)
				}
			}
			return nil
		case <-time.After(10 * time.Millisecond):
		}
	}
	return fmt.Errorf("container %s did not start", c.Name)
}

// ExecOptions are `docker exec` flags.
type ExecOptions struct {
	Argv    []string
	Env     []string
	User    string
	Workdir string
	Stdin   bool
	Tty     bool
}

// Exec runs a command in a running container and returns its exit code.
func (r *Runtime) Exec(ctx context.Context, c *Container, opt ExecOptions, stdio Stdio) (int, error) {
	conn, err := r.dial(c)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := send(conn, request{Op: "exec", Argv: opt.Argv, Env: opt.Env, User: opt.User, Workdir: opt.Workdir, Stdin: opt.Stdin && stdio.In != nil, Tty: opt.Tty}); err != nil {
		return 0, err
	}
	if opt.Stdin && stdio.In != nil {
		var mu sync.Mutex
		go func() {
			buf := make([]byte, 32*1024)
			for {
				n, err := stdio.In.Read(buf)
				if n > 0 {
					writeFrame(conn, &mu, frameStdin, buf[:n])
				}
				if err != nil {
					writeFrame(conn, &mu, frameStdin, nil)
					return
				}
			}
		}()
	}
	go func() { <-ctx.Done(); conn.Close() }()
	return pump(conn, stdio)
}

// Stop ends a running container: its process gets timeout seconds to exit,
// then is killed. It returns once the container has stopped.
func (r *Runtime) Stop(c *Container, timeout int) error {
	return r.control(c, request{Op: "stop", Timeout: timeout})
}

// Kill ends a running container at once.
func (r *Runtime) Kill(c *Container) error { return r.control(c, request{Op: "kill"}) }

func (r *Runtime) control(c *Container, req request) error {
	if !c.State.Running {
		return nil
	}
	conn, err := r.dial(c)
	if err != nil {
		// The supervisor does not answer: end it, and record the stop.
		if c.State.Pid > 0 && alive(c.State.Pid) {
			kill(c.State.Pid)
		}
		c.State = State{Status: "exited", ExitCode: 137, StartedAt: c.State.StartedAt, FinishedAt: r.Now().UTC(), Error: err.Error()}
		return r.save(c)
	}
	defer conn.Close()
	if err := send(conn, req); err != nil {
		return err
	}
	_, err = pump(conn, Stdio{Out: io.Discard, Err: io.Discard})
	return err
}

// Wait blocks until c is not running and returns its exit code.
func (r *Runtime) Wait(ctx context.Context, c *Container) (int, error) {
	for {
		cur, err := r.load(c.ID)
		if err != nil {
			return 0, err
		}
		if !cur.State.Running {
			return cur.State.ExitCode, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// execIn runs argv in the container as id.
func execIn(ctx context.Context, r *Runtime, p *process, id sandbox.Identity, dir string, env []string, stdio Stdio, argv []string, tty bool) (int, error) {
	cfg := r.shellConfig(p, id, dir, env, stdio)
	cfg.Tty = tty
	return shell.Exec(ctx, cfg, argv)
}
