package runtime

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/users"
)

// A detached container runs in a supervisor process (learn re-executed with
// ShimCommand): it holds the container's filesystem in memory, writes its
// log and state, and answers requests on a unix socket: exec a command in
// the running container, stop it, kill it.

// ShimCommand is the hidden learn subcommand that supervises a container.
const ShimCommand = "__container-shim"

// request is the first line a client sends on the socket.
type request struct {
	Op      string   `json:"op"` // exec, stop, kill
	Argv    []string `json:"argv,omitempty"`
	Env     []string `json:"env,omitempty"`
	User    string   `json:"user,omitempty"`
	Workdir string   `json:"workdir,omitempty"`
	Stdin   bool     `json:"stdin,omitempty"`
	Tty     bool     `json:"tty,omitempty"`
	Timeout int      `json:"timeout,omitempty"` // stop: seconds before kill
}

// Frames after the request line: a type byte, a big-endian length, data.
const (
	frameStdin  = 0 // client → shim; an empty one is EOF
	frameStdout = 1
	frameStderr = 2
	frameExit   = 3 // data: the exit code as JSON
	frameError  = 4 // data: a message
)

func writeFrame(w io.Writer, mu *sync.Mutex, kind byte, data []byte) error {
	mu.Lock()
	defer mu.Unlock()
	var hdr [5]byte
	hdr[0] = kind
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(data)))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(data)
	return err
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > 16<<20 {
		return 0, nil, fmt.Errorf("frame of %d bytes is too large", n)
	}
	data := make([]byte, n)
	_, err := io.ReadFull(r, data)
	return hdr[0], data, err
}

type frameWriter struct {
	w    io.Writer
	mu   *sync.Mutex
	kind byte
}

func (f *frameWriter) Write(p []byte) (int, error) {
	if err := writeFrame(f.w, f.mu, f.kind, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// socketPath is short enough for a unix socket (108 bytes) wherever the
// engine's state lives.
func socketPath(id string) string {
	return filepath.Join(os.TempDir(), "learn-"+id[:24]+".sock")
}

// Serve is the supervisor's main: it runs container id until its process
// ends or it is stopped, serving requests meanwhile.
// A signal to the supervisor (signals cancels sig) ends the container as
// a kill would, and its state is recorded.
func (r *Runtime) Serve(sig context.Context, id string) error {
	c, err := r.load(id)
	if err != nil {
		return err
	}
	p, err := r.prepare(c)
	if err != nil {
		c.State = State{Status: "exited", ExitCode: 126, Error: err.Error(), FinishedAt: r.Now().UTC()}
		r.save(c)
		return err
	}
	if err := r.allocatePorts(c); err != nil {
		c.State = State{Status: "exited", ExitCode: 128, Error: err.Error(), FinishedAt: r.Now().UTC()}
		r.save(c)
		return err
	}
	sock := socketPath(id)
	os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	defer os.Remove(sock)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &shim{r: r, p: p, cancel: cancel, done: make(chan struct{})}
	c.State = State{Status: "running", Running: true, StartedAt: r.Now().UTC(), Pid: os.Getpid()}
	// A checked container is "starting" from its first moment, so ps right
	// after run -d says so.
	if c.Config.Healthcheck.argv() != nil {
		c.State.Health = &Health{Status: "starting"}
	}
	if err := r.save(c); err != nil {
		return err
	}
	go s.accept(ln)
	go s.monitor(ctx)
	go s.watchState(ctx)
	defer startProxies(c)()
	go func() {
		select {
		case <-sig.Done():
			s.kill()
		case <-ctx.Done():
		}
	}()
	code, runErr := r.runMain(ctx, p, Stdio{})
	s.mu.Lock()
	if s.killed {
		// SIGKILL's status, as docker reports a container it had to kill.
		code = 137
	}
	c.State.Health = nil // a stopped container has no health
	if s.gone {
		s.mu.Unlock()
		return nil
	}
	err = r.finish(p, code, runErr)
	s.mu.Unlock()
	s.exit = code
	close(s.done)
	ln.Close()
	// Let replies to stop and kill go out before the process ends.
	s.clients.Wait()
	return err
}

type shim struct {
	r       *Runtime
	p       *process
	cancel  context.CancelFunc
	done    chan struct{}
	exit    int
	mu      sync.Mutex
	killed  bool
	gone    bool // the state folder was removed: record nothing
	clients sync.WaitGroup
}

// watchState ends the container when its state folder is gone (LEARN_HOME
// deleted, a test's work folder cleaned up): nothing could ever stop it
// otherwise.
func (s *shim) watchState(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
		if _, err := os.Stat(s.r.dir(s.p.c.ID)); errors.Is(err, os.ErrNotExist) {
			s.gone = true
			s.kill()
			return
		}
	}
}

func (s *shim) accept(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		s.clients.Add(1)
		go func() {
			defer s.clients.Done()
			defer conn.Close()
			s.handle(conn)
		}()
	}
}

func (s *shim) kill() {
	s.mu.Lock()
	s.killed = true
	s.mu.Unlock()
	s.cancel()
}

func (s *shim) handle(conn net.Conn) {
	br := bufio.NewReader(conn)
	line, err := br.ReadBytes('\n')
	if err != nil {
		return
	}
	var req request
	var mu sync.Mutex
	if err := json.Unmarshal(line, &req); err != nil {
		writeFrame(conn, &mu, frameError, []byte("bad request"))
		return
	}
	switch req.Op {
	case "kill":
		s.kill()
		<-s.done
	case "stop":
		// The main process is PID 1 of its container: most programs there
		// have no SIGTERM handler and ignore it, so docker kills them when
		// the timeout runs out; those that handle it (the modelled
		// services) exit first.
		s.p.terminate()
		select {
		case <-s.done:
		case <-time.After(time.Duration(req.Timeout) * time.Second):
			s.kill()
			<-s.done
		}
	case "exec":
		s.exec(conn, br, &mu, req)
		return
	default:
		writeFrame(conn, &mu, frameError, []byte("unknown request "+req.Op))
		return
	}
	code, _ := json.Marshal(s.exit)
	writeFrame(conn, &mu, frameExit, code)
}

// exec runs a command in the running container, on its live filesystem.
func (s *shim) exec(conn net.Conn, br *bufio.Reader, mu *sync.Mutex, req request) {
	p := s.p
	id := p.id
	if req.User != "" {
		var err error
		if id, err = users.Lookup(p.fs.View(sandbox.Root), req.User); err != nil {
			writeFrame(conn, mu, frameError, []byte(fmt.Sprintf("unable to find user %s: %v", req.User, err)))
			return
		}
	}
	dir := p.dir
	if req.Workdir != "" {
		dir = path.Clean(path.Join(p.dir, req.Workdir))
	}
	env := append([]string(nil), p.env...)
	for _, kv := range req.Env {
		k, _, _ := cutEq(kv)
		env = setEnv(env, k, kv)
	}
	stdio := Stdio{Out: &frameWriter{conn, mu, frameStdout}, Err: &frameWriter{conn, mu, frameStderr}}
	if req.Stdin {
		pr, pw := io.Pipe()
		stdio.In = pr
		go func() {
			for {
				kind, data, err := readFrame(br)
				if err != nil || kind != frameStdin || len(data) == 0 {
					pw.Close()
					return
				}
				if _, err := pw.Write(data); err != nil {
					return
				}
			}
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel() // an exec ends with its container
		case <-ctx.Done():
		}
	}()
	code, err := execIn(ctx, s.r, p, id, dir, env, stdio, req.Argv, req.Tty)
	if err != nil && !ctxErr(err) {
		writeFrame(conn, mu, frameError, []byte(err.Error()))
		return
	}
	data, _ := json.Marshal(code)
	writeFrame(conn, mu, frameExit, data)
}

func cutEq(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return kv, "", false
}

// dial connects to a running container's supervisor.
func (r *Runtime) dial(c *Container) (net.Conn, error) {
	if !c.State.Running {
		return nil, fmt.Errorf("container %s is not running", c.ID)
	}
	conn, err := net.DialTimeout("unix", socketPath(c.ID), 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("container %s is not answering: %v", c.Name, err)
	}
	return conn, nil
}

func send(conn net.Conn, req request) error {
	data, err := json.Marshal(req)
	if err != nil {
		return err
	}
	_, err = conn.Write(append(data, '\n'))
	return err
}

// pump copies frames to stdio until the exit frame.
func pump(conn net.Conn, stdio Stdio) (int, error) {
	for {
		kind, data, err := readFrame(conn)
		if err != nil {
			return 0, fmt.Errorf("lost the connection to the container: %v", err)
		}
		switch kind {
		case frameStdout:
			stdio.Out.Write(data)
		case frameStderr:
			stdio.Err.Write(data)
		case frameError:
			return 0, errors.New(string(data))
		case frameExit:
			var code int
			err := json.Unmarshal(data, &code)
			return code, err
		}
	}
}
