// Package python runs python, python3 and python3.N inside the embedded
// sandbox with the host's real CPython (LEARN_PYTHON, else python3 on the
// host's PATH) against the container's filesystem.
//
// Mechanism. Each run gets a private host directory, the mirror, standing for
// the container's "/". It starts empty and is filled on demand: when the
// program first looks inside a directory, that directory's entries appear
// (regular files as sparse placeholders with the right size, mode and
// mtime, symlinks with absolute targets rewritten into the mirror), and a
// file's bytes are copied in only when the program opens it. So a run costs
// what the program touches, and multi-megabyte synthetic files that pip and
// the image catalogue lay down are never copied unless read.
//
// The interpreter starts isolated (-I) in the mirror's copy of the working
// directory, with the container's environment (plus, hidden from the
// program, what a relocated host interpreter needs: LD_LIBRARY_PATH), and
// loads an embedded bootstrap (boot.py) that
//   - replaces the path-taking functions of os and io (open, stat, listdir,
//     scandir, mkdir, rename, remove, chdir, getcwd, chmod, utime, readlink,
//     symlink ...; os.path, pathlib, shutil, glob and tempfile ride on
//     these) so container paths, absolute or relative to the container's
//     working directory, reach the mirror and os.getcwd() answers with the
//     container path;
//   - asks this package, over a Unix socket, before each of them: the Go
//     side fills the mirror and performs every change (create, truncate,
//     mkdir, rename, unlink, chmod, chown, utime) on the container's
//     sandbox.FS first, as the running identity, so permission checks,
//     ownership and errno values are the container's; only then does the
//     mirror follow. The bytes of files opened for writing are copied into
//     the container when the program ends (Process.Wait);
//   - decides imports with a meta-path finder: modules in the script's
//     directory (the working directory for -c, -m and stdin), PYTHONPATH and
//     the image's site-packages load from the container; the standard
//     library loads from the host (minus modules the image's newer Python
//     removed); a third-party package loads from the host only if the
//     image installed it (a dist-info whose top_level.txt names it), and a
//     module the image never installed raises Python's own
//     ModuleNotFoundError, while one the image has but the host interpreter
//     lacks raises it with a message naming the remedies. Libraries' own
//     imports of other third-party modules are not filtered.
//   - refuses to start other programs (subprocess, os.system, os.exec*):
//     they would be the host's programs, not the image's.
//
// Known gaps: code that hands a path to C (sqlite3.connect, C extensions
// opening files themselves) and the dir_fd variants of os functions see the
// host, not the container; stat reports the host user as owner; sys.version
// is the host interpreter's (python -V prints the image's); bytecode is not
// written for container modules.
//
// Not a security boundary: the program runs on the host as the user running
// learn and can reach anything that user can. Grade untrusted code with the
// Docker engine (--engine docker).
//
// Start and Process.Wait are separate so that a detached container can
// keep a server (python -m http.server) running; the mirror lives until the
// process ends.
package python
