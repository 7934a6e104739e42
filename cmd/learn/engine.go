package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/layerlab/learn/checker"
	"github.com/layerlab/learn/sandbox/dockerengine"
)

// engineName is --engine, else LEARN_ENGINE, else embedded.
func (a *app) engineName() (string, error) {
	e := a.engine
	if e == "" {
		e = a.getenv("LEARN_ENGINE")
	}
	switch e {
	case "", "embedded":
		return "embedded", nil
	case "docker":
		return "docker", nil
	}
	return "", usagef("unknown engine %q: use embedded or docker", e)
}

// realEngine finds the Docker engine for --engine docker.
func realEngine(ctx context.Context) (*dockerengine.Engine, error) {
	e, err := dockerengine.Find(ctx)
	if err != nil {
		return nil, fmt.Errorf("--engine docker: %v (is the Docker daemon running? the embedded sandbox needs none: drop --engine)", err)
	}
	return e, nil
}

// dockerCheckEngine runs checks on a real Docker engine. Unlike the
// sandbox it cannot start from a fresh state: it removes the containers a
// check started, and leaves images and the build cache alone.
type dockerCheckEngine struct {
	e       *dockerengine.Engine
	started []string
}

func (d *dockerCheckEngine) Docker(ctx context.Context, dir string, args []string) (checker.Outcome, error) {
	out, errOut, code, err := d.e.Docker(ctx, dir, args)
	if err == nil && len(args) > 0 && args[0] == "run" && code == 0 {
		// Detached runs print the container ID.
		if id := bytes.TrimSpace([]byte(out)); len(id) == 64 {
			d.started = append(d.started, string(id))
		}
	}
	return checker.Outcome{Stdout: out, Stderr: errOut, Exit: code}, err
}

func (d *dockerCheckEngine) Script(ctx context.Context, dir, file string) (checker.Outcome, error) {
	if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
		return checker.Outcome{Stderr: fmt.Sprintf("sh: 0: cannot open %s: No such file\n", file), Exit: 2}, nil
	}
	cmd := exec.CommandContext(ctx, "sh", file)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LEARN_ENGINE=docker", "DOCKER_BUILDKIT=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return checker.Outcome{Stdout: out.String(), Stderr: errOut.String(), Exit: ee.ExitCode()}, nil
	}
	return checker.Outcome{Stdout: out.String(), Stderr: errOut.String()}, err
}

func (d *dockerCheckEngine) ImageHas(ctx context.Context, image, p string) (bool, error) {
	return d.e.Has(ctx, image, p)
}

func (d *dockerCheckEngine) close() {
	for _, id := range d.started {
		d.e.Docker(context.Background(), "", []string{"rm", "-f", id})
	}
}
