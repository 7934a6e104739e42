package pkgs

import (
	"strings"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

func TestPipInstallPandas(t *testing.T) {
	f := slimTree(t)
	root := f.View(sandbox.Root)
	writeT(t, root, "/app/requirements.txt", "pandas==2.3.3\n", 0o644)
	r := run(t, f, sandbox.Root, "/app", "pip install -r requirements.txt")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.all())
	}
	t.Log(r.all())
	for _, want := range []string{
		"Collecting pandas==2.3.3 (from -r requirements.txt (line 1))\n  Downloading pandas-2.3.3-cp314-cp314-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl.metadata (91 kB)\n",
		"Collecting numpy>=1.26.0 (from pandas==2.3.3->-r requirements.txt (line 1))\n",
		"Collecting six>=1.5 (from python-dateutil>=2.8.2->pandas==2.3.3->-r requirements.txt (line 1))\n",
		"Downloading pandas-2.3.3-cp314-cp314-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl (12.3 MB)\n",
		"Installing collected packages: tzdata, six, pytz, numpy, python-dateutil, pandas\n",
		"Successfully installed numpy-2.3.5 pandas-2.3.3 python-dateutil-2.9.0.post0 pytz-2025.2 six-1.17.0 tzdata-2025.2\n",
		"WARNING: Running pip as the 'root' user",
		"[notice] A new release of pip is available: 25.2 -> 25.3\n",
	} {
		if !strings.Contains(r.all(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	site := "/usr/local/lib/python3.14/site-packages/"
	meta := readT(t, root, site+"pandas-2.3.3.dist-info/METADATA")
	for _, want := range []string{"Metadata-Version: 2.1\n", "Name: pandas\n", "Version: 2.3.3\n", "Requires-Dist: numpy>=1.26.0; python_version >= \"3.12\"\n"} {
		if !strings.Contains(meta, want) {
			t.Errorf("METADATA lacks %q:\n%s", want, meta)
		}
	}
	if got := readT(t, root, site+"pandas-2.3.3.dist-info/INSTALLER"); got != "pip\n" {
		t.Errorf("INSTALLER = %q", got)
	}
	if got := readT(t, root, site+"python_dateutil-2.9.0.post0.dist-info/top_level.txt"); got != "dateutil\n" {
		t.Errorf("top_level.txt = %q", got)
	}
	if got := readT(t, root, site+"six-1.17.0.dist-info/top_level.txt"); got != "six\n" {
		t.Errorf("six top_level.txt = %q", got)
	}
	if !exists(root, site+"six.py") || !exists(root, site+"pandas/__init__.py") || !exists(root, site+"pandas-2.3.3.dist-info/REQUESTED") {
		t.Error("module files or REQUESTED missing")
	}
	if exists(root, site+"numpy-2.3.5.dist-info/REQUESTED") {
		t.Error("a dependency is marked REQUESTED")
	}
	rec := readT(t, root, site+"numpy-2.3.5.dist-info/RECORD")
	if !strings.Contains(rec, "../../../bin/f2py,sha256=") || !strings.Contains(rec, "numpy-2.3.5.dist-info/RECORD,,") {
		t.Errorf("RECORD:\n%s", rec)
	}
	script := readT(t, root, "/usr/local/bin/f2py")
	if !strings.HasPrefix(script, "#!/usr/local/bin/python3.14\n") || !strings.Contains(script, "from numpy.f2py.f2py2e import main") {
		t.Errorf("f2py script:\n%s", script)
	}
	fi, _ := root.Stat("/usr/local/bin/f2py")
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("f2py mode %v", fi.Mode())
	}
	// pip list sees the new packages.
	l := run(t, f, sandbox.Root, "/", "pip list")
	if !strings.Contains(l.out, "pandas          2.3.3\n") || !strings.HasPrefix(l.out, "Package         Version\n--------------- -----------\n") {
		t.Errorf("pip list:\n%s", l.out)
	}
	fr := run(t, f, sandbox.Root, "/", "pip freeze")
	if !strings.Contains(fr.out, "pandas==2.3.3\n") || strings.Contains(fr.out, "pip==") {
		t.Errorf("pip freeze:\n%s", fr.out)
	}
	sh := run(t, f, sandbox.Root, "/", "pip show pandas")
	if !strings.Contains(sh.out, "Requires: numpy, python-dateutil, pytz, tzdata\nRequired-by: \n") {
		t.Errorf("pip show:\n%s", sh.out)
	}
}

func TestPipInstallSizes(t *testing.T) {
	withCache := slimTree(t)
	r := run(t, withCache, sandbox.Root, "/", "pip install pandas==2.3.3")
	if r.code != 0 {
		t.Fatal(r.all())
	}
	noCache := slimTree(t)
	r = run(t, noCache, sandbox.Root, "/", "pip install --no-cache-dir pandas==2.3.3")
	if r.code != 0 {
		t.Fatal(r.all())
	}
	a, b := layerSize(withCache), layerSize(noCache)
	wheels := int64(12.3e6 + 16.6e6 + 229e3 + 509e3 + 347e3 + 11e3)
	diff := a - b
	if diff < wheels || diff > wheels+400e3 {
		t.Errorf("cache adds %d bytes, want about the wheels' %d", diff, wheels)
	}
	if b < 120e6 || b > 140e6 {
		t.Errorf("installed pandas stack is %d bytes, want about 130 MB", b)
	}
	if exists(noCache.View(sandbox.Root), "/root/.cache/pip") {
		t.Error("--no-cache-dir left a cache")
	}
	t.Logf("with cache %d MB, without %d MB", a/1e6, b/1e6)
	// A second install uses the cache.
	again := run(t, withCache, sandbox.Root, "/", "pip uninstall -y pandas && pip install pandas==2.3.3")
	if !strings.Contains(again.out, "Using cached pandas-2.3.3-cp314-cp314-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl (12.3 MB)") {
		t.Errorf("reinstall did not use the cache:\n%s", again.all())
	}
}

func TestPipMessages(t *testing.T) {
	for _, tc := range []struct {
		name, reqs, cmd string
		code            int
		want            []string
	}{
		{"ranges and markers", "requests>=2.31,<3\nflask~=3.0.0\ntomli; python_version < \"3.11\"\n", "pip install -r requirements.txt", 0, []string{
			"Ignoring tomli: markers 'python_version < \"3.11\"' don't match your environment\n",
			"Collecting requests<3,>=2.31 (from -r requirements.txt (line 1))\n",
			"Collecting flask~=3.0.0 (from -r requirements.txt (line 2))\n",
			"Collecting charset_normalizer<4,>=2 (from requests<3,>=2.31->-r requirements.txt (line 1))\n",
			"Successfully installed blinker-1.9.0 certifi-2025.10.5 charset-normalizer-3.4.4 click-8.3.0 flask-3.0.3 idna-3.11 itsdangerous-2.2.0 jinja2-3.1.6 markupsafe-3.0.3 requests-2.32.5 urllib3-2.5.0 werkzeug-3.1.3\n",
		}},
		{"unknown", "", "pip install nosuchpkg", 1, []string{
			"ERROR: Could not find a version that satisfies the requirement nosuchpkg (from versions: none)\nERROR: No matching distribution found for nosuchpkg\n",
		}},
		{"no such version", "", "pip install pandas==9.9", 1, []string{
			"ERROR: Could not find a version that satisfies the requirement pandas==9.9 (from versions: 2.1.4, 2.2.2, 2.2.3, 2.3.1, 2.3.2, 2.3.3)\n",
		}},
		{"conflict", "flask==3.1.2\nwerkzeug==2.3.8\n", "pip install -r requirements.txt", 1, []string{
			"ERROR: Cannot install -r requirements.txt (line 1) and werkzeug==2.3.8 because these package versions have conflicting dependencies.\n",
			"The conflict is caused by:\n    The user requested werkzeug==2.3.8\n    flask 3.1.2 depends on werkzeug>=3.1.0\n",
			"ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts\n",
		}},
		{"junk", "pandas\nthis is junk\n", "pip install -r requirements.txt", 1, []string{
			"ERROR: Invalid requirement: 'this is junk' (from line 2 of requirements.txt)\n",
		}},
		{"missing file", "", "pip install -r nope.txt", 1, []string{
			"ERROR: Could not open requirements file: [Errno 2] No such file or directory: 'nope.txt'\n",
		}},
		{"sdist without compiler", "", "pip install pandas==2.2.3", 1, []string{
			"Collecting pandas==2.2.3\n  Downloading pandas-2.2.3.tar.gz (4.4 MB)\n",
			"error: metadata-generation-failed\n",
		}},
		{"backtracks to an older release", "", "pip install 'boto3' 'botocore<1.36'", 0, []string{
			"Successfully installed boto3-1.35.99 botocore-1.35.99",
		}},
		{"greenlet skipped on 3.14", "", "pip install sqlalchemy", 0, []string{
			"Successfully installed SQLAlchemy-2.0.44 typing-extensions-4.15.0\n",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := slimTree(t)
			if tc.reqs != "" {
				writeT(t, f.View(sandbox.Root), "/app/requirements.txt", tc.reqs, 0o644)
			}
			r := run(t, f, sandbox.Root, "/app", tc.cmd)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tc.code, r.all())
			}
			for _, w := range tc.want {
				if !strings.Contains(r.all(), w) {
					t.Errorf("output lacks %q:\n%s", w, r.all())
				}
			}
		})
	}
}

func TestPipAlreadySatisfied(t *testing.T) {
	f := slimTree(t)
	run(t, f, sandbox.Root, "/", "pip install -q requests==2.32.4")
	r := run(t, f, sandbox.Root, "/", "pip install requests")
	want := "Requirement already satisfied: requests in /usr/local/lib/python3.14/site-packages (2.32.4)\n" +
		"Requirement already satisfied: charset_normalizer<4,>=2 in /usr/local/lib/python3.14/site-packages (from requests) (3.4.4)\n"
	if !strings.HasPrefix(r.out, want) || strings.Contains(r.out, "Installing") {
		t.Errorf("got\n%s", r.all())
	}
	u := run(t, f, sandbox.Root, "/", "pip install -U requests")
	if !strings.Contains(u.out, "  Attempting uninstall: requests\n    Found existing installation: requests 2.32.4\n    Uninstalling requests-2.32.4:\n      Successfully uninstalled requests-2.32.4\nSuccessfully installed requests-2.32.5\n") {
		t.Errorf("upgrade:\n%s", u.all())
	}
	if exists(f.View(sandbox.Root), "/usr/local/lib/python3.14/site-packages/requests-2.32.4.dist-info") {
		t.Error("old dist-info left behind")
	}
}

func TestPipNonRoot(t *testing.T) {
	f := slimTree(t)
	r := run(t, f, appUser, "/home/app", "pip install --no-cache-dir uvicorn")
	if r.code != 0 {
		t.Fatal(r.all())
	}
	for _, w := range []string{
		"Defaulting to user installation because normal site-packages is not writeable\n",
		"  WARNING: The script uvicorn is installed in '/home/app/.local/bin' which is not on PATH.\n",
	} {
		if !strings.Contains(r.all(), w) {
			t.Errorf("output lacks %q:\n%s", w, r.all())
		}
	}
	if strings.Contains(r.all(), "'root' user") {
		t.Error("root warning for a non-root user")
	}
	v := f.View(sandbox.Root)
	fi, err := v.Stat("/home/app/.local/lib/python3.14/site-packages/uvicorn-0.38.0.dist-info/METADATA")
	if err != nil || sandbox.OwnerOf(fi).UID != 1000 {
		t.Errorf("user install missing or not owned by app: %v", err)
	}
	// --user as root goes to /root/.local.
	u := run(t, f, sandbox.Root, "/", "pip install --user --no-cache-dir six")
	if u.code != 0 || !exists(v, "/root/.local/lib/python3.14/site-packages/six.py") {
		t.Errorf("--user as root:\n%s", u.all())
	}
	// A user whose home is not writable cannot install at all.
	nobody := sandbox.Identity{UID: 65534, GID: 65534, Name: "nobody", Home: "/nonexistent"}
	n := run(t, f, nobody, "/", "pip install six")
	if n.code != 1 || !strings.Contains(n.err, "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/nonexistent'") {
		t.Errorf("nobody:\n%s", n.all())
	}
}

func BenchmarkPipInstallPandas(b *testing.B) {
	f := slimTree(b)
	writeT(b, f.View(sandbox.Root), "/app/requirements.txt", "pandas==2.3.3\n", 0o644)
	b.ResetTimer()
	for range b.N {
		g := f.Fork()
		if r := run(b, g, sandbox.Root, "/app", "pip install -r requirements.txt"); r.code != 0 {
			b.Fatal(r.all())
		}
	}
}
