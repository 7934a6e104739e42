package tools

import (
	"bufio"
	"context"
	"fmt"
	"strings"
)

func netTools() Registry { return Registry{"getent": getentTool} }

// getentTool is getent(1) for the hosts and ahosts databases: the
// container's /etc/hosts, then its network's names (other containers and
// their aliases on a user-defined network). Exit 2 when not found, as
// glibc's getent.
func getentTool(ctx context.Context, p *Proc) int {
	if len(p.Args) < 3 {
		fmt.Fprintln(p.Stderr, "Usage: getent [OPTION...] database [key ...]")
		return 1
	}
	db := p.Args[1]
	if db != "hosts" && db != "ahosts" && db != "ahostsv4" {
		fmt.Fprintf(p.Stderr, "Unknown database: %s\nTry `getent --help' or `getent --usage' for more information.\n", db)
		return 1
	}
	code := 0
	for _, name := range p.Args[2:] {
		ips := lookupHost(p, name)
		if len(ips) == 0 {
			code = 2
			continue
		}
		if db == "hosts" {
			fmt.Fprintf(p.Stdout, "%-15s %s\n", ips[0], name)
			continue
		}
		for _, ip := range ips {
			fmt.Fprintf(p.Stdout, "%-15s STREAM %s\n%-15s DGRAM  \n%-15s RAW    \n", ip, name, ip, ip)
		}
	}
	return code
}

// lookupHost resolves name from /etc/hosts, then the network.
func lookupHost(p *Proc, name string) []string {
	if f, err := p.FS.Open("/etc/hosts"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			fields := strings.Fields(line)
			for _, h := range fields[min(1, len(fields)):] {
				if h == name {
					return []string{fields[0]}
				}
			}
		}
	}
	if name == "localhost" {
		return []string{"127.0.0.1"}
	}
	if p.Resolve != nil {
		return p.Resolve(name)
	}
	return nil
}
