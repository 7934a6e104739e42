package dockercmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/runtime"
)

// NetworkOptions are the flags of the network commands.
type NetworkOptions struct {
	Names    []string
	Driver   string
	Subnet   string
	Internal bool
	Aliases  []string
	Quiet    bool
	Format   string
	Force    bool
}

func netError(err error) error {
	return &Error{Msg: "Error response from daemon: " + err.Error(), cause: err}
}

// RunNetworkCreate creates a user-defined network and prints its ID.
func RunNetworkCreate(ios *iostreams.IOStreams, rt *runtime.Runtime, opts NetworkOptions) error {
	n, err := rt.NetworkCreate(opts.Names[0], opts.Driver, opts.Subnet, opts.Internal)
	if err != nil {
		return netError(err)
	}
	fmt.Fprintln(ios.Out, n.ID)
	return nil
}

type networkRow struct{ ID, Name, Driver, Scope, IPv6, Internal, CreatedAt, Labels string }

func (r *networkRow) MarshalJSON() ([]byte, error) { return rowJSON(r) }

// RunNetworkLs lists networks: NETWORK ID, NAME, DRIVER, SCOPE.
func RunNetworkLs(ios *iostreams.IOStreams, rt *runtime.Runtime, opts NetworkOptions) error {
	nets, err := rt.Networks()
	if err != nil {
		return err
	}
	var rows []any
	for _, n := range nets {
		rows = append(rows, &networkRow{ID: n.ID[:12], Name: n.Name, Driver: n.Driver, Scope: "local", IPv6: "false",
			Internal: fmt.Sprint(n.Internal), CreatedAt: n.Created.Format("2006-01-02 15:04:05.999999999 -0700 MST")})
	}
	format := opts.Format
	switch {
	case opts.Quiet && format == "":
		format = "{{.ID}}"
	case format == "" || format == "table":
		format = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
	}
	return listFormat{format: format, headers: map[string]string{"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE",
		"IPv6": "IPV6", "Internal": "INTERNAL", "CreatedAt": "CREATED AT", "Labels": "LABELS"}}.write(ios.Out, rows)
}

type networkInspect struct {
	Name       string                     `json:"Name"`
	ID         string                     `json:"Id"`
	Created    string                     `json:"Created"`
	Scope      string                     `json:"Scope"`
	Driver     string                     `json:"Driver"`
	EnableIPv6 bool                       `json:"EnableIPv6"`
	IPAM       map[string]any             `json:"IPAM"`
	Internal   bool                       `json:"Internal"`
	Containers map[string]networkEndpoint `json:"Containers"`
	Options    map[string]string          `json:"Options"`
	Labels     map[string]string          `json:"Labels"`
}

type networkEndpoint struct {
	Name        string `json:"Name"`
	IPv4Address string `json:"IPv4Address"`
}

// RunNetworkInspect prints networks as docker-shaped JSON, with the
// containers attached to each.
func RunNetworkInspect(ios *iostreams.IOStreams, rt *runtime.Runtime, opts NetworkOptions) error {
	var recs []any
	var errs []error
	for _, name := range opts.Names {
		n, err := rt.Network(name)
		if err != nil {
			errs = append(errs, netError(err))
			continue
		}
		rec := networkRecord(rt, n)
		recs = append(recs, rec)
	}
	if opts.Format != "" {
		tmpl, err := parseTemplate(opts.Format)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := tmpl.Execute(ios.Out, r); err != nil {
				return cliError("template parsing error: %v", err)
			}
			fmt.Fprintln(ios.Out)
		}
		return joinErrors(errs)
	}
	if recs == nil {
		recs = []any{}
	}
	data, _ := json.MarshalIndent(recs, "", "    ")
	fmt.Fprintln(ios.Out, string(data))
	return joinErrors(errs)
}

// RunNetworkRm removes networks.
func RunNetworkRm(ios *iostreams.IOStreams, rt *runtime.Runtime, opts NetworkOptions) error {
	var errs []error
	for _, name := range opts.Names {
		if err := rt.NetworkRemove(name); err != nil {
			errs = append(errs, netError(err))
			continue
		}
		fmt.Fprintln(ios.Out, name)
	}
	return joinErrors(errs)
}

// RunNetworkConnect attaches a container (Names: NETWORK CONTAINER).
func RunNetworkConnect(rt *runtime.Runtime, opts NetworkOptions) error {
	if err := rt.Connect(opts.Names[0], opts.Names[1], opts.Aliases); err != nil {
		return netError(err)
	}
	return nil
}

// RunNetworkDisconnect detaches a container (Names: NETWORK CONTAINER).
func RunNetworkDisconnect(rt *runtime.Runtime, opts NetworkOptions) error {
	if err := rt.Disconnect(opts.Names[0], opts.Names[1]); err != nil {
		return netError(err)
	}
	return nil
}

// RunNetworkPrune removes user-defined networks no container uses.
func RunNetworkPrune(ios *iostreams.IOStreams, rt *runtime.Runtime, opts NetworkOptions) error {
	if !opts.Force {
		fmt.Fprint(ios.Out, "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ")
		answer, _ := bufio.NewReader(ios.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(ios.Out)
			return nil
		}
	}
	nets, err := rt.Networks()
	if err != nil {
		return err
	}
	var removed []string
	for _, n := range nets {
		if n.UserDefined() && len(rt.Attached(n.Name)) == 0 {
			if err := rt.NetworkRemove(n.Name); err == nil {
				removed = append(removed, n.Name)
			}
		}
	}
	if len(removed) > 0 {
		fmt.Fprintln(ios.Out, "Deleted Networks:")
		for _, n := range removed {
			fmt.Fprintln(ios.Out, n)
		}
	}
	return nil
}

// networkRecord is a network as docker inspect shows it, with the running
// containers attached to it.
func networkRecord(rt *runtime.Runtime, n *runtime.Network) networkInspect {
	rec := networkInspect{Name: n.Name, ID: n.ID, Created: n.Created.Format(time.RFC3339Nano), Scope: "local", Driver: n.Driver,
		Internal: n.Internal, Containers: map[string]networkEndpoint{}, Options: map[string]string{}, Labels: n.Labels,
		IPAM: map[string]any{"Driver": "default", "Config": []map[string]string{}}}
	if n.Subnet != "" {
		rec.IPAM["Config"] = []map[string]string{{"Subnet": n.Subnet, "Gateway": n.Gateway}}
	}
	for _, c := range rt.Attached(n.Name) {
		if !c.State.Running {
			continue
		}
		for _, e := range c.Networks {
			if e.Network == n.Name && e.IP != "" {
				rec.Containers[c.ID] = networkEndpoint{Name: c.Name, IPv4Address: e.IP + "/16"}
			}
		}
	}
	return rec
}

// ObjectFinder is InspectOptions.Others for a runtime: networks, then
// volumes.
func ObjectFinder(rt *runtime.Runtime) func(name, typ string) (any, bool) {
	return func(name, typ string) (any, bool) {
		if typ != "volume" {
			if n, err := rt.Network(name); err == nil {
				return networkRecord(rt, n), true
			}
		}
		if typ != "network" {
			if v, err := rt.Volume(name); err == nil {
				return volumeRecord(v), true
			}
		}
		return nil, false
	}
}
