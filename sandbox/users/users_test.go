package users_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/users"
)

func fixture(t *testing.T) sandbox.FS {
	t.Helper()
	root := layerfs.New().View(sandbox.Root)
	if err := root.MkdirAll("/etc", 0o755); err != nil {
		t.Fatal(err)
	}
	put := func(name, s string) {
		f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(s))
		f.Close()
	}
	put("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n# comment\nbroken line\napp:x:1000:1000:App:/home/app:/bin/sh\nsvc:x:999:999::/nonexistent:/usr/sbin/nologin\n")
	put("/etc/group", "root:x:0:\nusers:x:100:app\ndocker:x:998:app,svc\napp:x:1000:\nsvc:x:999:\n")
	return root
}

func TestLookup(t *testing.T) {
	fsys := fixture(t)
	cases := []struct {
		spec string
		want sandbox.Identity
		err  string
	}{
		{spec: "root", want: sandbox.Identity{UID: 0, GID: 0, Name: "root", Home: "/root"}},
		{spec: "", want: sandbox.Identity{UID: 0, GID: 0, Name: "root", Home: "/root"}},
		{spec: "app", want: sandbox.Identity{UID: 1000, GID: 1000, Groups: []int{100, 998}, Name: "app", Home: "/home/app"}},
		{spec: "1000", want: sandbox.Identity{UID: 1000, GID: 1000, Groups: []int{100, 998}, Name: "app", Home: "/home/app"}},
		{spec: "app:users", want: sandbox.Identity{UID: 1000, GID: 100, Name: "app", Home: "/home/app"}},
		{spec: "1000:42", want: sandbox.Identity{UID: 1000, GID: 42, Name: "app", Home: "/home/app"}},
		{spec: "4242", want: sandbox.Identity{UID: 4242, GID: 0, Home: "/"}},
		{spec: "4242:4242", want: sandbox.Identity{UID: 4242, GID: 4242, Home: "/"}},
		{spec: "svc", want: sandbox.Identity{UID: 999, GID: 999, Groups: []int{998}, Name: "svc", Home: "/nonexistent"}},
		{spec: "bob", err: "unable to find user bob: no matching entries in passwd file"},
		{spec: "app:nogrp", err: "unable to find group nogrp: no matching entries in group file"},
	}
	for _, c := range cases {
		got, err := users.Lookup(fsys, c.spec)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Lookup(%q) error = %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Lookup(%q): %v", c.spec, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Lookup(%q) = %+v, want %+v", c.spec, got, c.want)
		}
	}
}

func TestLookupNoPasswd(t *testing.T) {
	root := layerfs.New().View(sandbox.Root)
	if _, err := users.Lookup(root, "app"); err == nil {
		t.Fatal("name without passwd: want error")
	}
	id, err := users.Lookup(root, "1000:1000")
	if err != nil || id.UID != 1000 || id.GID != 1000 {
		t.Fatalf("numeric in scratch image = %+v, %v", id, err)
	}
}

func TestEdits(t *testing.T) {
	fsys := fixture(t)
	names := users.LoadNames(fsys)
	if got := names.NextUID(false, false); got != 1001 {
		t.Errorf("NextUID = %d, want 1001", got)
	}
	if got := names.NextUID(true, false); got != 998 {
		t.Errorf("NextUID(system) = %d, want 998", got)
	}
	if got := names.NextGID(true, true); got != 101 {
		t.Errorf("NextGID(system, ascending) = %d, want 101", got)
	}
	if err := users.AddGroup(fsys, users.Group{Name: "web", GID: 2000}); err != nil {
		t.Fatal(err)
	}
	if err := users.AddUser(fsys, users.User{Name: "web", UID: 2000, GID: 2000, Home: "/srv", Shell: "/bin/sh"}); err != nil {
		t.Fatal(err)
	}
	if err := users.AddMember(fsys, "docker", "web"); err != nil {
		t.Fatal(err)
	}
	id, err := users.Lookup(fsys, "web")
	if err != nil || id.UID != 2000 || !reflect.DeepEqual(id.Groups, []int{998}) || id.Home != "/srv" {
		t.Fatalf("after add: %+v %v", id, err)
	}
	if err := users.AddUser(fsys, users.User{Name: "web"}); err == nil {
		t.Fatal("duplicate user accepted")
	}
	if _, err := users.DeleteUser(fsys, "web"); err != nil {
		t.Fatal(err)
	}
	gs, _ := users.ReadGroups(fsys)
	for _, g := range gs {
		if g.Name == "web" || strings.Contains(strings.Join(g.Members, ","), "web") {
			t.Errorf("group %+v still mentions web", g)
		}
	}
	if _, err := fsys.Stat("/etc/passwd+"); err == nil {
		t.Error("temporary file left behind")
	}
	// Non-root views cannot edit.
	as := fsys.As(sandbox.Identity{UID: 1000, GID: 1000})
	if err := users.AddGroup(as, users.Group{Name: "x", GID: 3000}); err == nil {
		t.Error("non-root edited /etc/group")
	}
}

func FuzzParsePasswd(f *testing.F) {
	f.Add("root:x:0:0:root:/root:/bin/bash\n")
	f.Add("a:b:c\n::::::\nx:x:-1:2:::\n")
	f.Fuzz(func(t *testing.T, s string) {
		us, err := users.ParsePasswd(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, u := range us {
			if strings.Contains(u.Name, "\n") {
				t.Fatalf("name with newline: %q", u.Name)
			}
		}
		users.ParseGroup(strings.NewReader(s))
	})
}
