// Package dockerengine drives a real Docker engine through its CLI, with
// BuildKit, so the same cases and checks that run on the embedded sandbox
// can run against the real thing.
package dockerengine

import (
	"path/filepath"

	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/layerlab/learn/atomicfile"
	"io"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"

	"github.com/layerlab/learn/sandbox/cachecase"
)

// Engine is a Docker CLI talking to a running daemon.
type Engine struct {
	// Bin is the docker client; it must have BuildKit built in
	// (DOCKER_BUILDKIT=1 without buildx, as Debian's docker.io has).
	Bin string
}

// ErrUnavailable is returned by Find when no engine answers.
var ErrUnavailable = errors.New("no Docker engine")

// Find returns an engine when a daemon answers `docker info`. LEARN_DOCKER
// names the client; the default is /usr/bin/docker.
func Find(ctx context.Context) (*Engine, error) {
	bin := os.Getenv("LEARN_DOCKER")
	if bin == "" {
		bin = "/usr/bin/docker"
	}
	e := &Engine{Bin: bin}
	if _, err := e.run(ctx, nil, "info", "--format", "{{.ServerVersion}}"); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return e, nil
}

func (e *Engine) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e.Bin, args...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=1")
	return cmd
}

// run returns stdout; stderr goes into the error.
func (e *Engine) run(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := e.command(ctx, args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// Build runs `docker build --progress=plain ARGS DIR`; progress is on stderr.
func (e *Engine) Build(ctx context.Context, dir string, args []string) (string, error) {
	cmd := e.command(ctx, append(append([]string{"build", "--progress=plain"}, args...), dir)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Prune empties the build cache.
func (e *Engine) Prune(ctx context.Context) error {
	_, err := e.run(ctx, nil, "builder", "prune", "-a", "-f")
	return err
}

// Import makes an image from a rootfs tar, as `docker import`.
func (e *Engine) Import(ctx context.Context, rootfs []byte, ref string) error {
	_, err := e.run(ctx, bytes.NewReader(rootfs), "import", "-", ref)
	return err
}

// Load loads a docker-save tar and returns docker's output.
func (e *Engine) Load(ctx context.Context, file string) (string, error) {
	out, err := e.run(ctx, nil, "load", "-i", file)
	return string(out), err
}

// Run runs a container to completion and returns its output.
func (e *Engine) Run(ctx context.Context, args ...string) (string, error) {
	out, err := e.run(ctx, nil, append([]string{"run", "--rm"}, args...)...)
	return string(out), err
}

// RemoveImage removes an image, ignoring a missing one.
func (e *Engine) RemoveImage(ctx context.Context, ref string) {
	_, _ = e.run(ctx, nil, "rmi", "-f", ref)
}

// Paths the engine adds to every container's filesystem; they are not the
// image's.
var runtimePaths = map[string]bool{
	"/.dockerenv": true, "/etc/hostname": true, "/etc/hosts": true,
	"/etc/resolv.conf": true, "/etc/mtab": true,
}

// Files lists the image's filesystem through `docker create` + `export`.
func (e *Engine) Files(ctx context.Context, image string) ([]string, error) {
	idOut, err := e.run(ctx, nil, "create", image, "true")
	if err != nil {
		return nil, err
	}
	id := strings.TrimSpace(string(idOut))
	defer e.run(context.Background(), nil, "rm", "-f", id)
	tarData, err := e.run(ctx, nil, "export", id)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(bytes.NewReader(tarData))
	var lines []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		p := path.Clean("/" + h.Name)
		if p == "/" || runtimePaths[p] || p == "/dev" || p == "/proc" || p == "/sys" ||
			strings.HasPrefix(p, "/dev/") || strings.HasPrefix(p, "/proc/") || strings.HasPrefix(p, "/sys/") {
			continue
		}
		lines = append(lines, cachecase.FileLine(p, h.FileInfo().Mode(), h.Uid, h.Gid, h.Size))
	}
	sort.Strings(lines)
	return lines, nil
}

// Passthrough runs `docker ARGS` with the caller's stdio and returns its
// exit code: `learn --engine docker docker ...`.
func (e *Engine) Passthrough(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	cmd := e.command(ctx, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}

// Docker runs `docker ARGS` in dir and returns what it printed (the
// checker's Engine).
func (e *Engine) Docker(ctx context.Context, dir string, args []string) (stdout, stderr string, exit int, err error) {
	cmd := e.command(ctx, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		return out.String(), errOut.String(), ee.ExitCode(), nil
	}
	return out.String(), errOut.String(), 0, runErr
}

// Has reports whether an image's filesystem holds path.
func (e *Engine) Has(ctx context.Context, image, p string) (bool, error) {
	files, err := e.Files(ctx, image)
	if err != nil {
		return false, err
	}
	p = path.Clean("/" + p)
	for _, l := range files {
		if name, _, _ := strings.Cut(l, " "); name == p {
			return true, nil
		}
	}
	return false, nil
}

// Exclusive takes a machine-wide lock for work that changes the shared
// engine's state (pruning its build cache, cache checks): go test runs
// packages in parallel, and one package's prune would break another's
// CACHED expectations.
func Exclusive() (release func(), err error) {
	return atomicfile.Lock(filepath.Join(os.TempDir(), "learn-docker-engine.lock"))
}
