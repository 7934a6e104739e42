package users

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox"
)

// Paths of the account databases inside a container.
const (
	PasswdFile  = "/etc/passwd"
	GroupFile   = "/etc/group"
	ShadowFile  = "/etc/shadow"
	GShadowFile = "/etc/gshadow"
)

// User is one line of /etc/passwd.
type User struct {
	Name, Password string
	UID, GID       int
	Gecos          string
	Home, Shell    string
}

// Group is one line of /etc/group.
type Group struct {
	Name, Password string
	GID            int
	Members        []string
}

func (u User) line() string {
	return fmt.Sprintf("%s:%s:%d:%d:%s:%s:%s", u.Name, u.Password, u.UID, u.GID, u.Gecos, u.Home, u.Shell)
}

func (g Group) line() string {
	return fmt.Sprintf("%s:%s:%d:%s", g.Name, g.Password, g.GID, strings.Join(g.Members, ","))
}

// ParsePasswd reads passwd lines; malformed lines are skipped the way libc
// skips them, so one bad edit does not hide every account.
func ParsePasswd(r io.Reader) ([]User, error) {
	var out []User
	err := eachLine(r, func(f []string) {
		if len(f) < 7 {
			return
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil {
			return
		}
		out = append(out, User{Name: f[0], Password: f[1], UID: uid, GID: gid, Gecos: f[4], Home: f[5], Shell: f[6]})
	})
	return out, err
}

// ParseGroup reads group lines, skipping malformed ones.
func ParseGroup(r io.Reader) ([]Group, error) {
	var out []Group
	err := eachLine(r, func(f []string) {
		if len(f) < 4 {
			return
		}
		gid, err := strconv.Atoi(f[2])
		if err != nil {
			return
		}
		var members []string
		for _, m := range strings.Split(f[3], ",") {
			if m = strings.TrimSpace(m); m != "" {
				members = append(members, m)
			}
		}
		out = append(out, Group{Name: f[0], Password: f[1], GID: gid, Members: members})
	})
	return out, err
}

func eachLine(r io.Reader, fn func([]string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fn(strings.Split(line, ":"))
	}
	return sc.Err()
}

// ReadUsers returns the accounts in fsys's /etc/passwd; a missing file is an
// empty database (scratch images have none).
func ReadUsers(fsys sandbox.ReadFS) ([]User, error) {
	b, err := readFile(fsys, PasswdFile)
	if err != nil {
		return nil, err
	}
	return ParsePasswd(bytes.NewReader(b))
}

// ReadGroups returns the groups in fsys's /etc/group (empty when missing).
func ReadGroups(fsys sandbox.ReadFS) ([]Group, error) {
	b, err := readFile(fsys, GroupFile)
	if err != nil {
		return nil, err
	}
	return ParseGroup(bytes.NewReader(b))
}

func readFile(fsys sandbox.ReadFS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// WriteUsers replaces /etc/passwd with users.
func WriteUsers(fsys sandbox.FS, users []User) error {
	var b strings.Builder
	for _, u := range users {
		b.WriteString(u.line())
		b.WriteByte('\n')
	}
	return writeAtomic(fsys, PasswdFile, b.String(), 0o644)
}

// WriteGroups replaces /etc/group with groups.
func WriteGroups(fsys sandbox.FS, groups []Group) error {
	var b strings.Builder
	for _, g := range groups {
		b.WriteString(g.line())
		b.WriteByte('\n')
	}
	return writeAtomic(fsys, GroupFile, b.String(), 0o644)
}

// writeAtomic writes name+ and renames it over name, as shadow-utils does, so
// a failed write never leaves a half-written account database. The old
// file's mode and owner are kept (/etc/shadow stays 0640 root:shadow).
func writeAtomic(fsys sandbox.FS, name, content string, mode fs.FileMode) error {
	uid, gid := 0, 0
	if fi, err := fsys.Stat(name); err == nil {
		mode = fi.Mode().Perm()
		o := sandbox.OwnerOf(fi)
		uid, gid = o.UID, o.GID
	}
	if err := fsys.MkdirAll("/etc", 0o755); err != nil {
		return err
	}
	tmp := name + "+"
	f, err := fsys.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, content); err != nil {
		f.Close()
		fsys.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		fsys.Remove(tmp)
		return err
	}
	// The mode passed to OpenFile is not masked, but an existing tmp file
	// keeps its old mode; set it explicitly.
	if err := fsys.Chmod(tmp, mode); err != nil {
		fsys.Remove(tmp)
		return err
	}
	if fsys.Identity().IsRoot() {
		if err := fsys.Chown(tmp, uid, gid); err != nil {
			fsys.Remove(tmp)
			return err
		}
	}
	return fsys.Rename(tmp, name)
}

// AddUser appends u to /etc/passwd, and to /etc/shadow when the image has one
// (Debian images do; the entry is locked, like --disabled-password).
func AddUser(fsys sandbox.FS, u User) error {
	users, err := ReadUsers(fsys)
	if err != nil {
		return err
	}
	for _, x := range users {
		if x.Name == u.Name {
			return fmt.Errorf("user '%s' already exists", u.Name)
		}
	}
	if u.Password == "" {
		u.Password = "x"
	}
	if err := WriteUsers(fsys, append(users, u)); err != nil {
		return err
	}
	return appendShadow(fsys, ShadowFile, fmt.Sprintf("%s:!:%d:0:99999:7:::", u.Name, daysSinceEpoch()))
}

// AddGroup appends g to /etc/group (and /etc/gshadow when present).
func AddGroup(fsys sandbox.FS, g Group) error {
	groups, err := ReadGroups(fsys)
	if err != nil {
		return err
	}
	for _, x := range groups {
		if x.Name == g.Name {
			return fmt.Errorf("group '%s' already exists", g.Name)
		}
	}
	if g.Password == "" {
		g.Password = "x"
	}
	if err := WriteGroups(fsys, append(groups, g)); err != nil {
		return err
	}
	return appendShadow(fsys, GShadowFile, fmt.Sprintf("%s:!::%s", g.Name, strings.Join(g.Members, ",")))
}

// AddMember adds user to the member list of group.
func AddMember(fsys sandbox.FS, group, user string) error {
	groups, err := ReadGroups(fsys)
	if err != nil {
		return err
	}
	found := false
	for i, g := range groups {
		if g.Name != group {
			continue
		}
		found = true
		for _, m := range g.Members {
			if m == user {
				return nil
			}
		}
		groups[i].Members = append(g.Members, user)
	}
	if !found {
		return fmt.Errorf("group '%s' does not exist", group)
	}
	return WriteGroups(fsys, groups)
}

// DeleteUser removes name from /etc/passwd, /etc/shadow and every group's
// member list, and deletes the user's private group when nobody else uses
// it as a primary group (userdel's USERGROUPS_ENAB behaviour).
func DeleteUser(fsys sandbox.FS, name string) (User, error) {
	users, err := ReadUsers(fsys)
	if err != nil {
		return User{}, err
	}
	var gone User
	found := false
	kept := users[:0:0]
	for _, u := range users {
		if u.Name == name {
			gone, found = u, true
			continue
		}
		kept = append(kept, u)
	}
	if !found {
		return User{}, fmt.Errorf("user '%s' does not exist", name)
	}
	if err := WriteUsers(fsys, kept); err != nil {
		return User{}, err
	}
	if err := removeShadow(fsys, ShadowFile, name); err != nil {
		return gone, err
	}
	groups, err := ReadGroups(fsys)
	if err != nil {
		return gone, err
	}
	primaryElsewhere := false
	for _, u := range kept {
		if u.GID == gone.GID {
			primaryElsewhere = true
		}
	}
	var out []Group
	for _, g := range groups {
		if g.Name == name && g.GID == gone.GID && !primaryElsewhere {
			removeShadow(fsys, GShadowFile, name)
			continue
		}
		var m []string
		for _, x := range g.Members {
			if x != name {
				m = append(m, x)
			}
		}
		g.Members = m
		out = append(out, g)
	}
	return gone, WriteGroups(fsys, out)
}

func appendShadow(fsys sandbox.FS, name, line string) error {
	b, err := readFile(fsys, name)
	if err != nil || b == nil {
		// No shadow file (busybox/alpine keep one, scratch does not):
		// nothing to keep in sync.
		return nil
	}
	s := string(b)
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return writeAtomic(fsys, name, s+line+"\n", 0o640)
}

func removeShadow(fsys sandbox.FS, name, user string) error {
	b, err := readFile(fsys, name)
	if err != nil || b == nil {
		return nil
	}
	var out strings.Builder
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, user+":") {
			continue
		}
		out.WriteString(l)
	}
	return writeAtomic(fsys, name, out.String(), 0o640)
}

func daysSinceEpoch() int64 {
	return time.Now().Unix() / 86400
}
