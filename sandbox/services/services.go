package services

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/tools"
	"github.com/layerlab/learn/sandbox/users"
)

// Tools returns the service programs.
func Tools() tools.Registry {
	return tools.Registry{
		"docker-entrypoint.sh": entrypoint,
		"postgres":             postgres,
		"nginx":                nginx,
	}
}

// now is the clock the logs use (tests fix it).
var now = time.Now

func getenv(p *tools.Proc, k string) string {
	for i := len(p.Env) - 1; i >= 0; i-- {
		if name, v, ok := strings.Cut(p.Env[i], "="); ok && name == k {
			return v
		}
	}
	return ""
}

// entrypoint is the postgres image's docker-entrypoint.sh or the nginx
// image's /docker-entrypoint.sh, told apart by the image's files.
func entrypoint(ctx context.Context, p *tools.Proc) int {
	if _, err := p.FS.Stat("/docker-entrypoint.d"); err == nil {
		return nginxEntrypoint(ctx, p)
	}
	return postgresEntrypoint(ctx, p)
}

// serve blocks until the container is stopped (Terminate) or killed (ctx):
// stopped returns true.
func serve(ctx context.Context, p *tools.Proc) bool {
	select {
	case <-p.Terminate:
		return true
	case <-ctx.Done():
		return false
	}
}

// runRest runs the entrypoint's arguments when they are not the server
// (docker run postgres:15 psql --version).
func runRest(ctx context.Context, p *tools.Proc, argv []string) int {
	return p.Exec(ctx, p, argv)
}

const pgUninitialised = `Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about "trust":
       https://www.postgresql.org/docs/current/auth-trust.html
`

func postgresEntrypoint(ctx context.Context, p *tools.Proc) int {
	args := p.Args[1:]
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		args = append([]string{"postgres"}, args...)
	}
	if len(args) == 0 || args[0] != "postgres" {
		if len(args) == 0 {
			return 0
		}
		return runRest(ctx, p, args)
	}
	pgdata := getenv(p, "PGDATA")
	if pgdata == "" {
		pgdata = "/var/lib/postgresql/data"
	}
	if _, err := p.FS.Stat(path.Join(pgdata, "PG_VERSION")); err != nil {
		if getenv(p, "POSTGRES_PASSWORD") == "" && getenv(p, "POSTGRES_HOST_AUTH_METHOD") != "trust" {
			fmt.Fprint(p.Stderr, pgUninitialised)
			return 1
		}
		if code := initdb(p, pgdata); code != 0 {
			return code
		}
	}
	return runPostgres(ctx, p, pgdata)
}

// initdb lays out a data directory owned by postgres, printing what the
// image's entrypoint and initdb print.
func initdb(p *tools.Proc, pgdata string) int {
	root := p.FS.As(sandbox.Root)
	owner, err := users.Lookup(root, "postgres")
	if err != nil {
		owner = sandbox.Identity{UID: 999, GID: 999}
	}
	major := getenv(p, "PG_MAJOR")
	if major == "" {
		major = "15"
	}
	out := p.Stdout
	fmt.Fprintf(out, "The files belonging to this database system will be owned by user \"postgres\".\nThis user must also own the server process.\n\n")
	fmt.Fprintf(out, "The database cluster will be initialized with locale \"en_US.utf8\".\nThe default database encoding has accordingly been set to \"UTF8\".\nThe default text search configuration will be set to \"english\".\n\nData page checksums are disabled.\n\n")
	fmt.Fprintf(out, "fixing permissions on existing directory %s ... ok\ncreating subdirectories ... ok\nselecting dynamic shared memory implementation ... posix\nselecting default max_connections ... 100\nselecting default shared_buffers ... 128MB\nselecting default time zone ... Etc/UTC\ncreating configuration files ... ok\nrunning bootstrap script ... ok\nperforming post-bootstrap initialization ... ok\nsyncing data to disk ... ok\n\n\nSuccess. You can now start the database server using:\n\n    pg_ctl -D %s -l logfile start\n\n", pgdata, pgdata)
	files := map[string]string{
		"PG_VERSION":      major + "\n",
		"postgresql.conf": "listen_addresses = '*'\n",
		"pg_hba.conf":     "host all all all scram-sha-256\n",
		"pg_ident.conf":   "",
	}
	if err := root.MkdirAll(pgdata, 0o700); err != nil {
		fmt.Fprintf(p.Stderr, "initdb: error: could not create directory \"%s\": %s\n", pgdata, tools.ErrText(err))
		return 1
	}
	for _, d := range []string{"base/1", "global", "pg_wal", "pg_xact"} {
		root.MkdirAll(path.Join(pgdata, d), 0o700)
	}
	for name, data := range files {
		if err := writeFile(root, path.Join(pgdata, name), data); err != nil {
			fmt.Fprintf(p.Stderr, "initdb: error: %s\n", tools.ErrText(err))
			return 1
		}
	}
	// The catalogue of a fresh cluster is about 39 MB on disk.
	if sw, ok := root.(sandbox.SyntheticWriter); ok {
		sw.WriteSynthetic(path.Join(pgdata, "base/1/1259"), 39<<20, 0o600)
	}
	chownTree(root, pgdata, owner.UID, owner.GID)
	fmt.Fprintf(out, "waiting for server to start.... done\nserver started\n\n/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*\n\nwaiting for server to shut down.... done\nserver stopped\n\nPostgreSQL init process complete; ready for start up.\n\n")
	return 0
}

func writeFile(fsys sandbox.FS, name, data string) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func chownTree(fsys sandbox.FS, dir string, uid, gid int) {
	fsys.Lchown(dir, uid, gid)
	ents, err := fsys.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		p := path.Join(dir, e.Name())
		if e.IsDir() {
			chownTree(fsys, p, uid, gid)
		} else {
			fsys.Lchown(p, uid, gid)
		}
	}
}

func pgLog(p *tools.Proc, pid int, msg string) {
	fmt.Fprintf(p.Stderr, "%s UTC [%d] LOG:  %s\n", now().UTC().Format("2006-01-02 15:04:05.000"), pid, msg)
}

// runPostgres is the server: it logs its start, runs until stopped, and
// on docker stop's signal shuts down as a smart shutdown does.
func runPostgres(ctx context.Context, p *tools.Proc, pgdata string) int {
	if _, err := p.FS.Stat(path.Join(pgdata, "PG_VERSION")); err != nil {
		fmt.Fprintf(p.Stderr, "postgres: could not access the server configuration file \"%s/postgresql.conf\": No such file or directory\n", pgdata)
		return 2
	}
	version := getenv(p, "PG_VERSION")
	short, _, _ := strings.Cut(version, "-")
	if short == "" {
		short = "15"
	}
	pgLog(p, 1, fmt.Sprintf("starting PostgreSQL %s (Debian %s) on x86_64-pc-linux-gnu, compiled by gcc (Debian 14.2.0-19) 14.2.0, 64-bit", short, version))
	pgLog(p, 1, "listening on IPv4 address \"0.0.0.0\", port 5432")
	pgLog(p, 1, "listening on IPv6 address \"::\", port 5432")
	pgLog(p, 1, "listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"")
	pgLog(p, 30, "database system was shut down at "+now().UTC().Format("2006-01-02 15:04:05")+" UTC")
	pgLog(p, 1, "database system is ready to accept connections")
	if !serve(ctx, p) {
		return 137
	}
	pgLog(p, 1, "received fast shutdown request")
	pgLog(p, 1, "aborting any active transactions")
	pgLog(p, 1, "background worker \"logical replication launcher\" (PID 33) exited with exit code 1")
	pgLog(p, 28, "shutting down")
	pgLog(p, 1, "database system is shut down")
	return 0
}

// postgres is the server run directly (an entrypoint override).
func postgres(ctx context.Context, p *tools.Proc) int {
	for _, a := range p.Args[1:] {
		if a == "--version" || a == "-V" {
			v, _, _ := strings.Cut(getenv(p, "PG_VERSION"), "-")
			fmt.Fprintf(p.Stdout, "postgres (PostgreSQL) %s\n", v)
			return 0
		}
	}
	if p.FS.Identity().IsRoot() {
		fmt.Fprint(p.Stderr, "\"root\" execution of the PostgreSQL server is not permitted.\nThe server must be started under an unprivileged user ID to prevent\npossible system security compromise.  See the documentation for\nmore information on how to properly start the server.\n")
		return 1
	}
	pgdata := getenv(p, "PGDATA")
	if pgdata == "" {
		pgdata = "/var/lib/postgresql/data"
	}
	return runPostgres(ctx, p, pgdata)
}

func nginxEntrypoint(ctx context.Context, p *tools.Proc) int {
	args := p.Args[1:]
	if len(args) > 0 && (args[0] == "nginx" || args[0] == "nginx-debug") {
		fmt.Fprintln(p.Stdout, "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration")
		fmt.Fprintln(p.Stdout, "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/")
		if ents, err := p.FS.ReadDir("/docker-entrypoint.d"); err == nil {
			for _, e := range ents {
				fmt.Fprintf(p.Stdout, "/docker-entrypoint.sh: Launching /docker-entrypoint.d/%s\n", e.Name())
			}
		}
		fmt.Fprintln(p.Stdout, "/docker-entrypoint.sh: Configuration complete; ready for start up")
	}
	if len(args) == 0 {
		return 0
	}
	return runRest(ctx, p, args)
}

func nginxLog(p *tools.Proc, msg string) {
	fmt.Fprintf(p.Stderr, "%s [notice] 1#1: %s\n", now().UTC().Format("2006/01/02 15:04:05"), msg)
}

// nginx runs the web server in the foreground (-g 'daemon off;'), or
// answers -v/-t.
func nginx(ctx context.Context, p *tools.Proc) int {
	version := getenv(p, "NGINX_VERSION")
	for _, a := range p.Args[1:] {
		switch a {
		case "-v", "-V":
			fmt.Fprintf(p.Stderr, "nginx version: nginx/%s\n", version)
			return 0
		case "-t":
			if _, err := p.FS.Stat("/etc/nginx/nginx.conf"); err != nil {
				fmt.Fprintln(p.Stderr, "nginx: [emerg] open() \"/etc/nginx/nginx.conf\" failed (2: No such file or directory)\nnginx: configuration file /etc/nginx/nginx.conf test failed")
				return 1
			}
			fmt.Fprintln(p.Stderr, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful")
			return 0
		}
	}
	nginxLog(p, "using the \"epoll\" event method")
	nginxLog(p, "nginx/"+version)
	nginxLog(p, "built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1)")
	nginxLog(p, "OS: Linux")
	nginxLog(p, "getrlimit(RLIMIT_NOFILE): 1048576:1048576")
	nginxLog(p, "start worker processes")
	nginxLog(p, "start worker process 29")
	if !serve(ctx, p) {
		return 137
	}
	// SIGQUIT, the image's STOPSIGNAL: a graceful shutdown.
	nginxLog(p, "signal 3 (SIGQUIT) received, shutting down")
	nginxLog(p, "signal 17 (SIGCHLD) received from 29")
	nginxLog(p, "worker process 29 exited with code 0")
	nginxLog(p, "exit")
	return 0
}
