package python

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Interpreter is the host CPython that runs programs for the sandbox.
type Interpreter struct {
	// Path is the real executable (sys.executable), not a wrapper such as
	// a pyenv shim, so it starts without the host's environment.
	Path string
	// Version is the host interpreter's version, e.g. "3.11.2".
	Version string
	// Asked is what was configured or found on PATH (for messages).
	Asked string
}

// ErrNoInterpreter is returned when the host has no usable python3.
var ErrNoInterpreter = errors.New("no Python interpreter on this machine for the embedded sandbox to use: install python3 or set LEARN_PYTHON, or use --engine docker")

var probes sync.Map // candidate path -> *probe

type probe struct {
	once sync.Once
	in   *Interpreter
	err  error
}

// FindInterpreter returns the interpreter learn uses: $LEARN_PYTHON if set,
// else python3 on the host's PATH. The answer is probed once per process.
func FindInterpreter() (*Interpreter, error) {
	asked := os.Getenv("LEARN_PYTHON")
	if asked == "" {
		asked = "python3"
	}
	cand, err := exec.LookPath(asked)
	if err != nil {
		if os.Getenv("LEARN_PYTHON") != "" {
			return nil, fmt.Errorf("LEARN_PYTHON=%s: %w", asked, ErrNoInterpreter)
		}
		return nil, ErrNoInterpreter
	}
	v, _ := probes.LoadOrStore(cand, &probe{})
	pr := v.(*probe)
	pr.once.Do(func() { pr.in, pr.err = probeInterpreter(cand) })
	if pr.err != nil {
		return nil, pr.err
	}
	in := *pr.in
	in.Asked = asked
	return &in, nil
}

func probeInterpreter(cand string) (*Interpreter, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Run with the host's environment: wrappers such as pyenv shims need
	// it. The answer is the binary itself, which then runs without it.
	cmd := exec.CommandContext(ctx, cand, "-I", "-c",
		"import sys; print(sys.executable); print('%d.%d.%d' % sys.version_info[:3])")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s does not run (%v: %s): %w", cand, err, strings.TrimSpace(errb.String()), ErrNoInterpreter)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "3.") {
		return nil, fmt.Errorf("%s is not Python 3: %w", cand, ErrNoInterpreter)
	}
	exe := strings.TrimSpace(lines[0])
	if exe == "" {
		exe = cand
	}
	return &Interpreter{Path: exe, Version: strings.TrimSpace(lines[1])}, nil
}
