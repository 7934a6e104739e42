package shell

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/tools"
)

type scriptCase struct {
	name, script string
	out, err     string // exact unless prefixed with "~" (substring)
	code         int
}

func check(t *testing.T, c scriptCase, r result) {
	t.Helper()
	match := func(what, want, got string) {
		t.Helper()
		if strings.HasPrefix(want, "~") {
			if !strings.Contains(got, want[1:]) {
				t.Errorf("%s: %s = %q, want it to contain %q", c.name, what, got, want[1:])
			}
			return
		}
		if want != got {
			t.Errorf("%s: %s = %q, want %q", c.name, what, got, want)
		}
	}
	match("stdout", c.out, r.out)
	match("stderr", c.err, r.err)
	if r.code != c.code {
		t.Errorf("%s: exit = %d, want %d (stderr %q)", c.name, r.code, c.code, r.err)
	}
}

func TestShellSemantics(t *testing.T) {
	cases := []scriptCase{
		{name: "pipe", script: "printf 'b\\na\\nc\\n' | sort | head -n 2", out: "a\nb\n"},
		{name: "redirect", script: "echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f", out: "one\ntwo\n"},
		{name: "stderr to stdout", script: "ls /nope 2>&1", out: "ls: cannot access '/nope': No such file or directory\n", code: 2},
		{name: "stdin redirect", script: "echo hello > /tmp/in; tr a-z A-Z < /tmp/in", out: "HELLO\n"},
		{name: "heredoc", script: "cat <<EOF\nline $((1+2))\nEOF", out: "line 3\n"},
		{name: "heredoc to file", script: "cat > /app/conf <<'EOF'\nx=$HOME\nEOF\ncat /app/conf", out: "x=$HOME\n"},
		{name: "and or", script: "false && echo no || echo yes; true && echo ok", out: "yes\nok\n"},
		{name: "variables", script: "A=1; B=\"$A two\"; echo \"$B\" ${C:-dflt}", out: "1 two dflt\n"},
		{name: "status", script: "false; echo $?; ls /nope 2>/dev/null; echo $?", out: "1\n2\n"},
		{name: "glob", script: "mkdir /app/g && touch /app/g/a.txt /app/g/b.txt /app/g/c.md && cd /app/g && echo *.txt", out: "a.txt b.txt\n"},
		{name: "glob abs", script: "touch /tmp/x1 /tmp/x2; echo /tmp/x*", out: "/tmp/x1 /tmp/x2\n"},
		{name: "glob no match", script: "echo /nothing/*", out: "/nothing/*\n"},
		{name: "subshell", script: "X=1; (X=2; cd /tmp; echo $X $(pwd)); echo $X $(pwd)", out: "2 /tmp\n1 /\n"},
		{name: "functions", script: "greet() { echo \"hi $1\"; return 3; }; greet bob; echo $?", out: "hi bob\n3\n"},
		{name: "set -e", script: "set -e; echo a; false; echo b", out: "a\n", code: 1},
		{name: "exit code", script: "exit 7", code: 7},
		{name: "exec", script: "exec echo replaced; echo never", out: "replaced\n"},
		{name: "trap", script: "trap 'echo bye' EXIT; echo hi", out: "hi\nbye\n"},
		{name: "for loop", script: "for i in 1 2 3; do printf '%s,' $i; done; echo", out: "1,2,3,\n"},
		{name: "while read", script: "printf 'a b\\nc d\\n' | while read x y; do echo \"$y$x\"; done", out: "ba\ndc\n"},
		{name: "case", script: "case foo.py in *.py) echo py;; *) echo other;; esac", out: "py\n"},
		{name: "cmd subst", script: "n=$(echo hi | wc -c); echo $n", out: "3\n"},
		{name: "cd missing", script: "cd /nope; echo $?", out: "2\n", err: "sh: 1: cd: can't cd to /nope\n"},
		{name: "cd and pwd", script: "cd /usr/bin && pwd && cd .. && pwd", out: "/usr/bin\n/usr\n"},
		{name: "not found", script: "frobnicate --x", err: "sh: 1: frobnicate: not found\n", code: 127},
		{name: "not found line", script: "true\nfrobnicate", err: "sh: 2: frobnicate: not found\n", code: 127},
		{name: "command -v", script: "command -v ls; command -v cd; command -v nope; echo $?", out: "/usr/bin/ls\ncd\n1\n"},
		{name: "type", script: "type ls cd; f(){ :; }; type f", out: "ls is /usr/bin/ls\ncd is a shell builtin\nf is a shell function\n"},
		{name: "hash harmless", script: "hash ls; echo ok", out: "ok\n"},
		{name: "process substitution", script: "cat <(echo x)", err: "~Syntax error", code: 2},
		{name: "bash process substitution", script: "bash -c 'cat <(echo x)'", err: "~process substitution", code: 2},
		{name: "bash arrays", script: "bash -c 'a=(1 2 3); echo ${a[1]}'", out: "2\n"},
		{name: "dash no arrays", script: "a=(1 2)", err: "~Syntax error", code: 2},
		{name: "sh -c args", script: "sh -c 'echo $0 $1 $2' myname a b", out: "myname a b\n"},
		{name: "sh -e", script: "sh -ec 'false; echo no'; echo $?", out: "1\n"},
		{name: "redirect cannot create", script: "echo x > /nope/f", err: "sh: 1: cannot create /nope/f: No such file or directory\n", code: 1},
		{name: "redirect cannot open", script: "cat < /nope", err: "sh: 1: cannot open /nope: No such file\n", code: 1},
		{name: "dev null", script: "echo gone > /dev/null; cat /dev/null; echo ok", out: "ok\n"},
		{name: "umask", script: "umask; umask 077; touch /tmp/u; ls -l /tmp/u | cut -c1-10; umask -S", out: "0022\n-rw-------\nu=rwx,g=,o=\n"},
		{name: "default umask", script: "touch /tmp/d; mkdir /tmp/dd; echo x > /tmp/r; stat -c '%a' /tmp/d /tmp/dd /tmp/r", out: "644\n755\n644\n"},
		{name: "source", script: "echo 'V=from_file' > /tmp/lib.sh; . /tmp/lib.sh; echo $V", out: "from_file\n"},
		{name: "no host env", script: "echo \"[$GOPATH][$USER_NOT_SET]\"; env | sort", out: "[][]\nHOME=/root\nPATH=" + testPath + "\n"},
		{name: "export to tools", script: "export FOO=bar; printenv FOO; BAZ=1 env | grep BAZ", out: "bar\nBAZ=1\n"},
		{name: "uid vars", script: "echo $UID $EUID", out: "0 0\n"},
		{name: "test builtin files", script: "[ -f /etc/passwd ] && [ -d /tmp ] && [ -e /bin ] && [ -L /bin ] && [ ! -e /nope ] && [ -s /etc/passwd ] && [ -x /usr/bin/ls ] && echo ok", out: "ok\n"},
		{name: "test -O", script: "test -O /etc/passwd && echo own; [ -G /etc/passwd ] && echo grp", out: "own\ngrp\n"},
		{name: "bash [[ -O ]]", script: "bash -c '[[ -O /etc/passwd ]] && echo own'", out: "own\n"},
		{name: "script file", script: "printf '#!/bin/sh\\necho script $1\\n' > /app/run.sh; chmod +x /app/run.sh; /app/run.sh arg; cd /app && ./run.sh two", out: "script arg\nscript two\n"},
		{name: "script no exec bit", script: "echo 'echo hi' > /app/s.sh; cd /app; ./s.sh", err: "sh: 1: ./s.sh: Permission denied\n", code: 126},
		{name: "script via sh", script: "echo 'echo hi $1' > /app/s.sh; sh /app/s.sh you", out: "hi you\n"},
		{name: "binary without tool", script: "printf '\\177ELF' > /usr/local/bin/node; chmod +x /usr/local/bin/node; node app.js", err: "~embedded sandbox cannot execute /usr/local/bin/node; run with --engine docker", code: 126},
		{name: "xargs", script: "printf 'a\\nb\\nc\\n' | xargs -n 2 echo", out: "a b\nc\n"},
		{name: "xargs -I", script: "printf 'x\\ny\\n' | xargs -I{} echo [{}]", out: "[x]\n[y]\n"},
		{name: "env cmd", script: "env A=1 sh -c 'echo $A'", out: "1\n"},
		{name: "background wait", script: "sleep 0.01 & wait; echo done", out: "done\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := debianTree(t)
			check(t, c, runAs(t, f.View(sandbox.Root), "/", c.script))
		})
	}
}

func TestNoHostAccess(t *testing.T) {
	probe := filepath.Join(os.TempDir(), "layerlab-probe")
	os.Remove(probe)
	hostname, _ := os.ReadFile("/etc/hostname")
	f := debianTree(t)
	root := f.View(sandbox.Root)
	r := runAs(t, root, "/", "cat /etc/hostname; ls /; echo x > "+probe+"; echo y > /tmp/probe; cat "+probe)
	if _, err := os.Stat(probe); err == nil {
		os.Remove(probe)
		t.Fatalf("script wrote %s on the host", probe)
	}
	if !strings.HasPrefix(r.out, "container-host\napp\nbin\netc\nhome\nopt\nroot\nsbin\ntmp\nusr\nvar\n") {
		t.Errorf("output does not come from the container FS: %q", r.out)
	}
	if len(hostname) > 0 && string(hostname) != "container-host\n" && strings.Contains(r.out, string(hostname)) {
		t.Errorf("host hostname leaked: %q", r.out)
	}
	if got := readFile(t, root, probe); got != "x\n" {
		t.Errorf("container %s = %q", probe, got)
	}
	// A name that would hit the interpreter's host FIFO shortcut.
	r = runAs(t, root, "/", "echo z > "+filepath.Join(os.TempDir(), "sh-interp-1")+"; echo $?")
	if _, err := os.Stat(filepath.Join(os.TempDir(), "sh-interp-1")); err == nil {
		os.Remove(filepath.Join(os.TempDir(), "sh-interp-1"))
		t.Fatal("fifo shortcut wrote to the host")
	}
	// command -v must not find host binaries that the image lacks.
	r = runAs(t, root, "/", "command -v go gcc git; echo $?")
	if r.out != "1\n" {
		t.Errorf("command -v saw host programs: %q", r.out)
	}
}

func TestPermissionsAsNobody(t *testing.T) {
	f := debianTree(t)
	as := f.View(nobody)
	cases := []scriptCase{
		{name: "mkdir", script: "mkdir /data", err: "mkdir: cannot create directory '/data': Permission denied\n", code: 1},
		{name: "mkdir -p", script: "mkdir -p /data/x", err: "mkdir: cannot create directory '/data': Permission denied\n", code: 1},
		{name: "redirect", script: "echo x > /etc/x", err: "sh: 1: cannot create /etc/x: Permission denied\n", code: 1},
		{name: "rm", script: "rm /etc/passwd", err: "rm: cannot remove '/etc/passwd': Permission denied\n", code: 1},
		{name: "touch", script: "touch /app/f", err: "touch: cannot touch '/app/f': Permission denied\n", code: 1},
		{name: "tmp ok", script: "echo ok > /tmp/n && cat /tmp/n && test -O /tmp/n && echo mine", out: "ok\nmine\n"},
		{name: "test -w", script: "[ -w /etc/passwd ] || echo ro; [ -r /etc/passwd ] && echo r", out: "ro\nr\n"},
		{name: "cd root home", script: "cd /root", err: "sh: 1: cd: can't cd to /root\n", code: 2},
		{name: "whoami", script: "whoami; id", out: "nobody\nuid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n"},
		{name: "useradd", script: "useradd bob", err: "useradd: Permission denied.\nuseradd: cannot lock /etc/passwd; try again later.\n", code: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check(t, c, runAs(t, as, "/", c.script))
		})
	}
}

// busyboxTree is an Alpine-like root where every applet is a symlink to
// /bin/busybox.
func busyboxTree(t *testing.T) sandbox.FS {
	f := debianTree(t)
	root := f.View(sandbox.Root)
	must(t, root.Remove("/bin"))
	must(t, root.Mkdir("/bin", 0o755))
	writeFile(t, root, "/bin/busybox", "\x7fELF", 0o755)
	for _, n := range []string{"ls", "echo", "cat", "sh", "adduser", "addgroup", "id"} {
		must(t, root.Symlink("/bin/busybox", "/bin/"+n))
	}
	must(t, root.RemoveAll("/usr/bin"))
	must(t, root.RemoveAll("/usr/sbin"))
	must(t, root.Mkdir("/usr/bin", 0o755))
	must(t, root.Symlink("../../bin/busybox", "/usr/bin/wc"))
	writeFile(t, root, "/etc/alpine-release", "3.20.0\n", 0o644)
	return root
}

func TestBusyboxPath(t *testing.T) {
	root := busyboxTree(t)
	cases := []scriptCase{
		{name: "applet via symlink", script: "ls /etc | head -n 1", err: "sh: 1: head: not found\n", out: "", code: 127},
		{name: "relative symlink", script: "echo a b | wc -w", out: "2\n"},
		{name: "busybox applet", script: "busybox echo hi", out: "hi\n"},
		{name: "unknown applet", script: "busybox frob", err: "frob: applet not found\n", code: 127},
		{name: "alpine adduser", script: "addgroup -S app && adduser -S -D -H -G app app && id app", out: "uid=100(app) gid=101(app) groups=101(app)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check(t, c, runAs(t, root, "/", c.script))
		})
	}
}

func TestExecForm(t *testing.T) {
	f := debianTree(t)
	root := f.View(sandbox.Root)
	var out, errb bytes.Buffer
	cfg := Config{FS: root, Dir: "/tmp", Env: []string{"PATH=" + testPath}, Stdout: &out, Stderr: &errb, Tools: tools.Default()}
	code, err := Exec(context.Background(), cfg, []string{"sh", "-c", "pwd; echo $0", "x"})
	if err != nil || code != 0 || out.String() != "/tmp\nx\n" {
		t.Fatalf("Exec sh = %d %v %q %q", code, err, out.String(), errb.String())
	}
	out.Reset()
	code, err = Exec(context.Background(), cfg, []string{"python-nope"})
	if err != nil || code != 127 || errb.String() != "exec: \"python-nope\": executable file not found in $PATH\n" {
		t.Fatalf("Exec missing = %d %v %q", code, err, errb.String())
	}
}

func TestCancel(t *testing.T) {
	f := debianTree(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Config{FS: f.View(sandbox.Root), Dir: "/", Env: []string{"PATH=" + testPath}, Tools: tools.Default()}, "sleep 30; echo never")
	if err == nil {
		t.Fatal("cancelled script returned no error")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("sleep did not honour cancellation")
	}
}

// sh with no script runs each command as it is read; with -i it prompts
// ("# " as root, "> " to continue a command) on stderr.
func TestInteractive(t *testing.T) {
	f := debianTree(t)
	var out, errb bytes.Buffer
	cfg := Config{FS: f.View(sandbox.Root), Dir: "/", Env: []string{"PATH=" + testPath},
		Stdin:  &lineReader{lines: []string{"echo one\n", "for i in 1 2\n", "do echo $i; done\n", "exit 5\n", "echo never\n"}},
		Stdout: &out, Stderr: &errb, Tools: tools.Default()}
	code, err := Exec(context.Background(), cfg, []string{"sh", "-i"})
	if err != nil || code != 5 {
		t.Fatalf("exit %d, %v (stderr %q)", code, err, errb.String())
	}
	if out.String() != "one\n1\n2\n" {
		t.Errorf("stdout %q", out.String())
	}
	if errb.String() != "# # > # " {
		t.Errorf("prompts %q, want \"# # > # \"", errb.String())
	}
}

// lineReader hands out one line per Read, as a terminal does.
type lineReader struct{ lines []string }

func (l *lineReader) Read(p []byte) (int, error) {
	if len(l.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, l.lines[0])
	l.lines[0] = l.lines[0][n:]
	if l.lines[0] == "" {
		l.lines = l.lines[1:]
	}
	return n, nil
}
