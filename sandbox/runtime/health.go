package runtime

import (
	"bytes"
	"context"
	"time"
)

// Health is docker's State.Health.
type Health struct {
	Status        string      `json:"Status"` // starting, healthy, unhealthy
	FailingStreak int         `json:"FailingStreak"`
	Log           []HealthLog `json:"Log"`
}

// HealthLog is one probe's result.
type HealthLog struct {
	Start    time.Time `json:"Start"`
	End      time.Time `json:"End"`
	ExitCode int       `json:"ExitCode"`
	Output   string    `json:"Output"`
}

// Healthcheck is the check a container runs (HEALTHCHECK or --health-*).
type Healthcheck struct {
	Test        []string      `json:"Test"` // ["CMD", ...], ["CMD-SHELL", cmd] or ["NONE"]
	Interval    time.Duration `json:"Interval"`
	Timeout     time.Duration `json:"Timeout"`
	StartPeriod time.Duration `json:"StartPeriod"`
	Retries     int           `json:"Retries"`
}

// docker's defaults for a HEALTHCHECK that leaves them out.
const (
	defaultInterval = 30 * time.Second
	defaultTimeout  = 30 * time.Second
	defaultRetries  = 3
	maxHealthLog    = 5
)

func (h *Healthcheck) argv() []string {
	if h == nil || len(h.Test) == 0 {
		return nil
	}
	switch h.Test[0] {
	case "CMD":
		return h.Test[1:]
	case "CMD-SHELL":
		if len(h.Test) > 1 {
			return []string{"/bin/sh", "-c", h.Test[1]}
		}
	}
	return nil // NONE, or nothing to run
}

// monitor probes the running container until ctx ends, recording health
// in its state after each probe, as dockerd's health monitor does.
func (s *shim) monitor(ctx context.Context) {
	c := s.p.c
	h := c.Config.Healthcheck
	argv := h.argv()
	if argv == nil {
		return
	}
	interval, timeout, retries := h.Interval, h.Timeout, h.Retries
	if interval <= 0 {
		interval = defaultInterval
	}
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	if retries <= 0 {
		retries = defaultRetries
	}
	started := s.r.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
		probe := HealthLog{Start: s.r.Now().UTC()}
		var out bytes.Buffer
		pctx, cancel := context.WithTimeout(ctx, timeout)
		code, err := execIn(pctx, s.r, s.p, s.p.id, s.p.dir, s.p.env, Stdio{Out: &out, Err: &out}, argv, false)
		timedOut := pctx.Err() == context.DeadlineExceeded
		cancel()
		if ctx.Err() != nil {
			return
		}
		probe.End = s.r.Now().UTC()
		probe.ExitCode = code
		probe.Output = out.String()
		if err != nil || timedOut {
			probe.ExitCode = -1
			if timedOut {
				probe.Output = "Health check exceeded timeout (" + timeout.String() + ")"
			}
		}
		inStartPeriod := s.r.Now().Sub(started) < h.StartPeriod
		s.setHealth(func(hs *Health) {
			hs.Log = append(hs.Log, probe)
			if len(hs.Log) > maxHealthLog {
				hs.Log = hs.Log[len(hs.Log)-maxHealthLog:]
			}
			if probe.ExitCode == 0 {
				hs.Status, hs.FailingStreak = "healthy", 0
				return
			}
			// Failures in the start period do not count (docker's rule).
			if inStartPeriod {
				return
			}
			hs.FailingStreak++
			if hs.FailingStreak >= retries {
				hs.Status = "unhealthy"
			}
		})
	}
}

// setHealth changes the recorded health under the shim's lock.
func (s *shim) setHealth(change func(*Health)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.p.c
	if !c.State.Running {
		return
	}
	if c.State.Health == nil {
		c.State.Health = &Health{}
	}
	change(c.State.Health)
	if cur, err := s.r.load(c.ID); err == nil {
		c.Name = cur.Name
	}
	s.r.save(c)
}
