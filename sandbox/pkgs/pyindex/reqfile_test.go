package pyindex

import (
	"errors"
	"strings"
	"testing"
)

func reader(files map[string]string) ReadFile {
	return func(name string) (string, error) {
		if s, ok := files[name]; ok {
			return s, nil
		}
		return "", errors.New("[Errno 2] No such file or directory: '" + name + "'")
	}
}

func TestRequirementsFile(t *testing.T) {
	files := map[string]string{
		"requirements.txt": "# data stack\n\npandas==2.3.3  # pinned\nrequests>=2.31,<3\n" +
			"flask~=3.1 \\\n  ; python_version >= \"3.9\"\n-r dev.txt\n" +
			"uvicorn[standard]!=0.30.0\n--index-url https://pypi.org/simple\n" +
			"numpy==2.3.4 --hash=sha256:abc\n",
		"dev.txt":         "pytest\n-c constraints.txt\n",
		"constraints.txt": "pluggy<1.6\n",
	}
	got, err := ParseRequirementsFile("requirements.txt", reader(files))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range got {
		lines = append(lines, l.Req.String()+" @ "+l.From)
	}
	want := []string{
		"pandas==2.3.3 @ -r requirements.txt (line 3)",
		"requests<3,>=2.31 @ -r requirements.txt (line 4)",
		"flask~=3.1 @ -r requirements.txt (line 5)",
		"pytest @ -r dev.txt (line 1)",
		"pluggy<1.6 @ -c constraints.txt (line 1)",
		"uvicorn[standard]!=0.30.0 @ -r requirements.txt (line 8)",
		"numpy==2.3.4 @ -r requirements.txt (line 10)",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got[2].Req.Marker == nil || !got[2].Req.Marker.Eval(NewEnv("3.14")) {
		t.Error("continuation line lost its marker")
	}
}

func TestRequirementsFileErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"pandas\npandas=2.0\n", "requirements.txt:2: Invalid requirement: 'pandas=2.0'\nHint: = is not a valid operator. Did you mean == ?"},
		{"hello world\n", "requirements.txt:1: Invalid requirement: 'hello world'"},
		{"-r missing.txt\n", "Could not open requirements file: [Errno 2] No such file or directory: 'missing.txt'"},
		{"-e .\n", "requirements.txt:1: Invalid requirement: \"-e .\": editable installs"},
		{"--frobnicate\n", "requirements.txt:1: Invalid requirement: \"--frobnicate\": unknown option --frobnicate"},
	} {
		_, err := ParseRequirementsFile("requirements.txt", reader(map[string]string{"requirements.txt": tc.text}))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want prefix %q", tc.text, err, tc.want)
		}
	}
}

func TestRequirementsFileSelfInclude(t *testing.T) {
	_, err := ParseRequirementsFile("a.txt", reader(map[string]string{"a.txt": "-r a.txt\n"}))
	if err == nil {
		t.Fatal("self-including file parsed")
	}
}

// FuzzRequirements feeds arbitrary text to the requirements-file parser:
// it must return lines or an error, never panic, and every line it
// returns must print as a requirement that parses again.
func FuzzRequirements(f *testing.F) {
	for _, s := range []string{
		"pandas==2.3.3\n", "requests>=2,<3 ; python_version < \"3.12\"\n",
		"flask[async]~=3.1\n# c\n\n", "a \\\n>=1\n", "-r other.txt\n", "-c other.txt\n",
		"x==1.*\n", "y!=2.0.0rc1\n", "z===1.0-weird\n", "name @ https://x/y.whl\n",
		"pkg; extra == 'Foo' and (os_name == \"posix\" or sys_platform in 'linux')\n",
		"--hash=sha256:00\n", "numpy (>=1.0)\n", "\\\n", "-rother.txt\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		files := map[string]string{"requirements.txt": s, "other.txt": "six\n"}
		lines, err := ParseRequirementsFile("requirements.txt", reader(files))
		if err != nil {
			return
		}
		env := NewEnv("3.14")
		for _, l := range lines {
			l.Req.Marker.Eval(env)
			if l.Req.URL != "" {
				t.Fatalf("URL requirement accepted: %q", l.Req)
			}
			again, err := ParseRequirement(l.Req.String())
			if err != nil {
				t.Fatalf("%q printed as %q, which does not parse: %v", s, l.Req.String(), err)
			}
			if again.Key() != l.Req.Key() {
				t.Fatalf("name changed: %q → %q", l.Req.Key(), again.Key())
			}
		}
	})
}
