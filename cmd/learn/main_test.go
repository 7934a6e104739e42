package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/testimage"
)

var update = flag.Bool("update", false, "rewrite the expected output inside testdata/script/*.txtar")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"learn": func() { os.Exit(run(os.Args[1:], iostreams.System())) },
	})
}

// TestScripts drives the learn binary as a user would, one scenario per
// testdata/script/<noun>_<case>.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		// [pandas]: the interpreter the sandbox's python uses can import
		// pandas. With LEARN_PYTHON set (CI) it is taken as true, so a
		// broken setup fails the script instead of skipping it.
		Condition: func(cond string) (bool, error) {
			if cond != "pandas" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			if os.Getenv("LEARN_PYTHON") != "" {
				return true, nil
			}
			return exec.Command("python3", "-c", "import pandas").Run() == nil, nil
		},
		Setup: func(env *testscript.Env) error {
			// Everything a run touches lives in $WORK: home, state, caches.
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("LEARN_HOME", filepath.Join(env.WorkDir, ".learn-home"))
			env.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
			env.Setenv("NO_COLOR", "")
			env.Setenv("COLUMNS", "80")
			// The sandbox's python uses the host interpreter named here.
			if v := os.Getenv("LEARN_PYTHON"); v != "" {
				env.Setenv("LEARN_PYTHON", v)
			}
			// rootfs.tar is a small busybox-style root filesystem for
			// `learn docker import rootfs.tar learnbase:1`.
			rootfs, err := testimage.Rootfs(nil)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(env.WorkDir, "rootfs.tar"), rootfs, 0o644); err != nil {
				return err
			}
			return os.MkdirAll(home, 0o755)
		},
	})
}
