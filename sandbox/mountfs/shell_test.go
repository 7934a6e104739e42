//go:build unix

package mountfs

import (
	"os"
	"path/filepath"
	"testing"
)

// TestShell drives the mounts the way lessons do: through the sandbox's
// shell and tools, over a layerfs root.
func TestShell(t *testing.T) {
	cases := []struct {
		name, script string
		out, err     string // exact unless prefixed with "~"
		code         int
		host         func(t *testing.T, w *world) // checks on the host afterwards
	}{
		{name: "bind write lands on host", script: "echo 'a,b' > /app/data/out.csv && cat /app/data/out.csv", out: "a,b\n",
			host: func(t *testing.T, w *world) {
				if got := hostRead(t, filepath.Join(w.bind, "out.csv")); got != "a,b\n" {
					t.Errorf("host out.csv = %q", got)
				}
			}},
		{name: "host file visible", script: "cat /app/data/in.txt", out: "from host\n"},
		{name: "mountpoint listed", script: "ls /app; ls /", out: "~data\nsrc\n"},
		{name: "root listing", script: "ls /", out: "app\nbin\netc\nro\nroot\nrovol\ntmp\nusr\nvar\nvol\n"},
		{name: "cd into mount", script: "cd /app/data && pwd && ls && cd .. && ls", out: "/app/data\nin.txt\ndata\nsrc\n"},
		{name: "dotdot from mount root", script: "cat /app/data/../src/main.py", out: "print('hi')\n"},
		{name: "glob over mount", script: "touch /app/data/a.txt /app/data/b.md; echo /app/data/*.txt; cd /app/data && echo *", out: "/app/data/a.txt /app/data/in.txt\na.txt b.md in.txt\n"},
		{name: "glob of mountpoints", script: "echo /r*", out: "/ro /root /rovol\n"},
		{name: "ls -l mount", script: "ls -ld /app/data", out: "~ /app/data\n"},
		{name: "touch read-only", script: "touch /ro/x", err: "touch: cannot touch '/ro/x': Read-only file system\n", code: 1},
		{name: "redirect read-only", script: "echo x > /ro/app.conf", err: "sh: 1: cannot create /ro/app.conf: Read-only file system\n", code: 1},
		{name: "read-only readable", script: "cat /ro/app.conf", out: "debug=0\n"},
		{name: "touch read-only volume", script: "touch /rovol/x", err: "touch: cannot touch '/rovol/x': Read-only file system\n", code: 1},
		{name: "mkdir read-only", script: "mkdir /ro/d", err: "mkdir: cannot create directory '/ro/d': Read-only file system\n", code: 1},
		{name: "rm read-only", script: "rm /ro/app.conf", err: "rm: cannot remove '/ro/app.conf': Read-only file system\n", code: 1},
		{name: "cp root to mount", script: "cp /etc/hostname /vol/h && cat /vol/h", out: "container-host\n",
			host: func(t *testing.T, w *world) {
				if got := hostRead(t, filepath.Join(w.vol, "h")); got != "container-host\n" {
					t.Errorf("host h = %q", got)
				}
			}},
		{name: "mv between mounts", script: "echo moved > /app/data/m && mv /app/data/m /vol/m && cat /vol/m && ls /app/data", out: "moved\nin.txt\n",
			host: func(t *testing.T, w *world) {
				if _, err := os.Stat(filepath.Join(w.bind, "m")); !os.IsNotExist(err) {
					t.Errorf("source still on host: %v", err)
				}
				if got := hostRead(t, filepath.Join(w.vol, "m")); got != "moved\n" {
					t.Errorf("host m = %q", got)
				}
			}},
		{name: "mv dir root to mount", script: "mkdir -p /tmp/d/e && echo x > /tmp/d/e/f && mv /tmp/d /vol/ && cat /vol/d/e/f && ls /tmp", out: "x\n",
			host: func(t *testing.T, w *world) {
				if got := hostRead(t, filepath.Join(w.vol, "d/e/f")); got != "x\n" {
					t.Errorf("host d/e/f = %q", got)
				}
			}},
		{name: "mv mount to root", script: "mv /app/data/in.txt /tmp/ && cat /tmp/in.txt && ls /app/data", out: "from host\n"},
		{name: "mv within mount", script: "mv /app/data/in.txt /app/data/renamed && ls /app/data", out: "renamed\n"},
		{name: "hard link across mounts", script: "ln /app/data/in.txt /vol/x", err: "~Invalid cross-device link", code: 1},
		{name: "symlink into mount", script: "ln -s /vol /app/out && echo z > /app/out/z && cat /vol/z && ls /app/out/",
			out: "z\nz\n",
			host: func(t *testing.T, w *world) {
				if got := hostRead(t, filepath.Join(w.vol, "z")); got != "z\n" {
					t.Errorf("host z = %q", got)
				}
			}},
		{name: "absolute link in mount means container root", script: "ln -s /etc/hostname /vol/hn && cat /vol/hn", out: "container-host\n"},
		{name: "rm mountpoint busy", script: "rm -rf /app/data", err: "rm: cannot remove '/app/data': Device or resource busy\n", code: 1,
			host: func(t *testing.T, w *world) {
				// As with Docker: rm -r empties the bind mount on the host.
				if ents, _ := os.ReadDir(w.bind); len(ents) != 0 {
					t.Errorf("bind still holds %v", ents)
				}
			}},
		{name: "mkdir -p through mount", script: "mkdir -p /vol/a/b/c && ls /vol/a/b", out: "c\n"},
		{name: "redirect append", script: "echo 1 >> /vol/log; echo 2 >> /vol/log; cat /vol/log", out: "1\n2\n"},
		{name: "find over mounts", script: "mkdir /vol/q && touch /vol/q/f && find /vol", out: "/vol\n/vol/q\n/vol/q/f\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			r := run(t, w.fs, "/", c.script)
			if !match(c.out, r.out) {
				t.Errorf("stdout = %q, want %q", r.out, c.out)
			}
			if !match(c.err, r.err) {
				t.Errorf("stderr = %q, want %q", r.err, c.err)
			}
			if r.code != c.code {
				t.Errorf("exit = %d, want %d (stderr %q)", r.code, c.code, r.err)
			}
			if c.host != nil {
				c.host(t, w)
			}
		})
	}
}

// TestShellNobody is a non-root USER on a bind mount whose host directory
// is 0755 and owned by the real user: it reads, lists and cds, and may
// not write.
func TestShellNobody(t *testing.T) {
	w := newWorld(t)
	fsys := w.fs.As(nobody)
	cases := []struct {
		script, out, err string
		code             int
	}{
		{script: "cat /app/data/in.txt; ls /app/data; cd /app/data && pwd", out: "from host\nin.txt\n/app/data\n"},
		{script: "echo x > /app/data/n", err: "sh: 1: cannot create /app/data/n: Permission denied\n", code: 1},
		// coreutils says "cannot touch" here; the tool says "setting times of".
		{script: "touch /app/data/in.txt", err: "~'/app/data/in.txt': Permission denied\n", code: 1},
		{script: "rm -f /app/data/in.txt", err: "rm: cannot remove '/app/data/in.txt': Permission denied\n", code: 1},
		{script: "mkdir /vol/d", err: "mkdir: cannot create directory '/vol/d': Permission denied\n", code: 1},
		{script: "touch /ro/x", err: "touch: cannot touch '/ro/x': Read-only file system\n", code: 1},
		{script: "echo t > /tmp/t && cat /tmp/t", out: "t\n"},
	}
	for _, c := range cases {
		r := run(t, fsys, "/", c.script)
		if r.out != c.out || !match(c.err, r.err) || r.code != c.code {
			t.Errorf("%s: got (%q, %q, %d), want (%q, %q, %d)", c.script, r.out, r.err, r.code, c.out, c.err, c.code)
		}
	}
	if _, err := os.Stat(filepath.Join(w.bind, "n")); !os.IsNotExist(err) {
		t.Errorf("nobody's write reached the host: %v", err)
	}
}
