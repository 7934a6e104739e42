package python

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/shell"
	"github.com/layerlab/learn/sandbox/tools"
)

const imagePath = "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"

const site = "/usr/local/lib/python3.14/site-packages"

const pipeline = `import pandas as pd

df = pd.DataFrame({"A": [1, 2, 3], "B": ["x", "y", "z"]})
print(df)
`

// slimTree is a small python:3.14-slim: the interpreter on PATH, the
// sandbox's tools as executables, site-packages, an app.
func slimTree(t testing.TB, withPandas bool) *layerfs.FS {
	t.Helper()
	f := layerfs.New()
	root := f.View(sandbox.Root)
	for _, d := range []string{"/usr/bin", "/usr/local/bin", "/etc", "/root", "/app/src", site, "/usr/local/lib/python3.14/lib-dynload"} {
		must(t, root.MkdirAll(d, 0o755))
	}
	must(t, root.Mkdir("/tmp", 0o777))
	must(t, root.Chmod("/tmp", 0o777|fs.ModeSticky))
	must(t, root.Symlink("usr/bin", "/bin"))
	for name := range tools.Default() {
		must(t, f.WriteContent("/usr/bin/"+name, layerfs.Bytes([]byte("\x7fELF\x02\x01\x01")), 0o755, 0, 0))
	}
	must(t, f.WriteSynthetic("/usr/local/bin/python3.14", 14<<10, 0o755, 0, 0))
	must(t, root.Symlink("python3.14", "/usr/local/bin/python3"))
	must(t, root.Symlink("python3", "/usr/local/bin/python"))
	// The standard library is big and synthetic; it must never be copied.
	must(t, f.WriteSynthetic("/usr/local/lib/libpython3.14.so.1.0", 30<<20, 0o755, 0, 0))
	write(t, f, "/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n")
	write(t, f, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
	write(t, f, "/app/src/pipeline.py", pipeline)
	write(t, f, "/app/src/helper.py", "def double(x):\n    return 2 * x\n")
	if withPandas {
		info := site + "/pandas-2.3.3.dist-info/"
		write(t, f, info+"METADATA", "Metadata-Version: 2.1\nName: pandas\nVersion: 2.3.3\n")
		write(t, f, info+"top_level.txt", "pandas\n")
		write(t, f, info+"INSTALLER", "pip\n")
		write(t, f, info+"RECORD", "pandas/__init__.py,,\n")
		write(t, f, site+"/pandas/__init__.py", "# placeholder\n")
		must(t, f.WriteSynthetic(site+"/pandas/_libs/lib.cpython-314-x86_64-linux-gnu.so", 20<<20, 0o755, 0, 0))
		for _, dep := range []struct{ dist, name string }{
			{"numpy-2.3.4", "numpy"}, {"python_dateutil-2.9.0.post0", "dateutil"},
			{"pytz-2025.2", "pytz"}, {"six-1.17.0", "six"}, {"tzdata-2025.2", "tzdata"},
		} {
			write(t, f, site+"/"+dep.dist+".dist-info/top_level.txt", dep.name+"\n")
			write(t, f, site+"/"+dep.name+"/__init__.py", "")
		}
	}
	// A package the image has but no host interpreter does.
	write(t, f, site+"/layerlab_nowhere-1.0.dist-info/top_level.txt", "layerlab_nowhere\n")
	write(t, f, site+"/layerlab_nowhere/__init__.py", "")
	return f
}

func write(t testing.TB, f *layerfs.FS, name, body string) {
	t.Helper()
	must(t, f.WriteContent(name, layerfs.Bytes([]byte(body)), 0o644, 0, 0))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type result struct {
	out, err string
	code     int
}

func registry() tools.Registry {
	r := tools.Default()
	for k, v := range Tools() {
		r[k] = v
	}
	return r
}

func run(t testing.TB, fsys sandbox.FS, dir, script string, stdin string, env ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	cfg := shell.Config{
		FS: fsys, Dir: dir,
		Env:    append([]string{"PATH=" + imagePath, "HOME=/root", "LANG=C.UTF-8", "PYTHON_VERSION=3.14.0"}, env...),
		Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin),
		Tools: registry(),
	}
	code, err := shell.Run(ctx, cfg, script)
	if err != nil {
		t.Fatalf("%q: sandbox error %v (stderr %q)", script, err, errb.String())
	}
	return result{out.String(), errb.String(), code}
}

// needPython skips when the host has no interpreter at all.
func needPython(t testing.TB) *Interpreter {
	t.Helper()
	in, err := FindInterpreter()
	if err != nil {
		t.Skipf("SKIPPING: %v", err)
	}
	return in
}

func readFile(t testing.TB, fsys sandbox.FS, name string) string {
	t.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return string(b)
}

func TestPrint(t *testing.T) {
	needPython(t)
	f := slimTree(t, true)
	r := run(t, f.View(sandbox.Root), "/app", `python -c 'print(1)'`, "")
	if r.out != "1\n" || r.code != 0 {
		t.Fatalf("got %+v", r)
	}
}

func TestCases(t *testing.T) {
	needPython(t)
	cases := []struct {
		name, script, stdin string
		env                 []string
		out, err            string // "~" prefix: substring
		code                int
	}{
		{name: "exit code", script: `python3 -c 'import sys; sys.exit(3)'`, code: 3},
		{name: "exit message", script: `python3 -c 'import sys; sys.exit("bye")'`, err: "bye\n", code: 1},
		{name: "traceback", script: `python3 -c '1/0'`, err: "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nZeroDivisionError: division by zero\n", code: 1},
		{name: "args", script: `python -c 'import sys; print(sys.argv)' a 'b c'`, out: "['-c', 'a', 'b c']\n"},
		{name: "stdin script", script: `python`, stdin: "import sys\nprint('from stdin', sys.argv)\n", out: "from stdin ['']\n"},
		{name: "stdin data", script: `echo hello | python -c 'import sys; print(sys.stdin.read().upper(), end="")'`, out: "HELLO\n"},
		{name: "version", script: `python -V; python3.14 --version`, out: "Python 3.14.0\nPython 3.14.0\n"},
		{name: "unbuffered order", script: `python -u -c 'import sys; print("a"); print("b", file=sys.stderr); print("c")' 2>&1`, out: "a\nb\nc\n"},
		{name: "listdir root", script: `python -c 'import os; print(sorted(os.listdir("/")))'`, out: "['app', 'bin', 'etc', 'root', 'tmp', 'usr']\n"},
		{name: "exists", script: `python -c 'import os; print(os.path.exists("/etc/os-release"), os.path.exists("/etc/nope"), os.path.isdir("/bin"))'`, out: "True False True\n"},
		{name: "read abs", script: `python -c 'print(open("/etc/os-release").read(), end="")'`, out: "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n"},
		{name: "cwd", script: `cd /app/src && python -c 'import os, pathlib; print(os.getcwd(), pathlib.Path("helper.py").resolve(), open("helper.py").readline(), end="")'`, out: "/app/src /app/src/helper.py def double(x):\n"},
		{name: "script and local import", script: `cd /app && printf 'import sys\nfrom helper import double\nprint(double(21), sys.argv, __file__)\n' > src/main.py && python src/main.py x y`, out: "42 ['src/main.py', 'x', 'y'] /app/src/main.py\n"},
		{name: "script traceback", script: `printf 'def f():\n    raise ValueError("boom")\nf()\n' > /app/bad.py; python /app/bad.py`, err: "Traceback (most recent call last):\n  File \"/app/bad.py\", line 3, in <module>\n    f()\n  File \"/app/bad.py\", line 2, in f\n    raise ValueError(\"boom\")\nValueError: boom\n", code: 1},
		{name: "missing script", script: `python nope.py`, err: "python: can't open file '/app/nope.py': [Errno 2] No such file or directory\n", code: 2},
		{name: "not installed", script: `python -c 'import requests'`, err: "~ModuleNotFoundError: No module named 'requests'\n", code: 1},
		{name: "stdlib", script: `python -c 'import json, csv, pathlib; print(json.dumps([1]))'`, out: "[1]\n"},
		{name: "removed stdlib", script: `python -c 'import distutils'`, err: "~ModuleNotFoundError: No module named 'distutils'", code: 1},
		{name: "installed not on host", script: `python -c 'import layerlab_nowhere'`, err: "~layerlab_nowhere 1.0", code: 1},
		{name: "-m missing", script: `python -m nosuchmod`, err: "/usr/local/bin/python: No module named nosuchmod\n", code: 1},
		{name: "-m container module", script: `cd /app/src && python -m helper && python -c 'import helper; print(helper.__file__)'`, out: "/app/src/helper.py\n"},
		{name: "env isolation", script: `python -c 'import os; print(os.environ.get("LAYERLAB_HOST_SECRET"), os.environ.get("GREETING"), os.environ["HOME"])'`, env: []string{"GREETING=hi"}, out: "None hi /root\n"},
		{name: "subprocess refused", script: `python -c 'import subprocess; subprocess.run(["ls"])'`, err: "~the embedded sandbox cannot start other programs", code: 1},
		{name: "file not found error", script: `python -c 'open("/app/none.txt")'`, err: "~FileNotFoundError: [Errno 2] No such file or directory: '/app/none.txt'\n", code: 1},
	}
	t.Setenv("LAYERLAB_HOST_SECRET", "leaked")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := slimTree(t, true)
			r := run(t, f.View(sandbox.Root), "/app", c.script, c.stdin, c.env...)
			match := func(what, want, got string) {
				t.Helper()
				if strings.HasPrefix(want, "~") {
					if !strings.Contains(got, want[1:]) {
						t.Errorf("%s = %q, want it to contain %q", what, got, want[1:])
					}
				} else if want != got {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			match("stdout", c.out, r.out)
			match("stderr", c.err, r.err)
			if r.code != c.code {
				t.Errorf("exit = %d, want %d (stderr %q)", r.code, c.code, r.err)
			}
		})
	}
}

func TestWritesLandInContainer(t *testing.T) {
	needPython(t)
	f := slimTree(t, true)
	root := f.View(sandbox.Root)
	prog := `
import os, pathlib, shutil
pathlib.Path("data").mkdir()
with open("/app/data/out.csv", "w") as fh:
    fh.write("a,b\n1,2\n")
pathlib.Path("data/sub/deep").mkdir(parents=True)
pathlib.Path("data/sub/deep/x.txt").write_text("x")
os.rename("data/sub/deep/x.txt", "data/y.txt")
shutil.rmtree("data/sub")
with open("src/helper.py", "a") as fh:
    fh.write("# more\n")
os.remove("/etc/os-release")
os.symlink("/app/data/out.csv", "/app/link.csv")
print(open("/app/link.csv").read(), end="")
print(sorted(os.listdir("data")))
`
	write(t, f, "/app/prog.py", prog)
	r := run(t, root, "/app", `python prog.py && cat /app/data/out.csv && cat data/y.txt && echo && ls /app /app/data && tail -n1 src/helper.py && ls /etc && readlink /app/link.csv`, "")
	want := "a,b\n1,2\n['out.csv', 'y.txt']\na,b\n1,2\nx\n/app:\ndata\nlink.csv\nprog.py\nsrc\n\n/app/data:\nout.csv\ny.txt\n# more\npasswd\n/app/data/out.csv\n"
	if r.out != want || r.code != 0 {
		t.Fatalf("got stdout %q stderr %q code %d\nwant %q", r.out, r.err, r.code, want)
	}
}

func TestRunsAsIdentity(t *testing.T) {
	needPython(t)
	f := slimTree(t, true)
	nobody := sandbox.Identity{UID: 65534, GID: 65534, Name: "nobody", Home: "/nonexistent"}
	r := run(t, f.View(nobody), "/tmp", `python -c '
import os
open("/tmp/mine.txt", "w").write("hi")
try:
    open("/usr/local/bin/evil", "w")
except PermissionError as e:
    print(e)
'`, "")
	if r.out != "[Errno 13] Permission denied: '/usr/local/bin/evil'\n" || r.code != 0 {
		t.Fatalf("got %+v", r)
	}
	fi, err := f.View(sandbox.Root).Stat("/tmp/mine.txt")
	must(t, err)
	if o := sandbox.OwnerOf(fi); o.UID != 65534 || fi.Mode().Perm() != 0o644 || readFile(t, f.View(sandbox.Root), "/tmp/mine.txt") != "hi" {
		t.Fatalf("owner %+v mode %v", o, fi.Mode())
	}
}

func TestPandasPipeline(t *testing.T) {
	in := needPython(t)
	hasPandas := exec.Command(in.Path, "-I", "-c", "import pandas").Run() == nil
	if !hasPandas {
		if os.Getenv("LEARN_PYTHON") != "" {
			t.Fatalf("LEARN_PYTHON=%s (%s) cannot import pandas: CI must install python3-pandas", os.Getenv("LEARN_PYTHON"), in.Path)
		}
		t.Skipf("SKIPPING the pandas pipeline: %s has no pandas and LEARN_PYTHON is not set (apt-get install python3-pandas; LEARN_PYTHON=/usr/bin/python3)", in.Path)
	}
	f := slimTree(t, true)
	r := run(t, f.View(sandbox.Root), "/app", `python src/pipeline.py`, "")
	want := "   A  B\n0  1  x\n1  2  y\n2  3  z\n"
	if r.out != want || r.code != 0 {
		t.Fatalf("got %+v, want %q", r, want)
	}
	// The full images also carry Debian's /usr/lib/python3/dist-packages,
	// a directory the host interpreter has too; pandas must still import.
	f = slimTree(t, true)
	must(t, f.View(sandbox.Root).MkdirAll("/usr/lib/python3/dist-packages", 0o755))
	r = run(t, f.View(sandbox.Root), "/app", `python src/pipeline.py`, "")
	if r.out != want || r.code != 0 {
		t.Fatalf("with /usr/lib/python3/dist-packages in the image: got %+v, want %q", r, want)
	}
	// The same image without pandas installed: Python's own error, even
	// though the host interpreter has pandas.
	f = slimTree(t, false)
	r = run(t, f.View(sandbox.Root), "/app", `python src/pipeline.py`, "")
	if !strings.HasSuffix(r.err, "ModuleNotFoundError: No module named 'pandas'\n") || r.code != 1 ||
		!strings.Contains(r.err, `File "/app/src/pipeline.py", line 1, in <module>`) {
		t.Fatalf("without pandas in the image: %+v", r)
	}
}

// A third-party module the host interpreter has but the image never
// installed is refused with Python's own error.
func TestImageDecidesImports(t *testing.T) {
	in := needPython(t)
	out, _ := exec.Command(in.Path, "-I", "-c", `
import importlib.util
for m in ("pandas", "numpy", "pip", "setuptools", "yaml", "six"):
    if importlib.util.find_spec(m):
        print(m)
        break
`).Output()
	mod := strings.TrimSpace(string(out))
	if mod == "" {
		t.Skipf("SKIPPING: %s has no third-party module to test with", in.Path)
	}
	f := slimTree(t, false)
	r := run(t, f.View(sandbox.Root), "/app", "python -c 'import "+mod+"'", "")
	want := "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named '" + mod + "'\n"
	if r.err != want || r.code != 1 {
		t.Fatalf("import %s: got %+v, want stderr %q", mod, r, want)
	}
	// Caught like any missing optional dependency.
	r = run(t, f.View(sandbox.Root), "/app", "python -c 'try:\n import "+mod+"\nexcept ImportError as e: print(e.name)'", "")
	if r.out != mod+"\n" {
		t.Fatalf("got %+v", r)
	}
}

func TestCancel(t *testing.T) {
	needPython(t)
	f := slimTree(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	cfg := shell.Config{FS: f.View(sandbox.Root), Dir: "/", Env: []string{"PATH=" + imagePath}, Tools: registry(), Stdout: io.Discard, Stderr: io.Discard}
	shell.Run(ctx, cfg, `python -c 'import time; time.sleep(30)'`)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancel took %v", d)
	}
}

func TestNoInterpreter(t *testing.T) {
	t.Setenv("LEARN_PYTHON", "/nonexistent/python3")
	f := slimTree(t, true)
	r := run(t, f.View(sandbox.Root), "/", `python -c 'print(1)'`, "")
	if r.code != 127 || !strings.Contains(r.err, "no Python interpreter on this machine for the embedded sandbox to use: install python3 or set LEARN_PYTHON, or use --engine docker") {
		t.Fatalf("got %+v", r)
	}
}

// The mirror holds only what the program touched: directories it looked
// into, bytes of files it opened, never the image's big synthetic files.
func TestMirrorStaysSmall(t *testing.T) {
	in := needPython(t)
	f := slimTree(t, true)
	var out bytes.Buffer
	p := &tools.Proc{FS: f.View(sandbox.Root), Dir: "/app", Env: []string{"PATH=" + imagePath, "HOME=/root"},
		Args: []string{"python"}, Stdout: &out, Stderr: &out}
	img := ReadImage(p)
	pr, err := Start(context.Background(), p, in, img, Program{Kind: "c", Code: `import os; print(os.path.getsize("/usr/local/lib/libpython3.14.so.1.0"))`})
	must(t, err)
	code, err := pr.waitTimeout(30 * time.Second)
	must(t, err)
	if code != 0 || out.String() != "31457280\n" {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	m := pr.mirror
	if m.filled["/usr/local/lib/libpython3.14.so.1.0"] || len(m.filled) > 0 {
		t.Errorf("filled %v", m.filled)
	}
	t.Logf("print(getsize) materialised %d entries, filled %d files", m.listed, len(m.filled))
	if m.listed > 20 {
		t.Errorf("materialised %d entries for one stat", m.listed)
	}
}

// waitTimeout is Wait with a limit, so a hung test fails.
func (pr *Process) waitTimeout(d time.Duration) (int, error) {
	select {
	case <-pr.done:
		return pr.code, pr.err
	case <-time.After(d):
		return -1, errors.New("timeout")
	}
}
