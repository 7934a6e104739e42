package pkgs

import (
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/layerlab/learn/sandbox/tools"
)

const apkInstalled = "/lib/apk/db/installed"

// Apk is Alpine's apk: add, update, del, info, with the index cached in
// /var/cache/apk unless --no-cache.
func Apk(ctx context.Context, p *tools.Proc) int {
	var cmd string
	var names []string
	noCache, quiet := false, false
	for _, a := range p.Args[1:] {
		switch {
		case a == "--no-cache":
			noCache = true
		case a == "-q" || a == "--quiet":
			quiet = true
		case strings.HasPrefix(a, "-"):
			// --update, --virtual NAME is not modelled beyond acceptance.
		case cmd == "":
			cmd = a
		default:
			names = append(names, a)
		}
	}
	var w io.Writer = p.Stdout
	if quiet {
		w = io.Discard
	}
	branch := alpineBranch(p)
	repos := []string{
		"https://dl-cdn.alpinelinux.org/alpine/" + branch + "/main",
		"https://dl-cdn.alpinelinux.org/alpine/" + branch + "/community",
	}
	if (cmd == "add" || cmd == "update" || cmd == "del") && !p.Identity().IsRoot() {
		fmt.Fprintln(p.Stderr, "ERROR: Unable to lock database: Permission denied")
		fmt.Fprintln(p.Stderr, "ERROR: Failed to open apk database: Permission denied")
		return 99
	}
	switch cmd {
	case "update":
		apkFetch(p, w, repos, noCache)
		fmt.Fprintf(w, "%s [%s]\n%s [%s]\nOK: 24166 distinct packages available\n", branch+".3-47-gabc", repos[0], branch+".3-47-gabc", repos[1])
		return 0
	case "add":
		return apkAdd(p, w, repos, names, noCache)
	case "info":
		for _, n := range apkWorld(p) {
			fmt.Fprintln(p.Stdout, n)
		}
		return 0
	}
	fmt.Fprintf(p.Stderr, "apk-tools 2.14.4, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n")
	return 1
}

func alpineBranch(p *tools.Proc) string {
	v := strings.TrimSpace(osRelease(p.FS)["VERSION_ID"])
	if s, err := readFile(p.FS, "/etc/alpine-release"); err == nil {
		v = strings.TrimSpace(s)
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return "v3.20"
	}
	return "v" + parts[0] + "." + parts[1]
}

// apkFetch prints the index downloads and keeps the indexes in
// /var/cache/apk, which is what --no-cache avoids.
func apkFetch(p *tools.Proc, w io.Writer, repos []string, noCache bool) {
	sizes := []int64{1_080_000, 1_930_000}
	for i, r := range repos {
		fmt.Fprintf(w, "fetch %s/x86_64/APKINDEX.tar.gz\n", r)
		if !noCache {
			writeSized(p.FS, fmt.Sprintf("/var/cache/apk/APKINDEX.%08x.tar.gz", hashPrefix(r)), sizes[i], 0o644)
		}
	}
}

func hashPrefix(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// apkDB reads the installed database: names and total installed size.
func apkDB(p *tools.Proc) (map[string]bool, int64) {
	text, _ := readFile(p.FS, apkInstalled)
	have := map[string]bool{}
	var total int64
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "P:"):
			have[line[2:]] = true
		case strings.HasPrefix(line, "I:"):
			var n int64
			fmt.Sscan(line[2:], &n)
			total += n
		}
	}
	return have, total
}

func apkWorld(p *tools.Proc) []string {
	have, _ := apkDB(p)
	var out []string
	for n := range have {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func apkAdd(p *tools.Proc, w io.Writer, repos, names []string, noCache bool) int {
	apkFetch(p, w, repos, noCache)
	have, _ := apkDB(p)
	var missing []string
	var order []*apkPkg
	seen := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		if seen[n] || have[n] {
			return
		}
		seen[n] = true
		pk := apkIndex[n]
		for _, d := range pk.deps {
			visit(d)
		}
		order = append(order, pk)
	}
	for _, n := range names {
		if real, ok := apkProvides[n]; ok {
			n = real
		}
		if apkIndex[n] == nil {
			missing = append(missing, n)
			continue
		}
		visit(n)
	}
	if len(missing) > 0 {
		fmt.Fprintln(p.Stderr, "ERROR: unable to select packages:")
		for _, m := range missing {
			fmt.Fprintf(p.Stderr, "  %s (no such package):\n    required by: world[%s]\n", m, m)
		}
		return len(missing)
	}
	var db strings.Builder
	for i, pk := range order {
		fmt.Fprintf(w, "(%d/%d) Installing %s (%s)\n", i+1, len(order), pk.name, pk.version)
		for _, f := range pk.files {
			writeFile(p.FS, f, elfStub, 0o755)
		}
		writeSized(p.FS, path.Join("/usr/lib", pk.name+".payload"), pk.size, 0o644)
		fmt.Fprintf(&db, "C:Q1placeholder=\nP:%s\nV:%s\nA:x86_64\nI:%d\nT:%s\n\n", pk.name, pk.version, pk.size, pk.name)
	}
	if err := appendFile(p.FS, apkInstalled, db.String()); err != nil {
		fmt.Fprintf(p.Stderr, "ERROR: Failed to write database: %s\n", errText(err))
		return 99
	}
	appendFile(p.FS, "/etc/apk/world", strings.Join(names, "\n")+"\n")
	for _, pk := range order {
		if pk.name == "ca-certificates" {
			fmt.Fprintln(w, "Executing ca-certificates-20241121-r1.trigger")
		}
	}
	if len(order) > 0 {
		fmt.Fprintln(w, "Executing busybox-1.36.1-r30.trigger")
	}
	have, total := apkDB(p)
	fmt.Fprintf(w, "OK: %d MiB in %d packages\n", (total+(1<<20)-1)>>20, len(have))
	return 0
}
