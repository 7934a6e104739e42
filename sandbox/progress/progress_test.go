package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock advances 150ms per call so durations are predictable.
func fakeClock() clock {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(150 * time.Millisecond)
		return t
	}
}

func TestPlainMatchesBuildKit(t *testing.T) {
	var buf bytes.Buffer
	p := NewPlain(&buf)
	p.now = fakeClock()
	v := p.Start("[2/5] WORKDIR /app")
	p.Cached(v)
	v = p.Start("[4/5] RUN pip install -r requirements.txt")
	lw := &LineWriter{P: p, V: v}
	lw.Write([]byte("Collecting pandas==2.3.3\nDone"))
	lw.Flush()
	p.Done(v)
	v = p.Start("[5/5] RUN exit 3")
	p.Error(v, `process "/bin/sh -c exit 3" did not complete successfully: exit code: 3`)
	want := `#1 [2/5] WORKDIR /app
#1 CACHED

#2 [4/5] RUN pip install -r requirements.txt
#2 0.150 Collecting pandas==2.3.3
#2 0.300 Done
#2 DONE 0.5s

#3 [5/5] RUN exit 3
#3 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3

`
	if got := buf.String(); got != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", got, want)
	}
}

func TestTTYIsCompact(t *testing.T) {
	var buf bytes.Buffer
	p := NewTTY(&buf, false, 40)
	p.now = fakeClock()
	p.begin = p.now()
	v := p.Start("[1/2] FROM docker.io/library/busybox")
	p.Cached(v)
	v = p.Start("[2/2] RUN echo hi")
	p.Log(v, "hi")
	p.Log(v, strings.Repeat("x", 100))
	p.Done(v)
	v = p.Start("exporting to image")
	p.Status(v, "writing image sha256:abc done")
	p.Status(v, "naming to docker.io/library/app done")
	p.Done(v)
	p.Close()
	out := buf.String()
	for _, want := range []string{"[+] Building\n", " => CACHED [1/2] FROM docker.io/library/busybox", " => => # hi",
		" => => writing image sha256:abc done\n", " => => naming to docker.io/library/app done\n", "(3/3) FINISHED"} {
		if !strings.Contains(out, want) {
			t.Errorf("tty output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("escape codes without colour")
	}
	if !strings.Contains(out, " => => # "+strings.Repeat("x", 30)+"…\n") {
		t.Errorf("a long line was not cut to the width:\n%s", out)
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	q := NewQuiet()
	v := q.Start("x")
	q.Log(v, "y")
	q.Done(v)
	if v.Num != 1 {
		t.Errorf("vertex numbering still counts: %d", v.Num)
	}
}
