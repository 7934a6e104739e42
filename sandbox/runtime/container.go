package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/atomicfile"
)

// Container is one container's record, shaped after docker inspect.
type Container struct {
	ID      string    `json:"Id"`
	Name    string    `json:"Name"` // without docker's leading "/"
	Created time.Time `json:"Created"`
	// Image is the reference as the user gave it; ImageID the image's ID.
	Image   string   `json:"Image"`
	ImageID v1.Hash  `json:"ImageID"`
	Path    string   `json:"Path"`
	Args    []string `json:"Args"`
	Config  Config   `json:"Config"`
	State   State    `json:"State"`
	// AutoRemove is --rm.
	AutoRemove bool `json:"AutoRemove"`
	// Layers counts the writable layers written by earlier runs.
	Layers int `json:"Layers"`
	// Ports are the published ports (-p, -P).
	Ports []PortBinding `json:"Ports,omitempty"`
	// Mounts are bind mounts and volumes, from -v, --mount and VOLUME.
	Mounts []MountSpec `json:"Mounts,omitempty"`
	// Networks are the container's endpoints (the first is --network).
	Networks []Endpoint `json:"Networks,omitempty"`
}

// Config is the container's own configuration after image defaults and
// run flags were combined.
type Config struct {
	Hostname   string   `json:"Hostname"`
	User       string   `json:"User"`
	Env        []string `json:"Env"`
	Cmd        []string `json:"Cmd"`
	Entrypoint []string `json:"Entrypoint"`
	WorkingDir string   `json:"WorkingDir"`
	Tty        bool     `json:"Tty"`
	OpenStdin  bool     `json:"OpenStdin"`
	// Healthcheck is the image's HEALTHCHECK or the --health-* flags.
	Healthcheck *Healthcheck `json:"Healthcheck,omitempty"`
}

// State is where a container is in its life.
type State struct {
	Status     string    `json:"Status"` // created, running, exited
	Running    bool      `json:"Running"`
	ExitCode   int       `json:"ExitCode"`
	StartedAt  time.Time `json:"StartedAt"`
	FinishedAt time.Time `json:"FinishedAt"`
	// Pid is the supervisor process of a detached container.
	Pid int `json:"Pid"`
	// Error says why a container stopped abnormally.
	Error string `json:"Error,omitempty"`
	// Health is set while a container with a health check runs.
	Health *Health `json:"Health,omitempty"`
}

// ShortID is the 12-character ID docker shows.
func (c *Container) ShortID() string { return c.ID[:12] }

// Command is the process as `docker ps` shows it.
func (c *Container) Command() string {
	return strings.Join(append([]string{c.Path}, c.Args...), " ")
}

func (r *Runtime) dir(id string) string { return filepath.Join(r.root, id) }

func (r *Runtime) save(c *Container) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(r.dir(c.ID), "config.json"), append(data, '\n'), 0o644)
}

func (r *Runtime) load(id string) (*Container, error) {
	name := filepath.Join(r.dir(id), "config.json")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var c Container
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("container state %s is damaged: %v", name, err)
	}
	// A detached container whose supervisor is gone (killed, machine
	// restarted) has stopped: say so, as docker does after a daemon crash.
	if c.State.Running && c.State.Pid > 0 && !alive(c.State.Pid) {
		c.State.Running = false
		c.State.Status = "exited"
		c.State.ExitCode = 137
		c.State.Error = "the container's supervisor process ended unexpectedly"
		if c.State.FinishedAt.IsZero() {
			c.State.FinishedAt = time.Now().UTC()
		}
	}
	return &c, nil
}

// List returns the containers, newest first.
func (r *Runtime) List() ([]*Container, error) {
	ents, err := os.ReadDir(r.root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, e := range ents {
		if !e.IsDir() || len(e.Name()) != 64 {
			continue
		}
		c, err := r.load(e.Name())
		if errors.Is(err, os.ErrNotExist) {
			// A container being created or removed right now.
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// NotFoundError is docker's "No such container".
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return "No such container: " + e.Name }

// Get finds a container by name, full ID or unique ID prefix.
func (r *Runtime) Get(name string) (*Container, error) {
	all, err := r.List()
	if err != nil {
		return nil, err
	}
	name = strings.TrimPrefix(name, "/")
	var byPrefix []*Container
	for _, c := range all {
		if c.Name == name || c.ID == name {
			return c, nil
		}
		if name != "" && strings.HasPrefix(c.ID, name) {
			byPrefix = append(byPrefix, c)
		}
	}
	switch len(byPrefix) {
	case 1:
		return byPrefix[0], nil
	case 0:
		return nil, &NotFoundError{Name: name}
	default:
		return nil, fmt.Errorf("multiple IDs found with provided prefix: %s", name)
	}
}

// Rename gives a container a new name, which must be free.
func (r *Runtime) Rename(oldName, newName string) error {
	if !validName.MatchString(newName) {
		return fmt.Errorf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", newName)
	}
	unlock, err := atomicfile.Lock(filepath.Join(r.root, "lock"))
	if err != nil {
		return err
	}
	defer unlock()
	c, err := r.Get(oldName)
	if err != nil {
		return err
	}
	if other, err := r.Get(newName); err == nil && other.Name == newName {
		return fmt.Errorf("Error when allocating new name: %v", &ConflictError{Name: newName, ID: other.ID})
	}
	c.Name = newName
	return r.save(c)
}
