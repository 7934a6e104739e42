package runtime

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// logEntry is one line of a container's log, in docker's json-file shape.
type logEntry struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

// logWriter appends entries to a container's log, a line at a time.
type logWriter struct {
	mu  sync.Mutex
	f   *os.File
	now func() time.Time
	buf map[string][]byte
}

func openLog(name string, now func() time.Time) (*logWriter, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &logWriter{f: f, now: now, buf: map[string][]byte{}}, nil
}

type streamWriter struct {
	l      *logWriter
	stream string
}

func (l *logWriter) stream(name string) io.Writer { return &streamWriter{l, name} }

func (s *streamWriter) Write(p []byte) (int, error) {
	l := s.l
	l.mu.Lock()
	defer l.mu.Unlock()
	b := append(l.buf[s.stream], p...)
	for {
		i := strings.IndexByte(string(b), '\n')
		if i < 0 {
			break
		}
		if err := l.write(s.stream, string(b[:i+1])); err != nil {
			return 0, err
		}
		b = b[i+1:]
	}
	l.buf[s.stream] = b
	return len(p), nil
}

func (l *logWriter) write(stream, line string) error {
	data, err := json.Marshal(logEntry{Log: line, Stream: stream, Time: l.now().UTC()})
	if err != nil {
		return err
	}
	_, err = l.f.Write(append(data, '\n'))
	return err
}

// Close writes any unfinished last line.
func (l *logWriter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for stream, b := range l.buf {
		if len(b) > 0 {
			l.write(stream, string(b))
		}
	}
	return l.f.Close()
}

// LogLine is one line a container printed.
type LogLine struct {
	Stream string // stdout or stderr
	Text   string // with its newline
	Time   time.Time
}

// Logs returns what the container printed, in order.
func (r *Runtime) Logs(c *Container) ([]LogLine, error) {
	f, err := os.Open(filepath.Join(r.dir(c.ID), "container.log"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []LogLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 8*1024*1024)
	for sc.Scan() {
		var e logEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			// A line cut short by a crash; the rest of the log still reads.
			continue
		}
		out = append(out, LogLine{Stream: e.Stream, Text: e.Log, Time: e.Time})
	}
	return out, sc.Err()
}
