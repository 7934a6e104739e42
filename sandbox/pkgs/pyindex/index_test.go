package pyindex

import (
	"strings"
	"testing"
)

func TestDefaultIndexIsClosed(t *testing.T) {
	ix := Default()
	env := NewEnv("3.14")
	for _, p := range ix.Projects() {
		if len(p.Releases) == 0 || len(p.Imports) == 0 {
			t.Errorf("%s: no releases or imports", p.Key)
		}
		for _, r := range p.Releases {
			if r.WheelSize == 0 || r.Installed == 0 {
				t.Errorf("%s %s: missing sizes", p.Key, r.Version)
			}
			for _, req := range r.Requires {
				if req.Marker != nil && strings.Contains(req.Marker.String(), "extra") {
					continue
				}
				if !req.Marker.Eval(env) && !req.Marker.Eval(NewEnv("3.9")) {
					continue
				}
				if ix.Project(req.Name) == nil {
					t.Errorf("%s %s requires %s, not in the index", p.Key, r.Version, req.Name)
				}
			}
		}
	}
	for _, name := range []string{"pandas", "numpy", "python-dateutil", "pytz", "tzdata", "six", "requests",
		"urllib3", "idna", "certifi", "charset-normalizer", "flask", "werkzeug", "jinja2", "markupsafe",
		"itsdangerous", "blinker", "click", "fastapi", "starlette", "pydantic", "pydantic-core",
		"typing-extensions", "annotated-types", "anyio", "sniffio", "uvicorn", "h11", "sqlalchemy",
		"greenlet", "psycopg2-binary", "pyarrow", "polars", "pytest", "iniconfig", "packaging", "pluggy",
		"gunicorn", "boto3", "botocore", "jmespath", "s3transfer"} {
		if ix.Project(name) == nil {
			t.Errorf("index lacks %s", name)
		}
	}
}

func TestWheelFile(t *testing.T) {
	p := Default().Project("pandas")
	got := p.Releases[0].WheelFile(314)
	if want := "pandas-2.3.3-cp314-cp314-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl"; got != want {
		t.Errorf("WheelFile = %q, want %q", got, want)
	}
	if !Default().Project("polars").Releases[0].HasWheel(314) {
		t.Error("abi3 wheel should install on 3.14")
	}
	if r := Default().Project("pandas").Release("2.2.3"); r == nil || r.HasWheel(314) {
		t.Error("pandas 2.2.3 has no cp314 wheel")
	}
}

func FuzzParseIndex(f *testing.F) {
	f.Add(pypiText)
	f.Add("[x]\nversion 1.0 size=1k installed=2k\n  y>=1; python_version < \"3\"\n")
	f.Add("[x]\nversion 1.0 wheel=cp{py}-cp{py}-any pys=39-314\n  same 1.0\n")
	f.Fuzz(func(t *testing.T, s string) {
		ix, err := Parse(s)
		if err != nil {
			return
		}
		for _, p := range ix.Projects() {
			for _, r := range p.Releases {
				_ = r.WheelFile(314)
				_ = r.HasWheel(314)
			}
		}
	})
}
