package runtime

import (
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PortBinding publishes a container port on the host, as -p does.
type PortBinding struct {
	HostIP        string `json:"HostIp"`
	HostPort      int    `json:"HostPort"`
	ContainerPort int    `json:"ContainerPort"`
	Proto         string `json:"Proto"` // tcp or udp
}

// String is how docker ps shows it: 0.0.0.0:8000->8000/tcp.
func (p PortBinding) String() string {
	ip := p.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	return fmt.Sprintf("%s:%d->%d/%s", ip, p.HostPort, p.ContainerPort, p.Proto)
}

// ParsePort reads -p [IP:][HOST:]CONTAINER[/PROTO]; without a host port,
// one is picked when the container starts.
func ParsePort(spec string) (PortBinding, error) {
	b := PortBinding{Proto: "tcp"}
	rest := spec
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		b.Proto = strings.ToLower(rest[i+1:])
		rest = rest[:i]
		if b.Proto != "tcp" && b.Proto != "udp" && b.Proto != "sctp" {
			return b, fmt.Errorf("invalid proto: %s", b.Proto)
		}
	}
	parts := strings.Split(rest, ":")
	if len(parts) > 3 {
		return b, fmt.Errorf("invalid port format for --publish: %s", spec)
	}
	num := func(s, what string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 65535 {
			return 0, fmt.Errorf("invalid %s port: %s", what, s)
		}
		return n, nil
	}
	var err error
	if b.ContainerPort, err = num(parts[len(parts)-1], "containerPort"); err != nil {
		return b, err
	}
	if len(parts) >= 2 && parts[len(parts)-2] != "" {
		if b.HostPort, err = num(parts[len(parts)-2], "hostPort"); err != nil {
			return b, err
		}
	}
	if len(parts) == 3 {
		if parts[0] != "" && net.ParseIP(parts[0]) == nil {
			return b, fmt.Errorf("invalid IP address: %s", parts[0])
		}
		b.HostIP = parts[0]
	}
	return b, nil
}

// PortsString is the PORTS column of docker ps.
func (c *Container) PortsString() string {
	if !c.State.Running {
		return ""
	}
	var out []string
	for _, p := range c.Ports {
		out = append(out, p.String())
	}
	return strings.Join(out, ", ")
}

// allocatePorts fills in host ports and refuses one that another running
// container, or another program on this machine, already holds.
func (r *Runtime) allocatePorts(c *Container) error {
	all, err := r.List()
	if err != nil {
		return err
	}
	taken := map[string]bool{}
	for _, o := range all {
		if o.ID == c.ID || !o.State.Running {
			continue
		}
		for _, p := range o.Ports {
			taken[fmt.Sprintf("%d/%s", p.HostPort, p.Proto)] = true
		}
	}
	next := 32768
	for i := range c.Ports {
		p := &c.Ports[i]
		if p.HostPort == 0 {
			// Like docker, an ephemeral port from 32768 up.
			for ; taken[fmt.Sprintf("%d/%s", next, p.Proto)] || !hostPortFree(next, p.Proto); next++ {
			}
			p.HostPort = next
			next++
		} else if taken[fmt.Sprintf("%d/%s", p.HostPort, p.Proto)] || !hostPortFree(p.HostPort, p.Proto) {
			return fmt.Errorf("driver failed programming external connectivity on endpoint %s (%s): Bind for %s:%d failed: port is already allocated",
				c.Name, c.ID, orAny(p.HostIP), p.HostPort)
		}
		taken[fmt.Sprintf("%d/%s", p.HostPort, p.Proto)] = true
	}
	sort.SliceStable(c.Ports, func(i, j int) bool { return c.Ports[i].ContainerPort < c.Ports[j].ContainerPort })
	return nil
}

func orAny(ip string) string {
	if ip == "" {
		return "0.0.0.0"
	}
	return ip
}

// hostPortFree checks that no program on this machine listens on port.
func hostPortFree(port int, proto string) bool {
	addr := ":" + strconv.Itoa(port)
	if proto == "udp" {
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// startProxies forwards each published host port to the container port,
// where a real process of the container (python -m http.server, which
// runs on this machine) listens. A port published under its own number
// needs no proxy: the process binds it itself. Stop closes them.
func startProxies(c *Container) (stop func()) {
	var listeners []net.Listener
	for _, p := range c.Ports {
		if p.Proto != "tcp" || p.HostPort == p.ContainerPort {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(p.HostIP, strconv.Itoa(p.HostPort)))
		if err != nil {
			continue // allocatePorts checked it; a race loses the proxy only
		}
		listeners = append(listeners, l)
		target := net.JoinHostPort("127.0.0.1", strconv.Itoa(p.ContainerPort))
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				go proxy(conn, target)
			}
		}()
	}
	return func() {
		for _, l := range listeners {
			l.Close()
		}
	}
}

// proxy copies one connection both ways; nothing listening in the
// container closes it, as a refused connection would.
func proxy(conn net.Conn, target string) {
	defer conn.Close()
	up, err := net.DialTimeout("tcp", target, 2*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, conn); done <- struct{}{} }()
	go func() { io.Copy(conn, up); done <- struct{}{} }()
	<-done
}
