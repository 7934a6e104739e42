package checker

import (
	"context"
	"strings"
	"testing"
	"time"
)

// inspectSeq answers `docker inspect` with one line after another, then
// repeats the last; it counts the calls.
type inspectSeq struct {
	lines []string
	calls int
}

func (s *inspectSeq) Docker(ctx context.Context, dir string, args []string) (Outcome, error) {
	i := min(s.calls, len(s.lines)-1)
	s.calls++
	if s.lines[i] == "" {
		return Outcome{Stderr: "Error: No such object", Exit: 1}, nil
	}
	return Outcome{Stdout: s.lines[i] + "\n"}, nil
}

func (s *inspectSeq) Script(ctx context.Context, dir, file string) (Outcome, error) {
	return Outcome{}, nil
}

func TestExpectContainer(t *testing.T) {
	defer func(d time.Duration) { healthWait = d }(healthWait)
	healthWait = time.Second
	cases := []struct {
		name, want string
		lines      []string
		pass       bool
		saw        string
		minCalls   int
	}{
		{"waits out starting", "healthy", []string{"running starting", "running starting", "running healthy"}, true, "running healthy", 3},
		{"unhealthy is final", "healthy", []string{"running unhealthy", "running healthy"}, false, "running unhealthy", 1},
		{"starting forever gives up", "healthy", []string{"running starting"}, false, "running starting", 5},
		{"no healthcheck", "healthy", []string{"running "}, false, "running (the image has no HEALTHCHECK)", 1},
		{"exited while starting", "healthy", []string{"exited starting"}, false, "exited starting", 1},
		{"running", "running", []string{"running starting"}, true, "running starting", 1},
		{"exited", "exited", []string{"running "}, false, "running", 1},
		{"missing", "running", []string{""}, false, "no container named web", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := &inspectSeq{lines: c.lines}
			r := expectContainer(context.Background(), e, "", "web", c.want)
			if r.Pass != c.pass || r.Saw != c.saw || !strings.HasPrefix(r.Want, "container web ") {
				t.Fatalf("got %+v, want pass=%v saw=%q", r, c.pass, c.saw)
			}
			if e.calls < c.minCalls || (c.minCalls == 1 && e.calls != 1) {
				t.Fatalf("inspected %d times, want at least %d", e.calls, c.minCalls)
			}
		})
	}
}
