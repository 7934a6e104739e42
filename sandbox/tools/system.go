package tools

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/users"
)

func systemTools() Registry {
	return Registry{
		"env": envTool, "printenv": printenvTool, "id": idTool, "whoami": whoamiTool,
		"groups": groupsTool, "hostname": hostnameTool, "uname": unameTool, "date": dateTool,
		"sleep": sleepTool, "true": trueTool, "false": falseTool, "nproc": nprocTool,
		"yes": yesTool, "seq": seqTool,
	}
}

func trueTool(context.Context, *Proc) int  { return 0 }
func falseTool(context.Context, *Proc) int { return 1 }

func envTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "iu:0C:", long: []string{"ignore-environment/i", "unset:/u", "null/0", "chdir:/C"}, posix: true})
	if !ok {
		return 125
	}
	env := append([]string(nil), p.Env...)
	dir := p.Dir
	end := "\n"
	for _, o := range opts {
		switch o.key {
		case "i":
			env = nil
		case "u":
			env = setEnv(env, o.val, "", true)
		case "0":
			end = "\x00"
		case "C":
			dir = p.Abs(o.val)
		}
	}
	if len(rest) > 0 && rest[0] == "-" {
		env = nil
		rest = rest[1:]
	}
	for len(rest) > 0 && strings.Contains(rest[0], "=") {
		k, v, _ := strings.Cut(rest[0], "=")
		env = setEnv(env, k, v, false)
		rest = rest[1:]
	}
	if len(rest) == 0 {
		var b strings.Builder
		for _, kv := range env {
			b.WriteString(kv + end)
		}
		io.WriteString(p.Stdout, b.String())
		return 0
	}
	sub := *p
	sub.Env, sub.Dir = env, dir
	code := p.Exec(ctx, &sub, rest)
	if code == 127 {
		p.Errorf("%s: No such file or directory", quote(rest[0]))
	}
	return code
}

// setEnv replaces or removes key in a KEY=VALUE list, keeping order.
func setEnv(env []string, key, val string, unset bool) []string {
	out := env[:0:0]
	replaced := false
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			if !unset && !replaced {
				out = append(out, key+"="+val)
				replaced = true
			}
			continue
		}
		out = append(out, kv)
	}
	if !unset && !replaced {
		out = append(out, key+"="+val)
	}
	return out
}

func printenvTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "0", long: []string{"null/0"}})
	if !ok {
		return 2
	}
	end := "\n"
	if len(opts) > 0 {
		end = "\x00"
	}
	if len(rest) == 0 {
		for _, kv := range p.Env {
			fmt.Fprint(p.Stdout, kv+end)
		}
		return 0
	}
	status := 0
	for _, k := range rest {
		if v, ok := p.LookupEnv(k); ok {
			fmt.Fprint(p.Stdout, v+end)
		} else {
			status = 1
		}
	}
	return status
}

func idTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "ugGnrz", long: []string{"user/u", "group/g", "groups/G", "name/n", "real/r", "zero/z"}})
	if !ok {
		return 1
	}
	var mode string
	var names bool
	for _, o := range opts {
		switch o.key {
		case "u", "g", "G":
			if mode != "" && mode != o.key {
				p.Errorf("cannot print \"only\" of more than one choice")
				return 1
			}
			mode = o.key
		case "n":
			names = true
		}
	}
	db := users.LoadNames(p.FS)
	id := p.Identity()
	if len(rest) > 1 {
		p.usageError("extra operand " + quote(rest[1]))
		return 1
	}
	if len(rest) == 1 {
		u, ok := db.User(rest[0])
		if !ok {
			if n, err := strconv.Atoi(rest[0]); err == nil {
				if name, found := db.LookupUID(n); found {
					u, _ = db.User(name)
					ok = true
				}
			}
		}
		if !ok {
			p.Errorf("%s: no such user", quote(rest[0]))
			return 1
		}
		resolved, err := users.Lookup(p.FS, u.Name)
		if err != nil {
			p.Errorf("%s: no such user", quote(rest[0]))
			return 1
		}
		id = resolved
	}
	groups := append([]int{id.GID}, id.Groups...)
	if mode == "" && names {
		p.Errorf("cannot print only names or real IDs in default format")
		return 1
	}
	switch mode {
	case "u":
		if names {
			fmt.Fprintln(p.Stdout, db.UserName(id.UID))
		} else {
			fmt.Fprintln(p.Stdout, id.UID)
		}
		return 0
	case "g":
		if names {
			fmt.Fprintln(p.Stdout, db.GroupName(id.GID))
		} else {
			fmt.Fprintln(p.Stdout, id.GID)
		}
		return 0
	case "G":
		var parts []string
		for _, g := range groups {
			if names {
				parts = append(parts, db.GroupName(g))
			} else {
				parts = append(parts, strconv.Itoa(g))
			}
		}
		fmt.Fprintln(p.Stdout, strings.Join(parts, " "))
		return 0
	}
	named := func(n int, name string, ok bool) string {
		if ok {
			return fmt.Sprintf("%d(%s)", n, name)
		}
		return strconv.Itoa(n)
	}
	un, uok := db.LookupUID(id.UID)
	gn, gok := db.LookupGID(id.GID)
	var gs []string
	for _, g := range groups {
		n, ok := db.LookupGID(g)
		gs = append(gs, named(g, n, ok))
	}
	fmt.Fprintf(p.Stdout, "uid=%s gid=%s groups=%s\n", named(id.UID, un, uok), named(id.GID, gn, gok), strings.Join(gs, ","))
	return 0
}

func whoamiTool(ctx context.Context, p *Proc) int {
	if _, rest, ok := p.parseOpts(optSpec{}); !ok {
		return 1
	} else if len(rest) > 0 {
		p.usageError("extra operand " + quote(rest[0]))
		return 1
	}
	uid := p.Identity().UID
	name, ok := users.LoadNames(p.FS).LookupUID(uid)
	if !ok {
		p.Errorf("cannot find name for user ID %d", uid)
		return 1
	}
	fmt.Fprintln(p.Stdout, name)
	return 0
}

func groupsTool(ctx context.Context, p *Proc) int {
	_, rest, ok := p.parseOpts(optSpec{})
	if !ok {
		return 1
	}
	db := users.LoadNames(p.FS)
	ids := []sandbox.Identity{p.Identity()}
	if len(rest) > 0 {
		ids = nil
		for _, r := range rest {
			id, err := users.Lookup(p.FS, r)
			if err != nil {
				p.Errorf("%s: no such user", quote(r))
				return 1
			}
			ids = append(ids, id)
		}
	}
	for i, id := range ids {
		var parts []string
		for _, g := range append([]int{id.GID}, id.Groups...) {
			parts = append(parts, db.GroupName(g))
		}
		if len(rest) > 0 {
			fmt.Fprintf(p.Stdout, "%s : ", rest[i])
		}
		fmt.Fprintln(p.Stdout, strings.Join(parts, " "))
	}
	return 0
}

func hostnameTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "sfiIdA", long: []string{"short/s", "fqdn/f", "long/f", "ip-address/i", "all-ip-addresses/I", "domain/d"}})
	if !ok {
		return 1
	}
	if len(rest) > 0 {
		p.Errorf("you must be root to change the host name")
		return 1
	}
	h := p.Hostname
	if h == "" {
		h = "localhost"
	}
	for _, o := range opts {
		switch o.key {
		case "s":
			h, _, _ = strings.Cut(h, ".")
		case "i", "I":
			// The modelled bridge network gives containers 172.17.0.x.
			h = "172.17.0.2"
		case "d":
			_, h, _ = strings.Cut(h, ".")
		}
	}
	fmt.Fprintln(p.Stdout, h)
	return 0
}

// machine is uname -m for the host architecture, in Linux's spelling.
func machine() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "aarch64"
	case "386":
		return "i686"
	case "arm":
		return "armv7l"
	}
	return runtime.GOARCH
}

// KernelRelease is what uname -r reports inside the sandbox.
const KernelRelease = "6.8.0-layerlab"

func unameTool(ctx context.Context, p *Proc) int {
	opts, _, ok := p.parseOpts(optSpec{short: "asnrvmpio", long: []string{"all/a", "kernel-name/s", "nodename/n", "kernel-release/r", "kernel-version/v", "machine/m", "processor/p", "hardware-platform/i", "operating-system/o"}})
	if !ok {
		return 1
	}
	host := p.Hostname
	if host == "" {
		host = "localhost"
	}
	fields := map[string]string{"s": "Linux", "n": host, "r": KernelRelease, "v": "#1 SMP PREEMPT_DYNAMIC", "m": machine(), "p": "unknown", "i": "unknown", "o": "GNU/Linux"}
	want := map[string]bool{}
	for _, o := range opts {
		if o.key == "a" {
			for _, k := range []string{"s", "n", "r", "v", "m", "o"} {
				want[k] = true
			}
			continue
		}
		want[o.key] = true
	}
	if len(want) == 0 {
		want["s"] = true
	}
	var parts []string
	for _, k := range []string{"s", "n", "r", "v", "m", "p", "i", "o"} {
		if want[k] {
			parts = append(parts, fields[k])
		}
	}
	fmt.Fprintln(p.Stdout, strings.Join(parts, " "))
	return 0
}

// strftime formats t with the date(1) conversions scripts use.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		pad := byte(0)
		if format[i] == '-' || format[i] == '_' || format[i] == '0' {
			pad = format[i]
			if i+1 >= len(format) {
				break
			}
			i++
		}
		num := func(n, width int) {
			switch pad {
			case '-':
				b.WriteString(strconv.Itoa(n))
			case '_':
				fmt.Fprintf(&b, "%*d", width, n)
			default:
				fmt.Fprintf(&b, "%0*d", width, n)
			}
		}
		switch format[i] {
		case 'Y':
			num(t.Year(), 4)
		case 'y':
			num(t.Year()%100, 2)
		case 'C':
			num(t.Year()/100, 2)
		case 'm':
			num(int(t.Month()), 2)
		case 'd':
			num(t.Day(), 2)
		case 'e':
			if pad == 0 {
				pad = '_'
			}
			num(t.Day(), 2)
		case 'H':
			num(t.Hour(), 2)
		case 'I':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			num(h, 2)
		case 'M':
			num(t.Minute(), 2)
		case 'S':
			num(t.Second(), 2)
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case 'j':
			num(t.YearDay(), 3)
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'D':
			b.WriteString(t.Format("01/02/06"))
		case 'R':
			b.WriteString(t.Format("15:04"))
		case 'a':
			b.WriteString(t.Format("Mon"))
		case 'A':
			b.WriteString(t.Format("Monday"))
		case 'b', 'h':
			b.WriteString(t.Format("Jan"))
		case 'B':
			b.WriteString(t.Format("January"))
		case 'p':
			b.WriteString(t.Format("PM"))
		case 'z':
			b.WriteString(t.Format("-0700"))
		case 'Z':
			b.WriteString(t.Format("MST"))
		case 'u':
			wd := int(t.Weekday())
			if wd == 0 {
				wd = 7
			}
			b.WriteString(strconv.Itoa(wd))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'c':
			b.WriteString(t.Format("Mon Jan _2 15:04:05 2006"))
		case 'x':
			b.WriteString(t.Format("01/02/06"))
		case 'X':
			b.WriteString(t.Format("15:04:05"))
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func dateTool(ctx context.Context, p *Proc) int {
	opts, rest, ok := p.parseOpts(optSpec{short: "ud:Rr:I::", long: []string{"utc/u", "universal/u", "date:/d", "rfc-email/R", "reference:/r", "iso-8601::/I", "rfc-3339:"}})
	if !ok {
		return 1
	}
	// Containers run in UTC unless the image sets up a zone; the sandbox
	// does not read the host's zone files.
	t := time.Now().UTC()
	format := "%a %b %e %H:%M:%S %Z %Y"
	for _, o := range opts {
		switch o.key {
		case "d":
			d, err := parseDate(o.val)
			if err != nil {
				p.Errorf("invalid date %s", quote(o.val))
				return 1
			}
			t = d.UTC()
		case "r":
			fi, err := p.FS.Stat(p.Abs(o.val))
			if err != nil {
				p.Errorf("%s: %s", o.val, ErrText(err))
				return 1
			}
			t = fi.ModTime().UTC()
		case "R":
			format = "%a, %d %b %Y %H:%M:%S %z"
		case "I":
			switch o.val {
			case "seconds":
				format = "%Y-%m-%dT%H:%M:%S+00:00"
			case "minutes":
				format = "%Y-%m-%dT%H:%M+00:00"
			case "hours":
				format = "%Y-%m-%dT%H+00:00"
			default:
				format = "%Y-%m-%d"
			}
		case "rfc-3339":
			format = "%Y-%m-%d %H:%M:%S+00:00"
			if o.val == "date" {
				format = "%Y-%m-%d"
			}
		}
	}
	for _, r := range rest {
		if strings.HasPrefix(r, "+") {
			format = r[1:]
			continue
		}
		p.Errorf("cannot set date: Operation not permitted")
		return 1
	}
	fmt.Fprintln(p.Stdout, strftime(format, t))
	return 0
}

// parseDuration reads sleep's NUMBER[smhd].
func parseDuration(s string) (time.Duration, error) {
	unit := time.Second
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 's':
			s = s[:n-1]
		case 'm':
			unit, s = time.Minute, s[:n-1]
		case 'h':
			unit, s = time.Hour, s[:n-1]
		case 'd':
			unit, s = 24*time.Hour, s[:n-1]
		}
	}
	if s == "inf" || s == "infinity" {
		return time.Duration(1<<63 - 1), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("invalid time interval")
	}
	return time.Duration(f * float64(unit)), nil
}

func sleepTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		p.usageError("missing operand")
		return 1
	}
	var total time.Duration
	for _, a := range args {
		d, err := parseDuration(a)
		if err != nil {
			p.Errorf("invalid time interval %s", quote(a))
			p.printf2("Try 'sleep --help' for more information.\n")
			return 1
		}
		total += d
	}
	timer := time.NewTimer(total)
	defer timer.Stop()
	select {
	case <-timer.C:
		return 0
	case <-ctx.Done():
		// Killed, as by docker stop's SIGTERM.
		return 143
	}
}

func nprocTool(ctx context.Context, p *Proc) int {
	fmt.Fprintln(p.Stdout, runtime.NumCPU())
	return 0
}

func yesTool(ctx context.Context, p *Proc) int {
	s := "y"
	if len(p.Args) > 1 {
		s = strings.Join(p.Args[1:], " ")
	}
	line := []byte(strings.Repeat(s+"\n", max(1, 4096/(len(s)+1))))
	for ctx.Err() == nil {
		if _, err := p.Stdout.Write(line); err != nil {
			return 1
		}
	}
	return 143
}

func seqTool(ctx context.Context, p *Proc) int {
	args := p.Args[1:]
	sep, format, width := "\n", "", false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 && (args[0][1] < '0' || args[0][1] > '9') {
		switch {
		case args[0] == "-s" && len(args) > 1:
			sep, args = args[1], args[2:]
		case args[0] == "-f" && len(args) > 1:
			format, args = args[1], args[2:]
		case args[0] == "-w":
			width, args = true, args[1:]
		default:
			p.usageError("invalid option -- '" + args[0][1:] + "'")
			return 1
		}
	}
	nums := make([]float64, 0, 3)
	for _, a := range args {
		f, err := strconv.ParseFloat(a, 64)
		if err != nil {
			p.Errorf("invalid floating point argument: %s", quote(a))
			p.printf2("Try 'seq --help' for more information.\n")
			return 1
		}
		nums = append(nums, f)
	}
	first, step, last := 1.0, 1.0, 0.0
	switch len(nums) {
	case 1:
		last = nums[0]
	case 2:
		first, last = nums[0], nums[1]
	case 3:
		first, step, last = nums[0], nums[1], nums[2]
	default:
		p.usageError("missing operand")
		return 1
	}
	var out []string
	for v := first; (step > 0 && v <= last) || (step < 0 && v >= last); v += step {
		if ctx.Err() != nil {
			return 143
		}
		var s string
		if format != "" {
			s, _ = formatPrintf(p, format, []string{strconv.FormatFloat(v, 'f', -1, 64)})
		} else {
			s = strconv.FormatFloat(v, 'f', -1, 64)
		}
		out = append(out, s)
	}
	if width {
		w := 0
		for _, s := range out {
			w = max(w, len(s))
		}
		for i, s := range out {
			out[i] = strings.Repeat("0", w-len(s)) + s
		}
	}
	if len(out) > 0 {
		io.WriteString(p.Stdout, strings.Join(out, sep)+"\n")
	}
	return 0
}
