package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/layerlab/learn/atomicfile"
	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/hostfs"
	"github.com/layerlab/learn/sandbox/layerfs"
	"github.com/layerlab/learn/sandbox/mountfs"
)

// Volume is a named (or anonymous) volume: a host folder under the engine's
// state, as docker's local driver keeps them.
type Volume struct {
	Name       string            `json:"Name"`
	Driver     string            `json:"Driver"`
	Mountpoint string            `json:"Mountpoint"`
	CreatedAt  time.Time         `json:"CreatedAt"`
	Labels     map[string]string `json:"Labels"`
	Scope      string            `json:"Scope"`
	Anonymous  bool              `json:"-"`
}

// MountSpec is one mount of a container.
type MountSpec struct {
	Type        string `json:"Type"` // bind or volume
	Name        string `json:"Name,omitempty"`
	Source      string `json:"Source"` // host path
	Destination string `json:"Destination"`
	RW          bool   `json:"RW"`
	Anonymous   bool   `json:"Anonymous,omitempty"`
}

var volumeName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

func (r *Runtime) volumesDir() string { return filepath.Join(filepath.Dir(r.root), "volumes") }

func (r *Runtime) volumeDir(name string) string { return filepath.Join(r.volumesDir(), name) }

// VolumeCreate makes a volume (a random name when empty); an existing one
// is returned as it is, as docker does.
func (r *Runtime) VolumeCreate(name string, labels map[string]string, anonymous bool) (*Volume, error) {
	if name == "" {
		name = randomID()
	} else if !volumeName.MatchString(name) {
		return nil, fmt.Errorf("create %s: %q includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", name, name)
	}
	if v, err := r.Volume(name); err == nil {
		return v, nil
	}
	dir := r.volumeDir(name)
	if err := os.MkdirAll(filepath.Join(dir, "_data"), 0o755); err != nil {
		return nil, err
	}
	v := &Volume{Name: name, Driver: "local", Mountpoint: filepath.Join(dir, "_data"), CreatedAt: r.Now().UTC().Truncate(time.Second), Labels: labels, Scope: "local", Anonymous: anonymous}
	if v.Labels == nil {
		v.Labels = map[string]string{}
	}
	data, err := json.Marshal(struct {
		*Volume
		Anonymous bool `json:"Anonymous"`
	}{v, anonymous})
	if err != nil {
		return nil, err
	}
	return v, atomicfile.WriteFile(filepath.Join(dir, "volume.json"), data, 0o644)
}

// Volume reads a volume's record.
func (r *Runtime) Volume(name string) (*Volume, error) {
	data, err := os.ReadFile(filepath.Join(r.volumeDir(name), "volume.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("get %s: no such volume", name)
		}
		return nil, err
	}
	var rec struct {
		Volume
		Anonymous bool `json:"Anonymous"`
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("volume %s: damaged record: %v", name, err)
	}
	v := rec.Volume
	v.Anonymous = rec.Anonymous
	return &v, nil
}

// Volumes lists every volume by name.
func (r *Runtime) Volumes() ([]*Volume, error) {
	ents, err := os.ReadDir(r.volumesDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Volume
	for _, e := range ents {
		if v, err := r.Volume(e.Name()); err == nil {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// VolumeUsers are the containers that mount a volume.
func (r *Runtime) VolumeUsers(name string) []string {
	all, _ := r.List()
	var ids []string
	for _, c := range all {
		for _, m := range c.Mounts {
			if m.Type == "volume" && m.Name == name {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids
}

// VolumeRemove deletes a volume no container uses (force: even then, as
// docker's -f only skips "no such volume").
func (r *Runtime) VolumeRemove(name string, force bool) error {
	if _, err := r.Volume(name); err != nil {
		if force {
			return nil
		}
		return err
	}
	if users := r.VolumeUsers(name); len(users) > 0 {
		return fmt.Errorf("remove %s: volume is in use - [%s]", name, strings.Join(users, ", "))
	}
	return os.RemoveAll(r.volumeDir(name))
}

// VolumePrune removes unused volumes: anonymous ones, or all with all.
func (r *Runtime) VolumePrune(all bool) ([]string, int64, error) {
	vols, err := r.Volumes()
	if err != nil {
		return nil, 0, err
	}
	var removed []string
	var size int64
	for _, v := range vols {
		if !all && !v.Anonymous || len(r.VolumeUsers(v.Name)) > 0 {
			continue
		}
		size += dirSize(v.Mountpoint)
		if err := os.RemoveAll(r.volumeDir(v.Name)); err != nil {
			return removed, size, err
		}
		removed = append(removed, v.Name)
	}
	return removed, size, nil
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// ParseVolume reads -v SRC:DST[:ro|rw] (or DST alone, an anonymous
// volume). A source that is a path is a bind mount (made absolute against
// cwd); otherwise it names a volume.
func ParseVolume(spec, cwd string) (MountSpec, error) {
	parts := strings.Split(spec, ":")
	m := MountSpec{RW: true}
	if n := len(parts); n > 1 && (parts[n-1] == "ro" || parts[n-1] == "rw" || parts[n-1] == "z" || parts[n-1] == "Z") {
		m.RW = parts[n-1] != "ro"
		parts = parts[:n-1]
	}
	switch len(parts) {
	case 1:
		m.Type, m.Destination, m.Anonymous = "volume", parts[0], true
	case 2:
		m.Destination = parts[1]
		src := parts[0]
		switch {
		case src == "":
			return m, fmt.Errorf("invalid spec: %s: empty section between colons", spec)
		case strings.HasPrefix(src, "/") || strings.HasPrefix(src, "."):
			m.Type = "bind"
			if !filepath.IsAbs(src) {
				src = filepath.Join(cwd, src)
			}
			m.Source = filepath.Clean(src)
		default:
			m.Type, m.Name = "volume", src
		}
	default:
		return m, fmt.Errorf("invalid spec: %s: too many colons", spec)
	}
	if !path.IsAbs(m.Destination) {
		return m, fmt.Errorf("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", m.Type, m.Destination)
	}
	m.Destination = path.Clean(m.Destination)
	return m, nil
}

// ParseMount reads --mount type=bind|volume,source=...,target=...[,readonly].
func ParseMount(spec, cwd string) (MountSpec, error) {
	m := MountSpec{Type: "volume", RW: true}
	for _, field := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(field, "=")
		switch strings.ToLower(k) {
		case "type":
			m.Type = v
		case "source", "src":
			m.Source = v
		case "target", "destination", "dst":
			m.Destination = v
		case "readonly", "ro":
			m.RW = v == "false" || v == "0"
		default:
			return m, fmt.Errorf("invalid field '%s' must be a key=value pair", field)
		}
	}
	if m.Type != "bind" && m.Type != "volume" {
		return m, fmt.Errorf("invalid mount config: mount type %q is not supported by the embedded sandbox (bind or volume)", m.Type)
	}
	if m.Destination == "" || !path.IsAbs(m.Destination) {
		return m, fmt.Errorf("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", m.Type, m.Destination)
	}
	m.Destination = path.Clean(m.Destination)
	if m.Type == "bind" {
		if !filepath.IsAbs(m.Source) {
			m.Source = filepath.Join(cwd, m.Source)
		}
		if _, err := os.Stat(m.Source); err != nil {
			return m, fmt.Errorf("invalid mount config for type \"bind\": bind source path does not exist: %s", m.Source)
		}
	} else {
		m.Name, m.Source, m.Anonymous = m.Source, "", m.Source == ""
	}
	return m, nil
}

// setupMounts creates what a container's mounts need: volumes (seeded from
// the image's files at the target when new and empty) and bind folders.
func (r *Runtime) setupMounts(c *Container, image *layerfs.FS) error {
	for i := range c.Mounts {
		m := &c.Mounts[i]
		switch m.Type {
		case "volume":
			_, existed := r.Volume(m.Name)
			v, err := r.VolumeCreate(m.Name, nil, m.Anonymous)
			if err != nil {
				return err
			}
			m.Name, m.Source = v.Name, v.Mountpoint
			if existed != nil {
				if err := seed(image.View(sandbox.Root), m.Destination, v.Mountpoint); err != nil {
					return fmt.Errorf("copying the image's %s into volume %s: %w", m.Destination, v.Name, err)
				}
			}
		case "bind":
			// docker -v creates a missing host folder.
			if err := os.MkdirAll(m.Source, 0o755); err != nil {
				return err
			}
		}
	}
	return nil
}

// seed copies the image's files under dir into a new volume, as docker does
// the first time an empty named volume is mounted.
func seed(src sandbox.FS, dir, host string) error {
	fi, err := src.Stat(dir)
	if err != nil || !fi.IsDir() {
		return nil
	}
	// The volume's own folder takes the image folder's owner and mode too,
	// so a USER that owns /app/output in the image can write the volume.
	if err := os.Chmod(host, fi.Mode().Perm()); err != nil {
		return err
	}
	giveTo(host, fi, true)
	return seedDir(src, dir, host)
}

// giveTo gives the host copy the image entry's owner, as docker does. A
// host user who is not root may not give files away; then a folder owned
// by a container user is opened to everyone instead, so that user can
// still write it (the rootless trade-off, see docs/engine.md).
func giveTo(host string, fi fs.FileInfo, isDir bool) {
	o := sandbox.OwnerOf(fi)
	if os.Lchown(host, o.UID, o.GID) == nil || o.UID == 0 || !isDir {
		return
	}
	os.Chmod(host, fi.Mode().Perm()|0o777)
}

func seedDir(src sandbox.FS, dir, host string) error {
	ents, err := src.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		sp, hp := path.Join(dir, e.Name()), filepath.Join(host, e.Name())
		fi, err := src.Lstat(sp)
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			if err := os.MkdirAll(hp, fi.Mode().Perm()|0o700); err != nil {
				return err
			}
			giveTo(hp, fi, true)
			if err := seedDir(src, sp, hp); err != nil {
				return err
			}
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := src.Readlink(sp)
			if err != nil {
				return err
			}
			os.Symlink(target, hp)
			giveTo(hp, fi, false)
		case fi.Mode().IsRegular():
			in, err := src.Open(sp)
			if err != nil {
				return err
			}
			out, err := os.OpenFile(hp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode().Perm())
			if err == nil {
				_, err = io.Copy(out, in)
				out.Close()
			}
			in.Close()
			if err != nil {
				return err
			}
			giveTo(hp, fi, false)
		}
	}
	return nil
}

// mounted wraps the container's root with its mounts, as id sees it.
func (r *Runtime) mounted(root sandbox.FS, c *Container, id sandbox.Identity) (sandbox.FS, error) {
	if len(c.Mounts) == 0 {
		return root, nil
	}
	var mounts []mountfs.Mount
	for _, m := range c.Mounts {
		h, err := hostfs.New(m.Source, hostfs.Options{ReadOnly: !m.RW, Identity: id})
		if err != nil {
			return nil, fmt.Errorf("mounting %s: %w", m.Destination, err)
		}
		mounts = append(mounts, mountfs.Mount{Target: m.Destination, FS: h, ReadOnly: !m.RW})
	}
	return mountfs.New(root, mounts), nil
}

// Size is the bytes the volume's files hold.
func (v *Volume) Size() int64 { return dirSize(v.Mountpoint) }
