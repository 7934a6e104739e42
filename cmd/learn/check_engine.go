package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/layerlab/learn/checker"
	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/images"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/store"
)

// sandboxEngine runs a check's docker commands on the embedded engine with
// its own, temporary state (LEARN_HOME), never the learner's.
type sandboxEngine struct {
	home string   // the temporary LEARN_HOME
	self []string // learn's own command line, for learner scripts
}

// Docker runs `learn docker ARGS` in-process, in dir.
func (e *sandboxEngine) Docker(ctx context.Context, dir string, args []string) (checker.Outcome, error) {
	restore, err := e.enter(dir)
	if err != nil {
		return checker.Outcome{}, err
	}
	defer restore()
	ios, _, out, errOut := iostreams.Test()
	code := run(append([]string{"docker"}, args...), ios)
	return checker.Outcome{Stdout: out.String(), Stderr: errOut.String(), Exit: code}, nil
}

// enter makes dir the working directory and the temporary state the
// engine's, returning how to undo both. Commands resolve "." and -v ./x
// against the working directory, as docker does.
func (e *sandboxEngine) enter(dir string) (func(), error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	oldHome, hadHome := os.LookupEnv("LEARN_HOME")
	if dir != "" {
		if err := os.Chdir(dir); err != nil {
			return nil, err
		}
	}
	os.Setenv("LEARN_HOME", e.home)
	return func() {
		os.Chdir(wd)
		if hadHome {
			os.Setenv("LEARN_HOME", oldHome)
		} else {
			os.Unsetenv("LEARN_HOME")
		}
	}, nil
}

// Script runs a learner's script with a `docker` on PATH that is this
// engine (learn docker with the temporary state).
func (e *sandboxEngine) Script(ctx context.Context, dir, file string) (checker.Outcome, error) {
	bin := filepath.Join(e.home, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return checker.Outcome{}, err
	}
	// Both `docker ...` and `learn docker ...` in the script reach this
	// engine (LEARN_HOME below is its state).
	for name, body := range map[string]string{
		"docker": fmt.Sprintf("#!/bin/sh\nexec %q docker \"$@\"\n", e.self[0]),
		"learn":  fmt.Sprintf("#!/bin/sh\nexec %q \"$@\"\n", e.self[0]),
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			return checker.Outcome{}, err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
		return checker.Outcome{Stderr: fmt.Sprintf("sh: 0: cannot open %s: No such file\n", file), Exit: 2}, nil
	}
	cmd := exec.CommandContext(ctx, "sh", file)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LEARN_HOME="+e.home, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		return checker.Outcome{}, err
	}
	return checker.Outcome{Stdout: out.String(), Stderr: errOut.String(), Exit: code}, nil
}

// ImageHas looks into an image's files.
func (e *sandboxEngine) ImageHas(ctx context.Context, image, path string) (bool, error) {
	st, err := store.Open(filepath.Join(e.home, "engine"))
	if err != nil {
		return false, err
	}
	fsys, _, err := (&rootfs.Loader{Store: st, Source: images.LoadLayer}).Image(image)
	if err != nil {
		return false, fmt.Errorf("no image %s", image)
	}
	_, err = fsys.View(sandbox.Root).Lstat("/" + strings.TrimPrefix(path, "/"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// close stops whatever the checks left running and removes the state.
func (e *sandboxEngine) close() {
	if out, err := e.Docker(context.Background(), "", []string{"ps", "-aq"}); err == nil {
		for _, id := range strings.Fields(out.Stdout) {
			e.Docker(context.Background(), "", []string{"rm", "-f", "-v", id})
		}
	}
	os.RemoveAll(e.home)
}
