package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/layerlab/learn/atomicfile"
)

// Network is a docker network in the model: a name, a subnet, and the
// containers attached to it. Containers on the same user-defined network
// resolve each other's names and aliases; the default bridge resolves
// none; host and none have no addresses of their own.
type Network struct {
	Name     string            `json:"Name"`
	ID       string            `json:"Id"`
	Created  time.Time         `json:"Created"`
	Driver   string            `json:"Driver"`
	Subnet   string            `json:"Subnet,omitempty"`
	Gateway  string            `json:"Gateway,omitempty"`
	Internal bool              `json:"Internal"`
	Labels   map[string]string `json:"Labels"`
}

// Endpoint is a container's place on a network.
type Endpoint struct {
	Network string   `json:"Network"`
	IP      string   `json:"IPAddress,omitempty"`
	Aliases []string `json:"Aliases,omitempty"`
}

// UserDefined reports whether the network gives name resolution.
func (n *Network) UserDefined() bool {
	return n.Name != "bridge" && n.Name != "host" && n.Name != "none"
}

func (r *Runtime) networksDir() string { return filepath.Join(filepath.Dir(r.root), "networks") }

func (r *Runtime) saveNetwork(n *Network) error {
	if err := os.MkdirAll(r.networksDir(), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(r.networksDir(), n.Name+".json"), data, 0o644)
}

// Networks lists the networks, the three built-in ones included.
func (r *Runtime) Networks() ([]*Network, error) {
	for _, b := range []struct{ name, driver, subnet string }{
		{"bridge", "bridge", "172.17.0.0/16"}, {"host", "host", ""}, {"none", "null", ""},
	} {
		if _, err := os.Stat(filepath.Join(r.networksDir(), b.name+".json")); errors.Is(err, os.ErrNotExist) {
			n := &Network{Name: b.name, ID: randomID(), Created: r.Now().UTC(), Driver: b.driver, Subnet: b.subnet, Labels: map[string]string{}}
			if b.subnet != "" {
				n.Gateway = "172.17.0.1"
			}
			if err := r.saveNetwork(n); err != nil {
				return nil, err
			}
		}
	}
	ents, err := os.ReadDir(r.networksDir())
	if err != nil {
		return nil, err
	}
	var out []*Network
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(r.networksDir(), e.Name()))
		if err != nil {
			return nil, err
		}
		var n Network
		if err := json.Unmarshal(data, &n); err != nil {
			return nil, fmt.Errorf("network %s: damaged record: %v", e.Name(), err)
		}
		out = append(out, &n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// NetworkNotFound is docker's "network x not found".
type NetworkNotFound struct{ Name string }

func (e *NetworkNotFound) Error() string { return fmt.Sprintf("network %s not found", e.Name) }

// Network finds a network by name or ID prefix.
func (r *Runtime) Network(name string) (*Network, error) {
	all, err := r.Networks()
	if err != nil {
		return nil, err
	}
	for _, n := range all {
		if n.Name == name || n.ID == name || len(name) >= 3 && strings.HasPrefix(n.ID, name) {
			return n, nil
		}
	}
	return nil, &NetworkNotFound{Name: name}
}

// NetworkCreate adds a user-defined bridge network with the next free
// 172.x.0.0/16 subnet (or the one given).
func (r *Runtime) NetworkCreate(name, driver, subnet string, internal bool) (*Network, error) {
	if driver == "" {
		driver = "bridge"
	}
	if driver != "bridge" {
		return nil, fmt.Errorf("plugin %q not found: the embedded sandbox has bridge networks only", driver)
	}
	if !volumeName.MatchString(name) {
		return nil, fmt.Errorf("invalid network name %q: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name)
	}
	all, err := r.Networks()
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, n := range all {
		if n.Name == name {
			return nil, fmt.Errorf("network with name %s already exists", name)
		}
		used[n.Subnet] = true
	}
	if subnet == "" {
		for second := 18; second < 32; second++ {
			s := fmt.Sprintf("172.%d.0.0/16", second)
			if !used[s] {
				subnet = s
				break
			}
		}
		if subnet == "" {
			return nil, errors.New("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
		}
	}
	prefix, err := netip.ParsePrefix(subnet)
	if err != nil {
		return nil, fmt.Errorf("invalid subnet %s: %v", subnet, err)
	}
	n := &Network{Name: name, ID: randomID(), Created: r.Now().UTC(), Driver: driver, Subnet: prefix.Masked().String(),
		Gateway: prefix.Masked().Addr().Next().String(), Internal: internal, Labels: map[string]string{}}
	return n, r.saveNetwork(n)
}

// NetworkRemove deletes a user-defined network no container is attached to.
func (r *Runtime) NetworkRemove(name string) error {
	n, err := r.Network(name)
	if err != nil {
		return err
	}
	if !n.UserDefined() {
		return fmt.Errorf("%s is a pre-defined network and cannot be removed", n.Name)
	}
	if users := r.attached(n.Name); len(users) > 0 {
		return fmt.Errorf("error while removing network: network %s id %s has active endpoints", n.Name, n.ID)
	}
	return os.Remove(filepath.Join(r.networksDir(), n.Name+".json"))
}

// attached lists the containers on network name.
func (r *Runtime) attached(name string) []*Container {
	all, _ := r.List()
	var out []*Container
	for _, c := range all {
		for _, e := range c.Networks {
			if e.Network == name {
				out = append(out, c)
			}
		}
	}
	return out
}

// Attached is attached for commands (inspect, prune).
func (r *Runtime) Attached(name string) []*Container { return r.attached(name) }

// connect gives c an endpoint on network n with a free address.
func (r *Runtime) connect(c *Container, n *Network, aliases []string) error {
	for _, e := range c.Networks {
		if e.Network == n.Name {
			return fmt.Errorf("endpoint with name %s already exists in network %s", c.Name, n.Name)
		}
	}
	if (n.Name == "host" || n.Name == "none") && len(c.Networks) > 0 || len(c.Networks) > 0 && (c.Networks[0].Network == "host" || c.Networks[0].Network == "none") {
		return fmt.Errorf("container cannot be disconnected from host network or connected to host network")
	}
	e := Endpoint{Network: n.Name, Aliases: aliases}
	if n.Subnet != "" {
		prefix := netip.MustParsePrefix(n.Subnet)
		taken := map[string]bool{n.Gateway: true}
		for _, o := range r.attached(n.Name) {
			for _, oe := range o.Networks {
				if oe.Network == n.Name {
					taken[oe.IP] = true
				}
			}
		}
		ip := prefix.Addr().Next().Next()
		for ; prefix.Contains(ip) && taken[ip.String()]; ip = ip.Next() {
		}
		e.IP = ip.String()
	}
	c.Networks = append(c.Networks, e)
	return nil
}

// Connect attaches a container to a network (docker network connect).
func (r *Runtime) Connect(network, container string, aliases []string) error {
	n, err := r.Network(network)
	if err != nil {
		return err
	}
	c, err := r.Get(container)
	if err != nil {
		return err
	}
	if err := r.connect(c, n, aliases); err != nil {
		return err
	}
	return r.save(c)
}

// Disconnect detaches a container from a network.
func (r *Runtime) Disconnect(network, container string) error {
	n, err := r.Network(network)
	if err != nil {
		return err
	}
	c, err := r.Get(container)
	if err != nil {
		return err
	}
	for i, e := range c.Networks {
		if e.Network == n.Name {
			c.Networks = append(c.Networks[:i], c.Networks[i+1:]...)
			return r.save(c)
		}
	}
	return fmt.Errorf("container %s is not connected to network %s", c.ID, n.Name)
}

// resolver answers name lookups from inside container id: other running
// containers (by name, alias or short ID) on a user-defined network it
// shares. The default bridge gives no name resolution, as in docker.
func (r *Runtime) resolver(id string) func(string) []string {
	return func(name string) []string {
		self, err := r.load(id)
		if err != nil {
			return nil
		}
		nets, err := r.Networks()
		if err != nil {
			return nil
		}
		userDefined := map[string]bool{}
		for _, n := range nets {
			userDefined[n.Name] = n.UserDefined()
		}
		if name == self.Config.Hostname || name == self.Name {
			for _, e := range self.Networks {
				if e.IP != "" {
					return []string{e.IP}
				}
			}
		}
		var ips []string
		for _, mine := range self.Networks {
			if !userDefined[mine.Network] {
				continue
			}
			for _, o := range r.attached(mine.Network) {
				if !o.State.Running {
					continue
				}
				for _, e := range o.Networks {
					if e.Network != mine.Network {
						continue
					}
					match := o.Name == name || strings.HasPrefix(o.ID, name) && len(name) >= 12
					for _, a := range e.Aliases {
						match = match || a == name
					}
					if match && e.IP != "" {
						ips = append(ips, e.IP)
					}
				}
			}
		}
		return ips
	}
}
