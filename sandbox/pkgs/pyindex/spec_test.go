package pyindex

import "testing"

func TestSpecifiersAndMarkers(t *testing.T) {
	for _, tc := range []struct {
		spec, version string
		want          bool
	}{
		{">=1.26.0", "2.3.5", true}, {"<2,>=1.22.4", "2.0.0", false}, {"~=3.1", "3.9.0", true},
		{"~=3.1.0", "3.2.0", false}, {"==2.2.*", "2.2.3", true}, {"!=2.2.0", "2.2.0", false},
		{"<2.0a.0,>=1.37.4", "1.40.60", true}, {">=1.0", "2.0rc1", false}, {">=2.0rc1", "2.0rc1", true},
		{"==2.9.0.post0", "2.9.0.post0", true}, {">2.9.0", "2.9.0.post0", true}, {"==1.0", "1.0.0", true},
	} {
		set, err := ParseSpecifierSet(tc.spec)
		if err != nil {
			t.Fatalf("%s: %v", tc.spec, err)
		}
		if got := set.Contains(MustVersion(tc.version)); got != tc.want {
			t.Errorf("%s contains %s = %v, want %v", tc.spec, tc.version, got, tc.want)
		}
	}
	env := NewEnv("3.14.0")
	for _, tc := range []struct {
		marker string
		want   bool
	}{
		{`python_version < "3.11"`, false}, {`python_version >= "3.12"`, true},
		{`python_version == "3.14"`, true}, {`sys_platform == "win32"`, false},
		{`python_version < "3.14" and (platform_machine == "aarch64" or platform_machine == "x86_64")`, false},
		{`extra == "async"`, false}, {`"linux" in sys_platform and os_name != 'nt'`, true},
		{`python_full_version >= "3.14.0"`, true},
	} {
		m, err := ParseMarker(tc.marker)
		if err != nil {
			t.Fatalf("%s: %v", tc.marker, err)
		}
		if got := m.Eval(env); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.marker, got, tc.want)
		}
	}
}

func TestResolveOrder(t *testing.T) {
	res, err := Default().Resolve([]Root{{Req: mustReq(t, "pandas==2.3.3")}}, Options{Env: NewEnv("3.14"), Py: 314})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range InstallOrder(res.Nodes) {
		names = append(names, n.Key)
	}
	want := "tzdata six pytz numpy python-dateutil pandas"
	if got := join(names); got != want {
		t.Errorf("install order %q, want %q", got, want)
	}
}

func mustReq(t *testing.T, s string) Requirement {
	r, err := ParseRequirement(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
