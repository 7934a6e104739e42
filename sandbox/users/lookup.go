package users

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/layerlab/learn/sandbox"
)

// Lookup resolves a Dockerfile USER (or `docker run --user`) value: name,
// uid, name:group, uid:gid, name:gid, uid:group. It follows moby's rules: a
// numeric uid missing from /etc/passwd is allowed (gid 0, home /), an
// unknown name is an error worded like docker's.
func Lookup(fsys sandbox.ReadFS, spec string) (sandbox.Identity, error) {
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	if userPart == "" {
		userPart = "0"
	}
	users, err := ReadUsers(fsys)
	if err != nil {
		return sandbox.Identity{}, fmt.Errorf("reading %s: %w", PasswdFile, err)
	}
	groups, err := ReadGroups(fsys)
	if err != nil {
		return sandbox.Identity{}, fmt.Errorf("reading %s: %w", GroupFile, err)
	}
	id := sandbox.Identity{Home: "/"}
	var found *User
	if n, err := strconv.Atoi(userPart); err == nil {
		if n < 0 {
			return id, fmt.Errorf("invalid user %q", userPart)
		}
		id.UID = n
		for i := range users {
			if users[i].UID == n {
				found = &users[i]
				break
			}
		}
	} else {
		for i := range users {
			if users[i].Name == userPart {
				found = &users[i]
				break
			}
		}
		if found == nil {
			return id, fmt.Errorf("unable to find user %s: no matching entries in passwd file", userPart)
		}
	}
	if found != nil {
		id.UID, id.GID, id.Name, id.Home = found.UID, found.GID, found.Name, found.Home
		if id.Home == "" {
			id.Home = "/"
		}
		// Supplementary groups are those that list the user by name,
		// as initgroups(3) does.
		for _, g := range groups {
			for _, m := range g.Members {
				if m == found.Name && g.GID != found.GID {
					id.Groups = append(id.Groups, g.GID)
				}
			}
		}
	}
	if hasGroup && groupPart != "" {
		if n, err := strconv.Atoi(groupPart); err == nil {
			if n < 0 {
				return id, fmt.Errorf("invalid group %q", groupPart)
			}
			id.GID = n
		} else {
			ok := false
			for _, g := range groups {
				if g.Name == groupPart {
					id.GID, ok = g.GID, true
					break
				}
			}
			if !ok {
				return id, fmt.Errorf("unable to find group %s: no matching entries in group file", groupPart)
			}
		}
		// An explicit group replaces the supplementary list, as docker
		// does for user:group.
		id.Groups = nil
	}
	sort.Ints(id.Groups)
	return id, nil
}

// Names maps ids to names for ls -l, id and find; one value reads the
// databases once.
type Names struct {
	users  []User
	groups []Group
}

// LoadNames reads /etc/passwd and /etc/group; missing files give no names.
func LoadNames(fsys sandbox.ReadFS) *Names {
	u, _ := ReadUsers(fsys)
	g, _ := ReadGroups(fsys)
	return &Names{users: u, groups: g}
}

// UserName returns the login name of uid, or its number.
func (n *Names) UserName(uid int) string {
	if name, ok := n.LookupUID(uid); ok {
		return name
	}
	return strconv.Itoa(uid)
}

// GroupName returns the name of gid, or its number.
func (n *Names) GroupName(gid int) string {
	if name, ok := n.LookupGID(gid); ok {
		return name
	}
	return strconv.Itoa(gid)
}

// LookupUID reports the name of uid if passwd has one.
func (n *Names) LookupUID(uid int) (string, bool) {
	for _, u := range n.users {
		if u.UID == uid {
			return u.Name, true
		}
	}
	return "", false
}

// LookupGID reports the name of gid if group has one.
func (n *Names) LookupGID(gid int) (string, bool) {
	for _, g := range n.groups {
		if g.GID == gid {
			return g.Name, true
		}
	}
	return "", false
}

// User returns the passwd entry called name.
func (n *Names) User(name string) (User, bool) {
	for _, u := range n.users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// Group returns the group entry called name.
func (n *Names) Group(name string) (Group, bool) {
	for _, g := range n.groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// UID resolves a user name or number (chown's USER part).
func (n *Names) UID(spec string) (int, bool) {
	if u, ok := n.User(spec); ok {
		return u.UID, true
	}
	if v, err := strconv.Atoi(spec); err == nil && v >= 0 {
		return v, true
	}
	return 0, false
}

// GID resolves a group name or number.
func (n *Names) GID(spec string) (int, bool) {
	if g, ok := n.Group(spec); ok {
		return g.GID, true
	}
	if v, err := strconv.Atoi(spec); err == nil && v >= 0 {
		return v, true
	}
	return 0, false
}

// Users returns the passwd entries in file order.
func (n *Names) Users() []User { return n.users }

// Groups returns the group entries in file order.
func (n *Names) Groups() []Group { return n.groups }

// UIDTaken reports whether uid is in use.
func (n *Names) UIDTaken(uid int) bool {
	_, ok := n.LookupUID(uid)
	return ok
}

// GIDTaken reports whether gid is in use.
func (n *Names) GIDTaken(gid int) bool {
	_, ok := n.LookupGID(gid)
	return ok
}

// Ranges for new ids, from Debian's /etc/login.defs and adduser.conf.
const (
	FirstUID       = 1000
	LastUID        = 60000
	FirstSystemUID = 100
	LastSystemUID  = 999
)

// NextUID picks a free uid the way the tools do: normal accounts take the
// lowest free id from 1000 up; system accounts from useradd -r / groupadd -r
// count down from 999 (shadow-utils), while adduser --system and busybox
// count up from 100 (ascending).
func (n *Names) NextUID(system, ascending bool) int {
	return nextID(n.UIDTaken, system, ascending)
}

// NextGID is NextUID for groups.
func (n *Names) NextGID(system, ascending bool) int {
	return nextID(n.GIDTaken, system, ascending)
}

func nextID(taken func(int) bool, system, ascending bool) int {
	if !system {
		// shadow-utils takes one more than the highest id in range,
		// which equals the lowest free id in fresh images.
		high := FirstUID - 1
		for id := FirstUID; id <= LastUID; id++ {
			if taken(id) {
				high = id
			}
		}
		if high < LastUID && !taken(high+1) {
			return high + 1
		}
		for id := FirstUID; id <= LastUID; id++ {
			if !taken(id) {
				return id
			}
		}
		return -1
	}
	if ascending {
		for id := FirstSystemUID; id <= LastSystemUID; id++ {
			if !taken(id) {
				return id
			}
		}
		return -1
	}
	for id := LastSystemUID; id >= FirstSystemUID; id-- {
		if !taken(id) {
			return id
		}
	}
	return -1
}
