package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Vertex is one line of work in a build: an internal step or a Dockerfile
// instruction.
type Vertex struct {
	Num     int
	Name    string
	started time.Time
}

// Writer receives a build's progress.
type Writer interface {
	// Start begins a vertex and returns it.
	Start(name string) *Vertex
	// Status prints a status line such as "transferring context: 2.34kB done".
	Status(v *Vertex, text string)
	// Log prints one line a step's process wrote.
	Log(v *Vertex, line string)
	// Cached ends v as a cache hit.
	Cached(v *Vertex)
	// Done ends v successfully.
	Done(v *Vertex)
	// Error ends v with an error message.
	Error(v *Vertex, msg string)
	// Close flushes any pending output.
	Close() error
}

// clock lets tests fix time.
type clock func() time.Time

type base struct {
	mu   sync.Mutex
	next int
	now  clock
}

func (b *base) start(name string) *Vertex {
	b.next++
	return &Vertex{Num: b.next, Name: name, started: b.now()}
}

func (b *base) since(v *Vertex) time.Duration { return b.now().Sub(v.started) }

// Plain writes BuildKit's --progress=plain format.
type Plain struct {
	base
	w io.Writer
}

// NewPlain returns a plain writer on w.
func NewPlain(w io.Writer) *Plain { return &Plain{base: base{now: time.Now}, w: w} }

func (p *Plain) Start(name string) *Vertex {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.start(name)
	fmt.Fprintf(p.w, "#%d %s\n", v.Num, name)
	return v
}

func (p *Plain) Status(v *Vertex, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "#%d %s\n", v.Num, text)
}

func (p *Plain) Log(v *Vertex, line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "#%d %.3f %s\n", v.Num, p.since(v).Seconds(), line)
}

func (p *Plain) Cached(v *Vertex) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "#%d CACHED\n\n", v.Num)
}

func (p *Plain) Done(v *Vertex) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "#%d DONE %.1fs\n\n", v.Num, p.since(v).Seconds())
}

func (p *Plain) Error(v *Vertex, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "#%d ERROR: %s\n\n", v.Num, msg)
}

func (p *Plain) Close() error { return nil }

// TTY is the compact terminal view: one line per vertex, like BuildKit's
// final tty screen, printed as each vertex ends, with a process's output
// shown indented under its step while it runs.
type TTY struct {
	base
	w       io.Writer
	begin   time.Time
	total   int
	done    int
	color   bool
	width   int
	lastLog *Vertex
}

// NewTTY returns a terminal writer on w for a terminal width columns wide
// (0: no limit); process output lines are cut to fit, as BuildKit's are.
func NewTTY(w io.Writer, color bool, width int) *TTY {
	t := &TTY{base: base{now: time.Now}, w: w, color: color, width: width}
	t.begin = t.now()
	return t
}

func (t *TTY) Start(name string) *Vertex {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total++
	if t.total == 1 {
		fmt.Fprintln(t.w, "[+] Building")
	}
	return t.start(name)
}

// Status shows the export's lines (" => => writing image sha256:... done",
// " => => naming to ..."), as BuildKit's terminal view ends; other
// vertices' transfer lines would only be noise.
func (t *TTY) Status(v *Vertex, text string) {
	if !strings.HasPrefix(v.Name, "exporting") {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, " => => %s\n", text)
}

func (t *TTY) Log(v *Vertex, line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lastLog != v {
		fmt.Fprintf(t.w, " => %s\n", v.Name)
		t.lastLog = v
	}
	line = " => => # " + line
	if r := []rune(line); t.width > 0 && len(r) > t.width {
		line = string(r[:t.width-1]) + "…"
	}
	fmt.Fprintln(t.w, t.dim(line))
}

func (t *TTY) dim(s string) string {
	if t.color {
		return "\x1b[2m" + s + "\x1b[0m"
	}
	return s
}

func (t *TTY) line(v *Vertex, prefix string) {
	t.done++
	name := prefix + v.Name
	secs := fmt.Sprintf("%.1fs", t.since(v).Seconds())
	pad := 60 - len([]rune(name))
	if pad < 1 {
		pad = 1
	}
	fmt.Fprintf(t.w, " => %s%s%s\n", name, strings.Repeat(" ", pad), secs)
}

func (t *TTY) Cached(v *Vertex) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.line(v, "CACHED ")
}

func (t *TTY) Done(v *Vertex) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.line(v, "")
}

func (t *TTY) Error(v *Vertex, msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.line(v, "ERROR ")
	fmt.Fprintf(t.w, " => ERROR: %s\n", msg)
}

func (t *TTY) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "[+] Building %.1fs (%d/%d) FINISHED\n", t.now().Sub(t.begin).Seconds(), t.done, t.total)
	return nil
}

// Quiet prints nothing (`docker build -q`).
type Quiet struct{ base }

// NewQuiet returns a writer that discards progress.
func NewQuiet() *Quiet { return &Quiet{base: base{now: time.Now}} }

func (q *Quiet) Start(name string) *Vertex {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.start(name)
}
func (q *Quiet) Status(*Vertex, string) {}
func (q *Quiet) Log(*Vertex, string)    {}
func (q *Quiet) Cached(*Vertex)         {}
func (q *Quiet) Done(*Vertex)           {}
func (q *Quiet) Error(*Vertex, string)  {}
func (q *Quiet) Close() error           { return nil }

// LineWriter turns a process's output stream into Log calls, one per line.
type LineWriter struct {
	P   Writer
	V   *Vertex
	buf []byte
}

func (l *LineWriter) Write(b []byte) (int, error) {
	l.buf = append(l.buf, b...)
	for {
		i := strings.IndexByte(string(l.buf), '\n')
		if i < 0 {
			break
		}
		l.P.Log(l.V, string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(b), nil
}

// Flush logs a final line without a newline.
func (l *LineWriter) Flush() {
	if len(l.buf) > 0 {
		l.P.Log(l.V, string(l.buf))
		l.buf = nil
	}
}
