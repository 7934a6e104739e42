package tools

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/layerlab/learn/sandbox/users"
)

func userTools() Registry {
	return Registry{
		"useradd": useraddTool, "groupadd": groupaddTool, "userdel": userdelTool,
		"groupdel": groupdelTool, "usermod": usermodTool,
		"adduser": adduserTool, "addgroup": addgroupTool,
		"deluser": deluserTool, "delgroup": delgroupTool,
	}
}

// shadow-utils exit codes (useradd(8)).
const (
	exitBadSyntax  = 2
	exitBadArg     = 3
	exitIDInUse    = 4
	exitNoGroup    = 6
	exitNameInUse  = 9
	exitCantUpdate = 10
	exitHomeFailed = 12
)

// needRoot prints shadow-utils' refusal for non-root callers.
func (p *Proc) needRoot(file string) bool {
	if p.Identity().IsRoot() {
		return true
	}
	p.Errorf("Permission denied.")
	p.Errorf("cannot lock %s; try again later.", file)
	return false
}

// validName follows Debian's NAME_REGEX loosely: lower-case start, then
// letters, digits, dot, dash, underscore, optional trailing $.
func validName(n string) bool {
	if n == "" || len(n) > 32 || n[0] == '-' || n[0] >= '0' && n[0] <= '9' {
		return false
	}
	for i, c := range n {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || (c == '$' && i == len(n)-1)
		if !ok {
			return false
		}
	}
	return true
}

// makeHome creates a home directory owned by the new user, copying
// /etc/skel when the image has one.
func (p *Proc) makeHome(home string, uid, gid int, mode uint32) error {
	if _, err := p.FS.Stat(home); err == nil {
		return nil
	}
	if err := p.FS.MkdirAll(path.Dir(home), 0o755); err != nil {
		return err
	}
	if err := p.FS.Mkdir(home, fileMode(mode)); err != nil {
		return err
	}
	p.FS.Chmod(home, fileMode(mode))
	if ents, err := p.FS.ReadDir("/etc/skel"); err == nil {
		c := &copier{p: p, recursive: true, preserve: true, noDeref: true}
		quiet := *p
		quiet.Stderr = nopWriteCloser{discard{}}
		c.p = &quiet
		for _, e := range ents {
			c.copy(context.Background(), path.Join("/etc/skel", e.Name()), path.Join(home, e.Name()), e.Name(), e.Name(), false)
		}
	}
	var chownAll func(string)
	chownAll = func(n string) {
		p.FS.Lchown(n, uid, gid)
		if ents, err := p.FS.ReadDir(n); err == nil {
			for _, e := range ents {
				chownAll(path.Join(n, e.Name()))
			}
		}
	}
	chownAll(home)
	return nil
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

type newUser struct {
	name, home, shell, gecos string
	uid, gid                 int // -1: allocate
	group                    string
	extra                    []string
	system, createHome       bool
	userGroup                bool // create a group named like the user
	ascending                bool // adduser/busybox allocate system ids upwards
	nonUnique                bool
	homeMode                 uint32
}

// addUser is the shared core of useradd and both adduser flavours. It
// returns a shadow-utils exit code and prints errors as prog.
func (p *Proc) addUser(u *newUser) (uid, gid int, code int) {
	names := users.LoadNames(p.FS)
	if _, exists := names.User(u.name); exists {
		p.Errorf("user '%s' already exists", u.name)
		return 0, 0, exitNameInUse
	}
	if u.uid >= 0 && names.UIDTaken(u.uid) && !u.nonUnique {
		p.Errorf("UID %d is not unique", u.uid)
		return 0, 0, exitIDInUse
	}
	gid = -1
	if u.group != "" {
		id, ok := names.GID(u.group)
		if !ok || (!names.GIDTaken(id) && strings.Trim(u.group, "0123456789") != "") {
			p.Errorf("group '%s' does not exist", u.group)
			return 0, 0, exitNoGroup
		}
		gid = id
		u.userGroup = false
	}
	for _, g := range u.extra {
		if _, ok := names.Group(g); !ok {
			if id, err := strconv.Atoi(g); err != nil || !names.GIDTaken(id) {
				p.Errorf("group '%s' does not exist", g)
				return 0, 0, exitNoGroup
			}
		}
	}
	if u.userGroup {
		if _, exists := names.Group(u.name); exists {
			p.Errorf("group %s exists - if you want to add this user to that group, use -g.", u.name)
			return 0, 0, exitNameInUse
		}
	}
	uid = u.uid
	if uid < 0 {
		// shadow-utils and adduser pick the uid first; the user's own
		// group then takes the same number when it is free.
		uid = names.NextUID(u.system, u.ascending)
		if uid < 0 {
			p.Errorf("can't get unique UID (no more available UIDs)")
			return 0, 0, exitIDInUse
		}
	}
	if u.userGroup {
		gid = uid
		if names.GIDTaken(gid) {
			gid = names.NextGID(u.system, u.ascending)
		}
		if err := users.AddGroup(p.FS, users.Group{Name: u.name, GID: gid}); err != nil {
			p.Errorf("cannot update %s: %s", users.GroupFile, ErrText(err))
			return 0, 0, exitCantUpdate
		}
	}
	if gid < 0 {
		// USERGROUPS_ENAB=no / -N: the "users" group, as login.defs says.
		gid = 100
	}
	if u.home == "" {
		u.home = "/home/" + u.name
	}
	if u.shell == "" {
		u.shell = "/bin/sh"
	}
	if err := users.AddUser(p.FS, users.User{Name: u.name, UID: uid, GID: gid, Gecos: u.gecos, Home: u.home, Shell: u.shell}); err != nil {
		p.Errorf("cannot update %s: %s", users.PasswdFile, ErrText(err))
		return 0, 0, exitCantUpdate
	}
	for _, g := range u.extra {
		name := g
		if id, err := strconv.Atoi(g); err == nil {
			name, _ = names.LookupGID(id)
		}
		if err := users.AddMember(p.FS, name, u.name); err != nil {
			p.Errorf("cannot update %s: %s", users.GroupFile, ErrText(err))
			return 0, 0, exitCantUpdate
		}
	}
	if u.createHome {
		mode := u.homeMode
		if mode == 0 {
			mode = 0o755
		}
		if err := p.makeHome(u.home, uid, gid, mode); err != nil {
			p.Errorf("cannot create directory %s", u.home)
			return uid, gid, exitHomeFailed
		}
	}
	return uid, gid, 0
}

func useraddTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "mMru:g:G:s:d:UNc:op:lk:e:f:K:D", long: []string{
		"create-home/m", "no-create-home/M", "system/r", "uid:/u", "gid:/g", "groups:/G", "shell:/s",
		"home-dir:/d", "user-group/U", "no-user-group/N", "comment:/c", "non-unique/o", "password:/p",
		"no-log-init/l", "skel:/k", "expiredate:/e", "inactive:/f", "key:/K", "defaults/D", "badname", "badnames"}})
	if !ok {
		return exitBadSyntax
	}
	u := &newUser{uid: -1, userGroup: true}
	for _, o := range opts {
		switch o.key {
		case "m":
			u.createHome = true
		case "M":
			u.createHome = false
		case "r":
			u.system = true
		case "u":
			n, err := strconv.Atoi(o.val)
			if err != nil || n < 0 {
				p.Errorf("invalid user ID '%s'", o.val)
				return exitBadArg
			}
			u.uid = n
		case "g":
			u.group = o.val
		case "G":
			for _, g := range strings.Split(o.val, ",") {
				if g != "" {
					u.extra = append(u.extra, g)
				}
			}
		case "s":
			u.shell = o.val
		case "d":
			u.home = o.val
		case "U":
			u.userGroup = true
		case "N":
			u.userGroup = false
		case "c":
			u.gecos = o.val
		case "o":
			u.nonUnique = true
		}
	}
	if len(rest) != 1 {
		fmt.Fprintf(p.Stderr, "Usage: useradd [options] LOGIN\n")
		return exitBadSyntax
	}
	u.name = rest[0]
	if !validName(u.name) {
		p.Errorf("invalid user name '%s': use --badname to ignore", u.name)
		return exitBadArg
	}
	if !p.needRoot(users.PasswdFile) {
		return 1
	}
	_, _, code := p.addUser(u)
	return code
}

func groupaddTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "g:rfoK:p:", long: []string{"gid:/g", "system/r", "force/f", "non-unique/o", "key:/K", "password:/p"}})
	if !ok {
		return exitBadSyntax
	}
	gid, system, force, nonUnique := -1, false, false, false
	for _, o := range opts {
		switch o.key {
		case "g":
			n, err := strconv.Atoi(o.val)
			if err != nil || n < 0 {
				p.Errorf("invalid group ID '%s'", o.val)
				return exitBadArg
			}
			gid = n
		case "r":
			system = true
		case "f":
			force = true
		case "o":
			nonUnique = true
		}
	}
	if len(rest) != 1 {
		fmt.Fprintf(p.Stderr, "Usage: groupadd [options] GROUP\n")
		return exitBadSyntax
	}
	name := rest[0]
	if !validName(name) {
		p.Errorf("'%s' is not a valid group name", name)
		return exitBadArg
	}
	if !p.needRoot(users.GroupFile) {
		return 1
	}
	names := users.LoadNames(p.FS)
	if _, exists := names.Group(name); exists {
		if force {
			return 0
		}
		p.Errorf("group '%s' already exists", name)
		return exitNameInUse
	}
	if gid >= 0 && names.GIDTaken(gid) && !nonUnique {
		if force {
			gid = -1
		} else {
			p.Errorf("GID '%d' already exists", gid)
			return exitIDInUse
		}
	}
	if gid < 0 {
		gid = names.NextGID(system, false)
	}
	if err := users.AddGroup(p.FS, users.Group{Name: name, GID: gid}); err != nil {
		p.Errorf("cannot update %s: %s", users.GroupFile, ErrText(err))
		return exitCantUpdate
	}
	return 0
}

func userdelTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "rf", long: []string{"remove/r", "force/f"}})
	if !ok {
		return exitBadSyntax
	}
	remove := false
	for _, o := range opts {
		if o.key == "r" {
			remove = true
		}
	}
	if len(rest) != 1 {
		fmt.Fprintf(p.Stderr, "Usage: userdel [options] LOGIN\n")
		return exitBadSyntax
	}
	if !p.needRoot(users.PasswdFile) {
		return 1
	}
	if _, ok := users.LoadNames(p.FS).User(rest[0]); !ok {
		p.Errorf("user '%s' does not exist", rest[0])
		return exitNoGroup
	}
	gone, err := users.DeleteUser(p.FS, rest[0])
	if err != nil {
		p.Errorf("cannot update %s: %s", users.PasswdFile, ErrText(err))
		return exitCantUpdate
	}
	if remove && gone.Home != "" && gone.Home != "/" {
		if err := p.FS.RemoveAll(gone.Home); err != nil {
			p.Errorf("%s home directory (%s) not found", rest[0], gone.Home)
		}
	}
	return 0
}

func groupdelTool(ctx context.Context, p *Proc) int {
	_, rest, ok := p.parseOpts(optSpec{short: "f", long: []string{"force/f"}})
	if !ok {
		return exitBadSyntax
	}
	if len(rest) != 1 {
		fmt.Fprintf(p.Stderr, "Usage: groupdel [options] GROUP\n")
		return exitBadSyntax
	}
	if !p.needRoot(users.GroupFile) {
		return 1
	}
	return p.deleteGroup(rest[0], exitNoGroup)
}

func (p *Proc) deleteGroup(name string, missing int) int {
	names := users.LoadNames(p.FS)
	g, ok := names.Group(name)
	if !ok {
		p.Errorf("group '%s' does not exist", name)
		return missing
	}
	for _, u := range names.Users() {
		if u.GID == g.GID {
			p.Errorf("cannot remove the primary group of user '%s'", u.Name)
			return 8
		}
	}
	var keep []users.Group
	for _, x := range names.Groups() {
		if x.Name != name {
			keep = append(keep, x)
		}
	}
	if err := users.WriteGroups(p.FS, keep); err != nil {
		p.Errorf("cannot update %s: %s", users.GroupFile, ErrText(err))
		return exitCantUpdate
	}
	return 0
}

func usermodTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "aG:s:d:mu:g:c:l:LUe:", long: []string{"append/a", "groups:/G", "shell:/s", "home:/d", "move-home/m", "uid:/u", "gid:/g", "comment:/c", "login:/l", "lock/L", "unlock/U", "expiredate:/e"}})
	if !ok {
		return exitBadSyntax
	}
	if len(rest) != 1 {
		fmt.Fprintf(p.Stderr, "Usage: usermod [options] LOGIN\n")
		return exitBadSyntax
	}
	if !p.needRoot(users.PasswdFile) {
		return 1
	}
	names := users.LoadNames(p.FS)
	name := rest[0]
	all, _ := users.ReadUsers(p.FS)
	idx := -1
	for i, u := range all {
		if u.Name == name {
			idx = i
		}
	}
	if idx < 0 {
		p.Errorf("user '%s' does not exist", name)
		return exitNoGroup
	}
	appendGroups := false
	var groups []string
	setGroups := false
	u := &all[idx]
	for _, o := range opts {
		switch o.key {
		case "a":
			appendGroups = true
		case "G":
			setGroups = true
			for _, g := range strings.Split(o.val, ",") {
				if g == "" {
					continue
				}
				if _, ok := names.Group(g); !ok {
					p.Errorf("group '%s' does not exist", g)
					return exitNoGroup
				}
				groups = append(groups, g)
			}
		case "s":
			u.Shell = o.val
		case "d":
			u.Home = o.val
		case "c":
			u.Gecos = o.val
		case "l":
			u.Name = o.val
		case "u":
			n, err := strconv.Atoi(o.val)
			if err != nil {
				p.Errorf("invalid user ID '%s'", o.val)
				return exitBadArg
			}
			u.UID = n
		case "g":
			id, ok := names.GID(o.val)
			if !ok {
				p.Errorf("group '%s' does not exist", o.val)
				return exitNoGroup
			}
			u.GID = id
		}
	}
	if err := users.WriteUsers(p.FS, all); err != nil {
		p.Errorf("cannot update %s: %s", users.PasswdFile, ErrText(err))
		return exitCantUpdate
	}
	if setGroups {
		gs, _ := users.ReadGroups(p.FS)
		for i, g := range gs {
			want := false
			for _, x := range groups {
				want = want || x == g.Name
			}
			has := false
			var members []string
			for _, m := range g.Members {
				if m == name {
					has = true
					if !want && !appendGroups {
						continue
					}
				}
				members = append(members, m)
			}
			if want && !has {
				members = append(members, u.Name)
			}
			gs[i].Members = members
		}
		if err := users.WriteGroups(p.FS, gs); err != nil {
			p.Errorf("cannot update %s: %s", users.GroupFile, ErrText(err))
			return exitCantUpdate
		}
	}
	return 0
}

// busyboxFlavour reports whether an account tool should behave like
// busybox's (Alpine) rather than Debian's: short options other than -q
// decide; otherwise whether the image's tool is a busybox applet.
func (p *Proc) busyboxFlavour(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "--") {
			return false
		}
		if strings.HasPrefix(a, "-") && a != "-q" && a != "-" {
			return true
		}
	}
	if found, err := LookPath(p.FS, p.Dir, p.Getenv("PATH"), p.Name()); err == nil {
		return baseName(ResolveLinks(p.FS, found)) == "busybox"
	}
	_, err := p.FS.Stat("/etc/alpine-release")
	return err == nil
}

func adduserTool(ctx context.Context, p *Proc) int {
	if p.busyboxFlavour(p.Args[1:]) {
		return busyboxAdduser(ctx, p)
	}
	opts, rest, ok := p.parseOpts(optSpec{short: "qD", long: []string{"system", "home:", "shell:", "no-create-home", "uid:", "gid:", "ingroup:",
		"disabled-password", "disabled-login", "gecos:", "comment:", "group", "quiet/q", "debug/D", "force-badname", "allow-badname", "firstuid:", "lastuid:", "add-extra-groups", "conf:", "encrypt-home"}})
	if !ok {
		return 1
	}
	u := &newUser{uid: -1, userGroup: true, createHome: true, ascending: true, homeMode: 0o700}
	quiet, makeGroup := false, false
	gidOpt := -1
	for _, o := range opts {
		switch o.key {
		case "system":
			u.system = true
		case "home":
			u.home = o.val
		case "shell":
			u.shell = o.val
		case "no-create-home":
			u.createHome = false
		case "uid":
			n, err := strconv.Atoi(o.val)
			if err != nil {
				p.Errorf("The UID must be a number.")
				return 1
			}
			u.uid = n
		case "gid":
			n, err := strconv.Atoi(o.val)
			if err != nil {
				p.Errorf("The GID must be a number.")
				return 1
			}
			gidOpt = n
		case "ingroup":
			u.group = o.val
		case "gecos", "comment":
			u.gecos = o.val
		case "group":
			makeGroup = true
		case "q":
			quiet = true
		}
	}
	say := func(format string, a ...any) {
		if !quiet {
			fmt.Fprintf(p.Stdout, format+"\n", a...)
		}
	}
	if !p.Identity().IsRoot() {
		p.Errorf("Only root may add a user or group to the system.")
		return 1
	}
	names := users.LoadNames(p.FS)
	if len(rest) == 2 {
		// adduser USER GROUP adds an existing user to a group.
		if _, ok := names.User(rest[0]); !ok {
			p.Errorf("The user `%s' does not exist.", rest[0])
			return 1
		}
		if _, ok := names.Group(rest[1]); !ok {
			p.Errorf("The group `%s' does not exist.", rest[1])
			return 1
		}
		say("Adding user `%s' to group `%s' ...", rest[0], rest[1])
		if err := users.AddMember(p.FS, rest[1], rest[0]); err != nil {
			p.Errorf("%s", err)
			return 1
		}
		say("Done.")
		return 0
	}
	if len(rest) != 1 {
		p.Errorf("Only one or two names allowed.")
		return 1
	}
	u.name = rest[0]
	if !validName(u.name) {
		p.Errorf("Please enter a username matching the regular expression\nconfigured via the NAME_REGEX configuration variable.  Use the `--allow-bad-names' option to\nrelax this check or reconfigure NAME_REGEX.")
		return 1
	}
	if _, exists := names.User(u.name); exists {
		if u.system {
			say("The system user `%s' already exists. Exiting.", u.name)
			return 0
		}
		p.Errorf("The user `%s' already exists.", u.name)
		return 1
	}
	if gidOpt >= 0 {
		if g, ok := names.LookupGID(gidOpt); ok {
			u.group = g
		} else {
			// --gid with a free id creates the user's group with it.
			if err := users.AddGroup(p.FS, users.Group{Name: u.name, GID: gidOpt}); err != nil {
				p.Errorf("%s", err)
				return 1
			}
			u.group = u.name
		}
	}
	if u.system {
		if u.home == "" {
			u.home = "/nonexistent"
		}
		if u.shell == "" {
			u.shell = "/usr/sbin/nologin"
		}
		if u.group == "" && !makeGroup {
			if _, ok := names.Group("nogroup"); ok {
				u.group = "nogroup"
			}
		}
		u.userGroup = u.group == ""
	} else {
		say("Adding user `%s' ...", u.name)
	}
	if u.group != "" {
		u.userGroup = false
	}
	if u.shell == "" {
		u.shell = "/bin/bash"
	}
	if u.home == "/nonexistent" {
		u.createHome = false
	}
	uid, gid, code := p.addUser(u)
	if code != 0 {
		return 1
	}
	if u.system {
		say("Adding system user `%s' (UID %d) ...", u.name, uid)
	}
	gname := users.LoadNames(p.FS).GroupName(gid)
	if u.userGroup {
		say("Adding new group `%s' (%d) ...", gname, gid)
	}
	say("Adding new user `%s' (%d) with group `%s (%d)' ...", u.name, uid, gname, gid)
	if u.createHome {
		say("Creating home directory `%s' ...", u.home)
		if _, err := p.FS.Stat("/etc/skel"); err == nil {
			say("Copying files from `/etc/skel' ...")
		}
	} else if u.system {
		say("Not creating `%s'.", u.home)
	}
	return 0
}

func busyboxAdduser(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "h:g:s:G:SDHu:k:"})
	if !ok {
		return 1
	}
	u := &newUser{uid: -1, userGroup: true, createHome: true, ascending: true}
	for _, o := range opts {
		switch o.key {
		case "h":
			u.home = o.val
		case "g":
			u.gecos = o.val
		case "s":
			u.shell = o.val
		case "G":
			u.group = o.val
		case "S":
			u.system = true
		case "H":
			u.createHome = false
		case "u":
			n, err := strconv.Atoi(o.val)
			if err != nil {
				p.Errorf("invalid number '%s'", o.val)
				return 1
			}
			u.uid = n
		}
	}
	if !p.Identity().IsRoot() {
		p.Errorf("need to be root")
		return 1
	}
	names := users.LoadNames(p.FS)
	if len(rest) == 2 {
		if _, ok := names.User(rest[0]); !ok {
			p.Errorf("unknown user %s", rest[0])
			return 1
		}
		if _, ok := names.Group(rest[1]); !ok {
			p.Errorf("unknown group %s", rest[1])
			return 1
		}
		if err := users.AddMember(p.FS, rest[1], rest[0]); err != nil {
			p.Errorf("%s", err)
			return 1
		}
		return 0
	}
	if len(rest) != 1 {
		fmt.Fprintf(p.Stderr, "BusyBox multi-call binary.\n\nUsage: adduser [OPTIONS] USER [GROUP]\n")
		return 1
	}
	u.name = rest[0]
	if _, exists := names.User(u.name); exists {
		p.Errorf("user '%s' in use", u.name)
		return 1
	}
	if u.group != "" {
		if _, ok := names.Group(u.group); !ok {
			p.Errorf("unknown group %s", u.group)
			return 1
		}
	} else if u.system {
		// busybox puts system users without -G in nogroup.
		if _, ok := names.Group("nogroup"); ok {
			u.group = "nogroup"
		}
	}
	if u.shell == "" {
		u.shell = "/bin/sh"
		if u.system {
			u.shell = "/sbin/nologin"
		}
	}
	if _, _, code := p.addUser(u); code != 0 {
		return 1
	}
	return 0
}

func addgroupTool(ctx context.Context, p *Proc) int {
	bb := p.busyboxFlavour(p.Args[1:])
	var opts []opt
	var rest []string
	var ok bool
	if bb {
		opts, rest, ok = p.parseOpts(optSpec{short: "g:S"})
	} else {
		opts, rest, ok = p.parseOpts(optSpec{short: "q", long: []string{"system", "gid:", "quiet/q", "force-badname", "allow-badname", "conf:", "debug"}})
	}
	if !ok {
		return 1
	}
	gid, system, quiet := -1, false, false
	for _, o := range opts {
		switch o.key {
		case "g", "gid":
			n, err := strconv.Atoi(o.val)
			if err != nil {
				p.Errorf("invalid number '%s'", o.val)
				return 1
			}
			gid = n
		case "S", "system":
			system = true
		case "q":
			quiet = true
		}
	}
	if !p.Identity().IsRoot() {
		if bb {
			p.Errorf("need to be root")
		} else {
			p.Errorf("Only root may add a user or group to the system.")
		}
		return 1
	}
	names := users.LoadNames(p.FS)
	if len(rest) == 2 {
		// addgroup USER GROUP (busybox) adds a member.
		if err := users.AddMember(p.FS, rest[1], rest[0]); err != nil {
			p.Errorf("%s", err)
			return 1
		}
		return 0
	}
	if len(rest) != 1 {
		p.Errorf("Only one or two names allowed.")
		return 1
	}
	name := rest[0]
	if _, exists := names.Group(name); exists {
		if bb {
			p.Errorf("group '%s' in use", name)
			return 1
		}
		if system {
			return 0
		}
		p.Errorf("The group `%s' already exists.", name)
		return 1
	}
	if gid >= 0 && names.GIDTaken(gid) {
		if bb {
			p.Errorf("gid '%d' in use", gid)
		} else {
			p.Errorf("The GID `%d' is already in use.", gid)
		}
		return 1
	}
	if gid < 0 {
		gid = names.NextGID(system, true)
	}
	if !bb && !quiet {
		fmt.Fprintf(p.Stdout, "Adding group `%s' (GID %d) ...\nDone.\n", name, gid)
	}
	if err := users.AddGroup(p.FS, users.Group{Name: name, GID: gid}); err != nil {
		p.Errorf("%s", err)
		return 1
	}
	return 0
}

func deluserTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	remove := false
	var rest []string
	for _, a := range args {
		switch a {
		case "--remove-home", "-r":
			remove = true
		case "--quiet", "-q", "--system":
		default:
			rest = append(rest, a)
		}
	}
	if !p.Identity().IsRoot() {
		p.Errorf("Only root may remove a user or group from the system.")
		return 1
	}
	if len(rest) == 2 {
		gs, _ := users.ReadGroups(p.FS)
		for i, g := range gs {
			if g.Name == rest[1] {
				var m []string
				for _, x := range g.Members {
					if x != rest[0] {
						m = append(m, x)
					}
				}
				gs[i].Members = m
			}
		}
		if err := users.WriteGroups(p.FS, gs); err != nil {
			p.Errorf("%s", err)
			return 1
		}
		return 0
	}
	if len(rest) != 1 {
		p.Errorf("Only one or two names allowed.")
		return 1
	}
	gone, err := users.DeleteUser(p.FS, rest[0])
	if err != nil {
		p.Errorf("The user `%s' does not exist.", rest[0])
		return 2
	}
	if remove && gone.Home != "" && gone.Home != "/" {
		p.FS.RemoveAll(gone.Home)
	}
	return 0
}

func delgroupTool(ctx context.Context, p *Proc) int {
	_, rest, ok := p.parseOpts(optSpec{short: "q", long: []string{"quiet/q", "system", "only-if-empty"}})
	if !ok {
		return 1
	}
	if len(rest) != 1 {
		p.Errorf("Only one or two names allowed.")
		return 1
	}
	if !p.Identity().IsRoot() {
		p.Errorf("Only root may remove a user or group from the system.")
		return 1
	}
	return p.deleteGroup(rest[0], 3)
}
