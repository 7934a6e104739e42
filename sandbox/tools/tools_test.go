package tools_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/shell"
	"github.com/layerlab/learn/sandbox/tools"
	"github.com/layerlab/learn/sandbox/users"
)

const path = "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func tree(t *testing.T) *layerfs.FS {
	t.Helper()
	f := layerfs.New()
	root := f.View(sandbox.Root)
	for _, d := range []string{"/usr/bin", "/usr/local/bin", "/etc", "/root", "/home", "/app/src/sub", "/tmp"} {
		must(t, root.MkdirAll(d, 0o755))
	}
	must(t, root.Chmod("/tmp", 0o777|fs.ModeSticky))
	must(t, root.Symlink("usr/bin", "/bin"))
	must(t, root.Symlink("usr/bin", "/sbin"))
	for name := range tools.Default() {
		must(t, f.WriteContent("/usr/bin/"+name, layerfs.Bytes([]byte("\x7fELF")), 0o755, 0, 0))
	}
	write(t, root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
	write(t, root, "/etc/group", "root:x:0:\nusers:x:100:\nnogroup:x:65534:\n")
	write(t, root, "/etc/shadow", "root:*:19000:0:99999:7:::\n")
	write(t, root, "/app/src/main.py", "import os\nprint('hello')\n# TODO fix\n")
	write(t, root, "/app/src/sub/util.py", "def f():\n    return 1  # TODO\n")
	write(t, root, "/app/data.csv", "name,age\nbob,30\nalice,25\ncarol,35\n")
	write(t, root, "/app/words", "pear\napple\nfig\napple\nbanana\n")
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, fsys sandbox.FS, name, content string) {
	t.Helper()
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	must(t, err)
	f.Write([]byte(content))
	must(t, f.Close())
}

func run(t *testing.T, fsys sandbox.FS, script string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code, err := shell.Run(ctx, shell.Config{FS: fsys, Dir: "/app", Env: []string{"PATH=" + path, "HOME=/root"},
		Stdout: &out, Stderr: &errb, Tools: tools.Default(), Hostname: "abc123"}, script)
	if err != nil {
		t.Fatalf("%q: sandbox error %v", script, err)
	}
	return out.String(), errb.String(), code
}

type tc struct {
	script, out, err string
	code             int
}

func runCases(t *testing.T, id sandbox.Identity, cases []tc) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.script, func(t *testing.T) {
			f := tree(t)
			out, errs, code := run(t, f.View(id), c.script)
			if !matches(c.out, out) {
				t.Errorf("stdout = %q, want %q", out, c.out)
			}
			if !matches(c.err, errs) {
				t.Errorf("stderr = %q, want %q", errs, c.err)
			}
			if code != c.code {
				t.Errorf("exit = %d, want %d (stderr %q)", code, c.code, errs)
			}
		})
	}
}

// matches compares exactly, or by substring when want starts with "~".
func matches(want, got string) bool {
	if strings.HasPrefix(want, "~") {
		return strings.Contains(got, want[1:])
	}
	return want == got
}

func TestFileTools(t *testing.T) {
	runCases(t, sandbox.Root, []tc{
		{script: "ls", out: "data.csv\nsrc\nwords\n"},
		{script: "ls -a src", out: ".\n..\nmain.py\nsub\n"},
		{script: "ls -A /app/src", out: "main.py\nsub\n"},
		{script: "ls -R src", out: "src:\nmain.py\nsub\n\nsrc/sub:\nutil.py\n"},
		{script: "ls -d src /etc/passwd", out: "/etc/passwd\nsrc\n"},
		{script: "ls -l /etc/passwd | cut -d' ' -f1-4", out: "-rw-r--r-- 1 root root\n"},
		{script: "touch -d '2020-01-02 03:04' f; ls -l f", out: "-rw-r--r-- 1 root root 0 Jan  2  2020 f\n"},
		{script: "ls -lh /app/src/main.py | cut -d' ' -f5", out: "36\n"},
		{script: "ls nope", err: "ls: cannot access 'nope': No such file or directory\n", code: 2},
		{script: "ls --bogus", err: "ls: unrecognized option '--bogus'\nTry 'ls --help' for more information.\n", code: 2},
		{script: "mkdir -p a/b/c && mkdir -m 700 d && stat -c '%a %n' a/b/c d", out: "755 a/b/c\n700 d\n"},
		{script: "mkdir src", err: "mkdir: cannot create directory 'src': File exists\n", code: 1},
		{script: "rm nope", err: "rm: cannot remove 'nope': No such file or directory\n", code: 1},
		{script: "rm -f nope; rm src", err: "rm: cannot remove 'src': Is a directory\n", code: 1},
		{script: "rm -rf src && ls", out: "data.csv\nwords\n"},
		{script: "rm -rf /", err: "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n", code: 1},
		{script: "mkdir e && rmdir e src", err: "rmdir: failed to remove 'src': Directory not empty\n", code: 1},
		{script: "cp words w2 && cat w2 | wc -l", out: "5\n"},
		{script: "cp src x", err: "cp: -r not specified; omitting directory 'src'\n", code: 1},
		{script: "cp -r src copy && find copy | sort", out: "copy\ncopy/main.py\ncopy/sub\ncopy/sub/util.py\n"},
		{script: "chmod 600 words && cp -a words w3 && cp words w4 && stat -c '%a' w3 w4", out: "600\n600\n"},
		{script: "cp words data.csv src", out: ""},
		{script: "cp a b c", err: "cp: target 'c' is not a directory\n", code: 1},
		{script: "mv words src/ && ls src", out: "main.py\nsub\nwords\n"},
		{script: "mv nope x", err: "mv: cannot stat 'nope': No such file or directory\n", code: 1},
		{script: "ln -s /app/words l && readlink l && cat l | head -1", out: "/app/words\npear\n"},
		{script: "ln -s x l; ln -s y l", err: "ln: failed to create symbolic link 'l': File exists\n", code: 1},
		{script: "ln -sf y l && readlink l", out: "y\n"},
		{script: "ln words hard && echo more >> hard && tail -n1 words", out: "more\n"},
		{script: "chmod u+x,go-r words && stat -c '%A' words", out: "-rwx------\n"},
		{script: "chmod a=r,u+w words && stat -c %a words", out: "644\n"},
		{script: "chmod +x words && stat -c %a words", out: "755\n"},
		{script: "chmod 4755 words && ls -l words | cut -c1-10", out: "-rwsr-xr-x\n"},
		{script: "chmod -R g+w src && stat -c %a src/sub/util.py", out: "664\n"},
		{script: "chmod 999 words", err: "chmod: invalid mode: '999'\nTry 'chmod --help' for more information.\n", code: 1},
		{script: "chown nobody:nogroup words && ls -l words | cut -d' ' -f3,4", out: "nobody nogroup\n"},
		{script: "chown -R 1000:1000 src && stat -c '%u:%g' src/sub/util.py", out: "1000:1000\n"},
		{script: "chgrp users words && stat -c %G words", out: "users\n"},
		{script: "chown bob words", err: "chown: invalid user: 'bob'\n", code: 1},
		{script: "basename /a/b/c.py .py; dirname /a/b/c.py; basename /", out: "c\n/a/b\n/\n"},
		{script: "pwd; cd src && /bin/pwd", out: "/app\n/app/src\n"},
		{script: "realpath ../bin/ls", out: "/usr/bin/ls\n"},
	})
}

func TestFind(t *testing.T) {
	runCases(t, sandbox.Root, []tc{
		{script: "find src | sort", out: "src\nsrc/main.py\nsrc/sub\nsrc/sub/util.py\n"},
		{script: "find . -name '*.py' | sort", out: "./src/main.py\n./src/sub/util.py\n"},
		{script: "find /app -type d", out: "/app\n/app/src\n/app/src/sub\n"},
		{script: "find . -maxdepth 1 -type f | sort", out: "./data.csv\n./words\n"},
		{script: "find . -mindepth 2 -iname 'MAIN*'", out: "./src/main.py\n"},
		{script: "find . -path '*sub*' -type f", out: "./src/sub/util.py\n"},
		{script: "find src -name '*.py' -exec wc -l {} \\; | sort", out: "2 src/sub/util.py\n3 src/main.py\n"},
		{script: "find src -name '*.py' -exec cat {} + | wc -l", out: "5\n"},
		{script: "find . -name '*.py' -delete && find . -type f | sort", out: "./data.csv\n./words\n"},
		{script: "find . -type f -not -name '*.py' | sort", out: "./data.csv\n./words\n"},
		{script: "find nope", err: "find: 'nope': No such file or directory\n", code: 1},
		{script: "find . -bogus", err: "find: unknown predicate `-bogus'\n", code: 1},
	})
}

func TestTextTools(t *testing.T) {
	runCases(t, sandbox.Root, []tc{
		{script: "cat -n words | head -2", out: "     1\tpear\n     2\tapple\n"},
		{script: "cat nope", err: "cat: nope: No such file or directory\n", code: 1},
		{script: "echo -n a; echo -e 'b\\tc'; echo -E 'd\\n'", out: "ab\tc\nd\\n\n"},
		{script: "/bin/echo -n x; /bin/echo -e '1\\n2'", out: "x1\n2\n"},
		{script: "printf '%s-%d-%05.2f-%x-%b\\n' a 42 3.14159 255 'x\\ty'", out: "a-42-03.14-ff-x\ty\n"},
		{script: "printf '%s\\n' a b c", out: "a\nb\nc\n"},
		{script: "/usr/bin/printf '%d|%3s|%-3s|\\n' 7 ab ab", out: "7| ab|ab |\n"},
		{script: "/usr/bin/printf '%d\\n' abc", out: "0\n", err: "printf: 'abc': expected a numeric value\n", code: 1},
		{script: "head -n 2 words; head -1 words; tail -n 1 words; tail -2 words", out: "pear\napple\npear\nbanana\napple\nbanana\n"},
		{script: "tail -n +4 words; head -c 3 words; echo", out: "apple\nbanana\npea\n"},
		{script: "wc -l words; wc -w < words; wc -c words", out: "5 words\n5\n28 words\n"},
		{script: "wc words data.csv", out: " 5  5 28 words\n 4  4 34 data.csv\n 9  9 62 total\n"},
		{script: "sort words | uniq -c", out: "      2 apple\n      1 banana\n      1 fig\n      1 pear\n"},
		{script: "sort -r words | head -2; sort -u words | wc -l; sort words | uniq -d", out: "pear\nfig\n4\napple\n"},
		{script: "tail -n +2 data.csv | sort -t, -k2 -n", out: "alice,25\nbob,30\ncarol,35\n"},
		{script: "printf '10\\n9\\n100\\n' | sort -n; printf '10\\n9\\n100\\n' | sort", out: "9\n10\n100\n10\n100\n9\n"},
		{script: "printf 'b 2\\na 1\\n' | sort -k2,2nr", out: "b 2\na 1\n"},
		{script: "echo hi | tee out.txt > /dev/null; echo again | tee -a out.txt; cat out.txt", out: "again\nhi\nagain\n"},
		{script: "cut -d, -f1 data.csv | tail -1; echo hello | cut -c2-3", out: "carol\nel\n"},
		{script: "echo Hello | tr a-z A-Z; echo aabbcc | tr -d b; echo 'a  b' | tr -s ' '", out: "HELLO\naacc\na b\n"},
	})
}

func TestGrepSed(t *testing.T) {
	runCases(t, sandbox.Root, []tc{
		{script: "grep apple words", out: "apple\napple\n"},
		{script: "grep -c apple words; grep -n fig words", out: "2\n3:fig\n"},
		{script: "grep -v -i APPLE words", out: "pear\nfig\nbanana\n"},
		{script: "grep -q pear words && echo yes", out: "yes\n"},
		{script: "grep kiwi words", code: 1},
		{script: "grep x nope", err: "grep: nope: No such file or directory\n", code: 2},
		{script: "grep -E '^(pear|fig)$' words", out: "pear\nfig\n"},
		{script: "grep '^\\(pe\\|fi\\)' words", out: "pear\nfig\n"},
		{script: "grep -o 'an' words | wc -l", out: "2\n"},
		{script: "grep -F 'a.' words", code: 1},
		{script: "grep -r TODO src | sort", out: "src/main.py:# TODO fix\nsrc/sub/util.py:    return 1  # TODO\n"},
		{script: "grep -rl TODO . | sort", out: "./src/main.py\n./src/sub/util.py\n"},
		{script: "grep -w app words; grep -x fig words", out: "fig\n", code: 0},
		{script: "grep apple words data.csv", out: "words:apple\nwords:apple\n"},
		{script: "sed 's/apple/APPLE/' words | head -2", out: "pear\nAPPLE\n"},
		{script: "echo aaa | sed 's/a/b/g'; echo aaa | sed 's/a/b/2'", out: "bbb\naba\n"},
		{script: "sed -n '2p' words; sed -n '$p' words", out: "apple\nbanana\n"},
		{script: "sed '2,4d' words", out: "pear\nbanana\n"},
		{script: "sed '/apple/d' words", out: "pear\nfig\nbanana\n"},
		{script: "sed -n '/fig/,$p' words", out: "fig\napple\nbanana\n"},
		{script: "echo 'k=v' | sed -E 's/(.*)=(.*)/\\2=\\1/'; echo 'k=v' | sed 's/\\(.*\\)=\\(.*\\)/\\2=\\1/'", out: "v=k\nv=k\n"},
		{script: "echo Hello | sed 's/hello/bye/I'", out: "bye\n"},
		{script: "sed -i 's/pear/PEAR/' words && head -1 words && ls", out: "PEAR\ndata.csv\nsrc\nwords\n"},
		{script: "sed -i.bak -e '1d' -e 's/fig/FIG/' words && cat words && head -1 words.bak", out: "apple\nFIG\napple\nbanana\npear\n"},
		{script: "sed -n 's/apple/X/p' words", out: "X\nX\n"},
		{script: "printf 'a\\nb\\n' | sed '1i\\\nfirst' ; printf 'a\\n' | sed 'a after'", out: "first\na\nb\na\nafter\n"},
		{script: "sed 'k' words", err: "sed: -e expression #1, char 1: unknown command: `k'\n", code: 1},
	})
}

func TestSystemTools(t *testing.T) {
	runCases(t, sandbox.Root, []tc{
		{script: "id; id -u; id -un; id -g; whoami", out: "uid=0(root) gid=0(root) groups=0(root)\n0\nroot\n0\nroot\n"},
		{script: "hostname; uname; uname -n; uname -s -r", out: "abc123\nLinux\nabc123\nLinux 6.8.0-layerlab\n"},
		{script: "env -i A=1 B=2 env", out: "A=1\nB=2\n"},
		{script: "env nope-cmd", err: "env: 'nope-cmd': No such file or directory\n", code: 127},
		{script: "printenv HOME; printenv NOPE", out: "/root\n", code: 1},
		{script: "true; echo $?; false; echo $?", out: "0\n1\n"},
		{script: "test 3 -gt 2 && [ abc = abc ] && [ -n x ] && [ ! -z x ] && test -d /app -a -f /app/words && echo ok", out: "ok\n"},
		{script: "/usr/bin/test 1 -lt 2 && /usr/bin/[ a != b ] && echo ok", out: "ok\n"},
		{script: "/usr/bin/[ 1 -eq 1", err: "[: missing ']'\n", code: 2},
		{script: "date -d @0 '+%Y-%m-%d %H:%M:%S'; date -u -d 2024-03-05 +%F", out: "1970-01-01 00:00:00\n2024-03-05\n"},
		{script: "sleep 0.01 && echo slept", out: "slept\n"},
		{script: "seq 3; seq 2 2 6", out: "1\n2\n3\n2\n4\n6\n"},
		{script: "echo 'a b c' | xargs -n 1 | wc -l", out: "3\n"},
		{script: "which ls sh; which nope", out: "/usr/bin/ls\n/usr/bin/sh\n", code: 1},
	})
}

func TestTar(t *testing.T) {
	runCases(t, sandbox.Root, []tc{
		{script: "tar -czf /tmp/s.tgz src && mkdir /out && tar -xzf /tmp/s.tgz -C /out && find /out | sort", out: "/out\n/out/src\n/out/src/main.py\n/out/src/sub\n/out/src/sub/util.py\n"},
		{script: "tar cf /tmp/a.tar words data.csv && tar tf /tmp/a.tar", out: "words\ndata.csv\n"},
		{script: "tar -cvf /tmp/a.tar src/sub 2>&1", out: "src/sub/\nsrc/sub/util.py\n"},
		{script: "chown 1000:100 words && tar cf /tmp/a.tar words && tar tvf /tmp/a.tar | cut -d' ' -f1,2", out: "-rw-r--r-- 1000/users\n"},
		{script: "tar xf /nope.tar", err: "tar: /nope.tar: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n", code: 2},
	})
}

func TestUserTools(t *testing.T) {
	runCases(t, sandbox.Root, []tc{
		{script: "useradd -m app && id app && ls -ld /home/app | cut -d' ' -f1,3,4 && tail -1 /etc/passwd", out: "uid=1000(app) gid=1000(app) groups=1000(app)\ndrwxr-xr-x app app\napp:x:1000:1000::/home/app:/bin/sh\n"},
		{script: "useradd -r -s /usr/sbin/nologin svc && id svc", out: "uid=999(svc) gid=999(svc) groups=999(svc)\n"},
		{script: "groupadd -g 2000 data && useradd -u 1500 -g data -G users -M bob && id bob && grep users /etc/group", out: "uid=1500(bob) gid=2000(data) groups=2000(data),100(users)\nusers:x:100:bob\n"},
		{script: "useradd app; useradd app", err: "useradd: user 'app' already exists\n", code: 9},
		{script: "useradd -g nope x", err: "useradd: group 'nope' does not exist\n", code: 6},
		{script: "groupadd grp && groupadd grp", err: "groupadd: group 'grp' already exists\n", code: 9},
		{script: "adduser --disabled-password --gecos '' app && id app && ls -ld /home/app | cut -c1-10", out: "Adding user `app' ...\nAdding new group `app' (1000) ...\nAdding new user `app' (1000) with group `app (1000)' ...\nCreating home directory `/home/app' ...\nuid=1000(app) gid=1000(app) groups=1000(app)\ndrwx------\n"},
		{script: "adduser --system --no-create-home --group svc >/dev/null && id svc", out: "uid=100(svc) gid=101(svc) groups=101(svc)\n", code: 0},
		{script: "adduser -D -S -u 1234 -G users app && id app", out: "uid=1234(app) gid=100(users) groups=100(users)\n"},
		{script: "useradd -m app && userdel -r app && id app", err: "id: 'app': no such user\n", code: 1},
		{script: "useradd app && usermod -aG users app && id -Gn app", out: "app users\n"},
		{script: "useradd app && grep app /etc/shadow | cut -d: -f1,2", out: "app:!\n"},
	})
}

// USER app in a Dockerfile: useradd, then Lookup, then files created by
// the new identity are owned by it.
func TestUseraddThenUser(t *testing.T) {
	f := tree(t)
	root := f.View(sandbox.Root)
	if _, errs, code := run(t, root, "useradd -m -u 1001 app && mkdir /data && chown app:app /data"); code != 0 {
		t.Fatalf("setup: %s", errs)
	}
	id, err := users.Lookup(root, "app")
	if err != nil {
		t.Fatal(err)
	}
	if id.UID != 1001 || id.GID != 1001 || id.Home != "/home/app" || id.Name != "app" {
		t.Fatalf("Lookup(app) = %+v", id)
	}
	as := f.View(id)
	out, errs, code := run(t, as, "cd /home/app && touch mine && echo x > /data/f && stat -c '%U:%G' mine /data/f && test -O mine && echo owned && whoami && mkdir /etc/x")
	if out != "app:app\napp:app\nowned\napp\n" || code != 1 || errs != "mkdir: cannot create directory '/etc/x': Permission denied\n" {
		t.Fatalf("as app: out %q err %q code %d", out, errs, code)
	}
}

func TestGetent(t *testing.T) {
	fsys := layerfs.New().View(sandbox.Root)
	fsys.MkdirAll("/etc", 0o755)
	f, _ := fsys.OpenFile("/etc/hosts", os.O_WRONLY|os.O_CREATE, 0o644)
	f.Write([]byte("127.0.0.1 localhost\n172.18.0.5 self self.local\n"))
	f.Close()
	p := &tools.Proc{FS: fsys, Resolve: func(name string) []string {
		if name == "db" {
			return []string{"172.18.0.2"}
		}
		return nil
	}}
	for _, c := range []struct {
		args []string
		out  string
		code int
	}{
		{[]string{"getent", "hosts", "db"}, "172.18.0.2      db\n", 0},
		{[]string{"getent", "hosts", "self.local"}, "172.18.0.5      self.local\n", 0},
		{[]string{"getent", "hosts", "nowhere"}, "", 2},
	} {
		var out, errOut bytes.Buffer
		p.Args, p.Stdout, p.Stderr = c.args, &out, &errOut
		if code := tools.Default()["getent"](context.Background(), p); code != c.code || out.String() != c.out {
			t.Errorf("%v: %d %q, want %d %q (%s)", c.args, code, out.String(), c.code, c.out, errOut.String())
		}
	}
}
