# layerlab: runs a Python program as if inside a container.
#
# The Go side (sandbox/python) keeps a lazily filled host mirror of the
# container's filesystem and answers requests over a Unix socket. This module
# patches the os/io functions that take paths so that container paths
# ("/app/data/out.csv", "data", "/etc/os-release") reach the mirror, forwards
# every change (create, mkdir, rename, remove, chmod ...) to the container
# filesystem first so its permission checks and errors are the container's,
# and decides what may be imported: the standard library, and third-party
# modules only when the image installed them.
#
# Startup time matters (python -c 'print(1)' is benchmarked), so this imports
# nothing beyond what the interpreter has already loaded, plus _socket.

import sys
import os
import io
import builtins
import posix
import _socket
import _thread
import _frozen_importlib as _bi
import _frozen_importlib_external as _bx

_cfg = eval(sys.argv[1], {"__builtins__": {}})
ROOT = _cfg["root"]
_SOCK = _cfg["sock"]
CWD = _cfg["cwd"]

_boot_dir = _cfg["bootdir"]
if sys.path and sys.path[0] == _boot_dir:
    del sys.path[0]

# Paths that stay on the host: the interpreter's own library directories
# (tracebacks read stdlib sources, packages read their data files) and the
# mirror itself.
_HOST = [p.rstrip("/") for p in sys.path if p.startswith("/")]
_HOST += [ROOT, _boot_dir]
_HOST_PATH = [p for p in sys.path if p.startswith("/")]

_real_open = posix.open
_real_stat = posix.stat
_real_lstat = posix.lstat
_real_listdir = posix.listdir
_real_scandir = posix.scandir
_real_mkdir = posix.mkdir
_real_rmdir = posix.rmdir
_real_unlink = posix.unlink
_real_rename = posix.rename
_real_replace = posix.replace
_real_chdir = posix.chdir
_real_chmod = posix.chmod
_real_utime = posix.utime
_real_readlink = posix.readlink
_real_symlink = posix.symlink
_real_link = posix.link
_real_truncate = posix.truncate
_real_access = posix.access
_io_open = io.open
_io_open_code = io.open_code
_fspath = os.fspath
_fsdecode = os.fsdecode
_fsencode = os.fsencode
_normpath = os.path.normpath
_S_IFMT = 0o170000
_S_IFLNK = 0o120000
_S_IFDIR = 0o040000


def _is_host(p):
    for h in _HOST:
        if p == h or p.startswith(h + "/"):
            return True
    return False


def _cpath(path):
    """The container path for path, or None when it is a host path or fd."""
    if isinstance(path, int):
        return None
    p = _fspath(path)
    if isinstance(p, bytes):
        p = _fsdecode(p)
    if not p.startswith("/"):
        p = CWD + "/" + p
    p = _normpath(p)
    if p.startswith("//"):
        p = "/" + p.lstrip("/")
    if _is_host(p):
        return None
    return p


def _hpath(c, like):
    h = ROOT + c if c != "/" else ROOT + "/"
    if isinstance(like, bytes) or (not isinstance(like, str) and isinstance(_fspath(like), bytes)):
        return _fsencode(h)
    return h


def _parent(c):
    i = c.rfind("/")
    return c[:i] if i > 0 else "/"


# --- the channel to the Go side -------------------------------------------

_lock = _thread.allocate_lock()
_conn = None
_ready = set()  # container dirs whose entries are all in the mirror
_links = set()


def _reset_after_fork():
    global _lock, _conn
    _lock = _thread.allocate_lock()
    _conn = None


os.register_at_fork(after_in_child=_reset_after_fork)


def _recvn(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError(5, "layerlab: the sandbox closed its channel")
        buf += chunk
    return buf


def _call(*fields):
    """Send one request; return (errno, extra fields)."""
    global _conn
    data = "\0".join(fields).encode("utf-8", "surrogateescape")
    with _lock:
        if _conn is None:
            s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
            s.connect(_SOCK)
            _conn = s
        _conn.sendall(len(data).to_bytes(4, "big") + data)
        n = int.from_bytes(_recvn(_conn, 4), "big")
        body = _recvn(_conn, n).decode("utf-8", "surrogateescape")
    parts = body.split("\0")
    extra = parts[1:]
    for e in extra:
        if e[:1] == "r":
            _ready.add(e[1:])
        elif e[:1] == "l":
            _links.add(e[1:])
    return int(parts[0]), extra


def _err(errno, path, path2=None):
    if path2 is not None:
        return OSError(errno, os.strerror(errno), path, None, path2)
    return OSError(errno, os.strerror(errno), path)


def _req(path, *fields):
    errno, extra = _call(*fields)
    if errno:
        raise _err(errno, path)
    return extra


def _forget(c):
    """Drop cache entries at or under c (after rename and remove)."""
    pre = c.rstrip("/") + "/"
    for s in (_ready, _links):
        for d in [d for d in s if d == c or d.startswith(pre)]:
            s.discard(d)


def _host_call(fn, orig, *args, orig2=None, **kw):
    # Errors from the mirror name the path the program used, not ours.
    try:
        return fn(*args, **kw)
    except OSError as e:
        e.filename = orig
        if orig2 is not None:
            e.filename2 = orig2
        raise


# --- os replacements ------------------------------------------------------


def _ensure(c, path, follow):
    """Make c's directories present in the mirror (stat-like operations)."""
    if _parent(c) in _ready and c not in _links:
        return
    _req(path, "stat", c, "1" if follow else "0")


_STDLIB_DIR = os.path.dirname(os.__file__) + "/"


def _lib_caller():
    """Whether the nearest caller that is neither the standard library nor
    this module is a host third-party package: Debian's pytz, for one,
    reads /usr/share/zoneinfo on the host. Such reads fall back to the host
    when the container has no such file; the program's own never do."""
    f = sys._getframe(1)
    while f is not None:
        fn = f.f_code.co_filename
        if ("/site-packages/" in fn or "/dist-packages/" in fn) and _is_host(fn):
            return True
        if fn == _BOOT_FILE or fn.startswith(_STDLIB_DIR) or fn.startswith("<frozen"):
            f = f.f_back
            continue
        return False
    return False


def stat(path, *, dir_fd=None, follow_symlinks=True):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_stat(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
    try:
        return _stat(c, path, follow_symlinks)
    except (FileNotFoundError, NotADirectoryError):
        if _lib_caller():
            return _real_stat(path, follow_symlinks=follow_symlinks)
        raise


def _stat(c, path, follow_symlinks):
    h = _hpath(c, path)
    if _parent(c) in _ready and c not in _links:
        st = _host_call(_real_lstat, path, h)
        if not follow_symlinks or st.st_mode & _S_IFMT != _S_IFLNK:
            return st
    _req(path, "stat", c, "1" if follow_symlinks else "0")
    return _host_call(_real_stat, path, h, follow_symlinks=follow_symlinks)


def lstat(path, *, dir_fd=None):
    return stat(path, dir_fd=dir_fd, follow_symlinks=False)


def open(path, flags, mode=0o777, *, dir_fd=None):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_open(path, flags, mode, dir_fd=dir_fd)
    try:
        _req(path, "open", c, str(flags), str(mode))
    except (FileNotFoundError, NotADirectoryError):
        if flags & (posix.O_WRONLY | posix.O_RDWR | posix.O_CREAT) == 0 and _lib_caller():
            return _real_open(path, flags, mode)
        raise
    return _host_call(_real_open, path, _hpath(c, path), flags, mode)


def _listable(c, path):
    """Whether c can be listed from the mirror; False means a library's
    read of a host directory the container lacks."""
    if c not in _ready:
        try:
            _req(path, "list", c)
        except (FileNotFoundError, NotADirectoryError):
            if _lib_caller():
                return False
            raise
    return True


def listdir(path="."):
    if isinstance(path, int):
        return _real_listdir(path)
    c = _cpath(path)
    if c is None:
        return _real_listdir(path)
    if not _listable(c, path):
        return _real_listdir(path)
    return _host_call(_real_listdir, path, _hpath(c, path))


class _DirEntry:
    """os.DirEntry for a container directory: path is the program's path."""

    __slots__ = ("_e", "name", "path")

    def __init__(self, e, name, path):
        self._e, self.name, self.path = e, name, path

    def is_dir(self, *, follow_symlinks=True):
        if follow_symlinks and self._e.is_symlink():
            try:
                return stat(self.path).st_mode & _S_IFMT == _S_IFDIR
            except OSError:
                return False
        return self._e.is_dir(follow_symlinks=follow_symlinks)

    def is_file(self, *, follow_symlinks=True):
        if follow_symlinks and self._e.is_symlink():
            try:
                return stat(self.path).st_mode & _S_IFMT == 0o100000
            except OSError:
                return False
        return self._e.is_file(follow_symlinks=follow_symlinks)

    def is_symlink(self):
        return self._e.is_symlink()

    def is_junction(self):
        return False

    def stat(self, *, follow_symlinks=True):
        if follow_symlinks and self._e.is_symlink():
            return stat(self.path)
        return self._e.stat(follow_symlinks=follow_symlinks)

    def inode(self):
        return self._e.inode()

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return "<DirEntry %r>" % (self.name,)


class _ScandirIterator:
    def __init__(self, it, base):
        self._it, self._base = it, base

    def __iter__(self):
        return self

    def __next__(self):
        e = next(self._it)
        base = self._base
        if isinstance(base, bytes):
            p = base + (b"" if base.endswith(b"/") else b"/") + e.name
        else:
            p = base + ("" if base.endswith("/") else "/") + e.name
        return _DirEntry(e, e.name, p)

    def close(self):
        self._it.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def scandir(path="."):
    if isinstance(path, int):
        return _real_scandir(path)
    c = _cpath(path)
    if c is None:
        return _real_scandir(path)
    if not _listable(c, path):
        return _real_scandir(path)
    base = _fspath(path)
    return _ScandirIterator(_host_call(_real_scandir, path, _hpath(c, path)), base)


def mkdir(path, mode=0o777, *, dir_fd=None):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_mkdir(path, mode, dir_fd=dir_fd)
    _req(path, "mkdir", c, str(mode))
    _host_call(_real_mkdir, path, _hpath(c, path), mode | 0o700)
    _ready.add(c)


def rmdir(path, *, dir_fd=None):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_rmdir(path, dir_fd=dir_fd)
    _req(path, "rmdir", c)
    _forget(c)
    _host_call(_real_rmdir, path, _hpath(c, path))


def unlink(path, *, dir_fd=None):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_unlink(path, dir_fd=dir_fd)
    _req(path, "unlink", c)
    _links.discard(c)
    _host_call(_real_unlink, path, _hpath(c, path))


def _rename(real, src, dst, src_dir_fd=None, dst_dir_fd=None):
    a = None if src_dir_fd is not None else _cpath(src)
    b = None if dst_dir_fd is not None else _cpath(dst)
    if a is None or b is None:
        return real(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)
    errno, _ = _call("rename", a, b)
    if errno:
        raise _err(errno, src, dst)
    _forget(a)
    _forget(b)
    _host_call(real, src, _hpath(a, src), _hpath(b, dst), orig2=dst)


def rename(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
    _rename(_real_rename, src, dst, src_dir_fd, dst_dir_fd)


def replace(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
    _rename(_real_replace, src, dst, src_dir_fd, dst_dir_fd)


def chdir(path):
    global CWD
    c = _cpath(path)
    if c is None:
        return _real_chdir(path)
    extra = _req(path, "chdir", c)
    real = c
    for e in extra:
        if e[:1] == "p":
            real = e[1:]
    _host_call(_real_chdir, path, ROOT + real)
    CWD = real


def getcwd():
    return CWD


def getcwdb():
    return _fsencode(CWD)


def access(path, mode, *, dir_fd=None, effective_ids=False, follow_symlinks=True):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_access(path, mode, dir_fd=dir_fd, effective_ids=effective_ids, follow_symlinks=follow_symlinks)
    errno, _ = _call("access", c, str(mode))
    return errno == 0


def chmod(path, mode, *, dir_fd=None, follow_symlinks=True):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_chmod(path, mode, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
    extra = _req(path, "chmod", c, str(mode))
    keep = 0o700 if "d" in extra else 0o600
    _host_call(_real_chmod, path, _hpath(c, path), mode | (keep if _cfg["addbits"] else 0))


def utime(path, times=None, *, ns=None, dir_fd=None, follow_symlinks=True):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        if ns is not None:
            return _real_utime(path, times, ns=ns, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
        return _real_utime(path, times, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
    if ns is None:
        if times is None:
            import time
            now = time.time_ns()
            ns = (now, now)
        else:
            ns = (int(times[0] * 1e9), int(times[1] * 1e9))
    _req(path, "utime", c, str(ns[0]), str(ns[1]))
    _host_call(_real_utime, path, _hpath(c, path), ns=ns, follow_symlinks=follow_symlinks)


def chown(path, uid, gid, *, dir_fd=None, follow_symlinks=True):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return posix.chown(path, uid, gid, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
    # Ownership lives in the container only: the mirror belongs to the host user.
    _req(path, "chown", c, str(uid), str(gid), "1" if follow_symlinks else "0")


def lchown(path, uid, gid):
    chown(path, uid, gid, follow_symlinks=False)


def listxattr(path=None, *, follow_symlinks=True):
    if path is None or _cpath(path) is None:
        return posix.listxattr(path, follow_symlinks=follow_symlinks)
    stat(path, follow_symlinks=follow_symlinks)
    return []


def statvfs(path):
    c = _cpath(path)
    if c is None:
        return posix.statvfs(path)
    _ensure(c, path, True)
    return _host_call(posix.statvfs, path, _hpath(c, path))


def readlink(path, *, dir_fd=None):
    c = None if dir_fd is not None else _cpath(path)
    if c is None:
        return _real_readlink(path, dir_fd=dir_fd)
    _ensure(c, path, False)
    t = _host_call(_real_readlink, path, _hpath(c, path))
    if isinstance(t, bytes):
        r = _fsencode(ROOT)
        return t[len(r):] if t.startswith(r + b"/") else t
    return t[len(ROOT):] if t.startswith(ROOT + "/") else t


def symlink(src, dst, target_is_directory=False, *, dir_fd=None):
    c = None if dir_fd is not None else _cpath(dst)
    if c is None:
        return _real_symlink(src, dst, target_is_directory, dir_fd=dir_fd)
    target = _fsdecode(_fspath(src))
    _req(dst, "symlink", target, c)
    ht = ROOT + target if target.startswith("/") else target
    _host_call(_real_symlink, dst, ht, _hpath(c, dst))
    _links.add(c)


def link(src, dst, *, src_dir_fd=None, dst_dir_fd=None, follow_symlinks=True):
    a = None if src_dir_fd is not None else _cpath(src)
    b = None if dst_dir_fd is not None else _cpath(dst)
    if a is None or b is None:
        return _real_link(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd, follow_symlinks=follow_symlinks)
    errno, _ = _call("link", a, b)
    if errno:
        raise _err(errno, src, dst)
    _host_call(_real_link, src, _hpath(a, src), _hpath(b, dst), orig2=dst)


def truncate(path, length):
    c = _cpath(path)
    if c is None:
        return _real_truncate(path, length)
    _req(path, "open", c, str(posix.O_WRONLY), "0")
    _host_call(_real_truncate, path, _hpath(c, path), length)


def _opener_for(file):
    def opener(_name, flags):
        return open(file, flags, 0o666)
    return opener


def io_open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True, opener=None):
    if opener is None and not isinstance(file, int):
        c = _cpath(file)
        if c is not None:
            # FileIO keeps the name the program passed; our opener maps it.
            opener = _opener_for(file)
    return _io_open(file, mode, buffering, encoding, errors, newline, closefd, opener)


def open_code(path):
    c = _cpath(path)
    if c is None:
        return _io_open_code(path)
    return io_open(path, "rb")


for _name, _fn in (("stat", stat), ("lstat", lstat), ("open", open), ("listdir", listdir),
                   ("scandir", scandir), ("mkdir", mkdir), ("rmdir", rmdir), ("unlink", unlink),
                   ("remove", unlink), ("rename", rename), ("replace", replace), ("chdir", chdir),
                   ("getcwd", getcwd), ("getcwdb", getcwdb), ("access", access), ("chmod", chmod),
                   ("utime", utime), ("readlink", readlink), ("symlink", symlink), ("link", link),
                   ("truncate", truncate), ("chown", chown), ("lchown", lchown),
                   ("listxattr", listxattr), ("statvfs", statvfs)):
    setattr(os, _name, _fn)
del _name, _fn
io.open = builtins.open = io_open
io.open_code = open_code
# Modules some site setups import before us chose their strategy already:
# shutil's fd-based rmtree would remove files behind the container's back,
# and tempfile may have settled on the host's temporary directory.
if "shutil" in sys.modules:
    sys.modules["shutil"]._use_fd_functions = False
    if hasattr(sys.modules["shutil"], "_rmtree_impl"):
        sys.modules["shutil"]._rmtree_impl = sys.modules["shutil"]._rmtree_unsafe
if "tempfile" in sys.modules:
    sys.modules["tempfile"].tempdir = None
os.umask(_cfg["umask"])


# --- names: the container's network, not this machine's -----------------
# Container names and aliases resolve through the sandbox's network model
# (and the container's /etc/hosts); a name it does not know fails as in an
# isolated container. Addresses and localhost pass through untouched.

_orig_gethostbyname = _socket.gethostbyname
_orig_gethostbyname_ex = _socket.gethostbyname_ex
_orig_getaddrinfo = _socket.getaddrinfo


def _is_literal(host):
    if host is None or host in ("", "localhost", "localhost.localdomain"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        _socket.inet_pton(_socket.AF_INET, host)
        return True
    except OSError:
        pass
    try:
        _socket.inet_pton(_socket.AF_INET6, host)
        return True
    except OSError:
        return False


def _container_ips(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    errno, extra = _call("host", host)
    ips = [e for e in extra if e[:1] not in ("r", "l")]
    if errno or not ips:
        raise _socket.gaierror(-2, "Name or service not known")
    return host, ips


def gethostbyname(host):
    if _is_literal(host):
        return _orig_gethostbyname(host)
    return _container_ips(host)[1][0]


def gethostbyname_ex(host):
    if _is_literal(host):
        return _orig_gethostbyname_ex(host)
    name, ips = _container_ips(host)
    return name, [], ips


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    if _is_literal(host):
        return _orig_getaddrinfo(host, port, family, type, proto, flags)
    return _orig_getaddrinfo(_container_ips(host)[1][0], port, family, type, proto, flags)


_socket.gethostbyname = gethostbyname
_socket.gethostbyname_ex = gethostbyname_ex
_socket.getaddrinfo = getaddrinfo


# --- programs the embedded sandbox cannot start --------------------------

_NO_EXEC = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.forkpty"}


def _audit(event, args):
    if event in _NO_EXEC:
        raise OSError(38, "the embedded sandbox cannot start other programs from Python "
                          "(subprocess, os.system, os.exec*); use --engine docker")


sys.addaudithook(_audit)


# --- imports: the image decides ------------------------------------------

_HOST_MODS = _cfg["hostmods"]  # top-level name -> "dist version" the image installed
_SEARCH = list(_cfg["search"])  # container dirs, sys.path order
_SITE = list(_cfg["site"])  # image site-packages dirs (searched after _SEARCH)
_REMOVED = set(_cfg["removed"])  # stdlib modules the image's Python no longer has
_STDLIB = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
_INTERP = _cfg["interp"]
_BOOT_FILE = __file__


class _Loader(_bx.SourceFileLoader):
    """Loads a module's source from the container; bytecode is not cached
    (the host's cpython tag would be a lie in the image)."""

    def get_data(self, path):
        with io_open(path, "rb") as f:
            return f.read()

    def path_stats(self, path):
        st = stat(path)
        return {"mtime": st.st_mtime, "size": st.st_size}

    def set_data(self, path, data, *, _mode=0o666):
        pass


def _isfile(p):
    try:
        return stat(p).st_mode & _S_IFMT == 0o100000
    except (OSError, ValueError):
        return False


def _isdir(p):
    try:
        return stat(p).st_mode & _S_IFMT == _S_IFDIR
    except (OSError, ValueError):
        return False


def _find_in(name, tail, dirs, skip=()):
    """Look for module tail in container dirs: a spec, or a list of
    namespace portions."""
    portions = []
    for d in dirs:
        if d in skip:
            continue
        base = (d.rstrip("/") or "") + "/" + tail
        init = base + "/__init__.py"
        if _isdir(base):
            if _isfile(init):
                return _bx.spec_from_file_location(name, init, loader=_Loader(name, init),
                                                   submodule_search_locations=[base]), None
            portions.append(base)
            continue
        if _isfile(base + ".py"):
            f = base + ".py"
            return _bx.spec_from_file_location(name, f, loader=_Loader(name, f)), None
    return None, portions


def _importer_is_host():
    f = sys._getframe(2)
    while f is not None:
        fn = f.f_code.co_filename
        if fn.startswith("<frozen importlib") or fn == _BOOT_FILE or "/importlib/" in fn:
            f = f.f_back
            continue
        return fn.startswith("/") and _is_host(fn)
    return False


def _not_installed(name):
    what = _HOST_MODS[name]
    dist = what.split()[0]
    apt = "`apt-get install python3-%s` or " % dist.lower().replace("_", "-") if _INTERP.startswith("/usr/bin/") else ""
    return ModuleNotFoundError(
        "No module named %r in %s (Python %s), the interpreter the embedded sandbox runs "
        "programs with. The image installed %s, but third-party packages are imported from "
        "that interpreter. To fix: install %s for it (%s`%s -m pip install %s`), set "
        "LEARN_PYTHON to a Python that has it, or use --engine docker."
        % (name, _INTERP, "%d.%d.%d" % sys.version_info[:3], what, dist, apt, _INTERP, dist),
        name=name)


def _decide(name, host_importer):
    """Spec, None (let the host machinery import it) or raise."""
    spec, portions = _find_in(name, name, _SEARCH)
    if spec is not None:
        return spec
    if name in _STDLIB and name not in _REMOVED:
        return None
    if name in _HOST_MODS:
        spec = _bx.PathFinder.find_spec(name, _HOST_PATH)
        if spec is None:
            raise _not_installed(name)
        return spec
    site_names = [d for d in _SITE]
    spec, more = _find_in(name, name, site_names)
    if spec is not None:
        return spec
    portions += more
    if portions:
        spec = _bi.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = portions
        return spec
    if host_importer and name not in _REMOVED:
        # A library's own imports are its business (optional speedups ...).
        return None
    raise ModuleNotFoundError("No module named %r" % name, name=name)


class _Finder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if path is None:
            return _decide(fullname, _importer_is_host())
        dirs = []
        for p in path:
            if isinstance(p, str) and p.startswith("/") and not _is_host(p):
                dirs.append(p)
        if not dirs:
            return None
        spec, portions = _find_in(fullname, fullname.rpartition(".")[2], dirs)
        if spec is None and portions:
            spec = _bi.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = portions
        return spec

    @classmethod
    def invalidate_caches(cls):
        pass


sys.meta_path.insert(0, _Finder)


# --- tracebacks without our frames ----------------------------------------


def _strip(tb):
    while tb is not None and tb.tb_frame.f_code.co_filename == _BOOT_FILE:
        tb = tb.tb_next
    head = tb
    while tb is not None:
        nxt = tb.tb_next
        while nxt is not None and nxt.tb_frame.f_code.co_filename == _BOOT_FILE:
            nxt = nxt.tb_next
        tb.tb_next = nxt
        tb = nxt
    return head


def _clean(exc, seen):
    if exc is None or id(exc) in seen:
        return
    seen.add(id(exc))
    exc.__traceback__ = _strip(exc.__traceback__)
    _clean(exc.__cause__, seen)
    _clean(exc.__context__, seen)


def _excepthook(typ, value, tb):
    if value is not None:
        _clean(value, set())
        tb = value.__traceback__
    sys.__excepthook__(typ, value, tb)


sys.excepthook = _excepthook


# --- run the program --------------------------------------------------------


def _run():
    import types
    for k in _cfg["scrub"]:
        os.environ.pop(k, None)
    sys.executable = _cfg["exe"]
    sys.argv = list(_cfg["argv"])
    kind, what = _cfg["kind"], _cfg["what"]
    sys.path[:0] = _cfg["syspath"]
    for d in _cfg["syspath"]:
        # The host's path machinery must never look at a container path. A
        # container path that is also one of the host interpreter's own
        # directories (the full images carry Debian's
        # /usr/lib/python3/dist-packages) stays the host's: disabling it
        # would hide the host's third-party packages.
        if not _is_host(d):
            sys.path_importer_cache[d] = None
    if kind == "m":
        top = what.partition(".")[0]
        try:
            _decide(top, False)
        except ModuleNotFoundError as e:
            msg = str(e) if top in _HOST_MODS else "No module named %s" % top
            sys.stderr.write("%s: %s\n" % (sys.executable, msg))
            raise SystemExit(1)
        import runpy
        return lambda: runpy._run_module_as_main(what, alter_argv=True)
    if kind == "c":
        src, filename = what, "<string>"
    elif kind == "stdin":
        src, filename = sys.stdin.read(), "<stdin>"
    else:
        filename = _normpath(what if what.startswith("/") else CWD + "/" + what)
        try:
            with io_open(what, "rb") as f:
                src = f.read()
        except OSError as e:
            sys.stderr.write("%s: can't open file %r: [Errno %d] %s\n" % (_cfg["prog"], filename, e.errno, e.strerror))
            raise SystemExit(2)
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    if kind == "file":
        main.__file__ = filename
        main.__cached__ = None
    main.__loader__ = _bi.BuiltinImporter if kind != "file" else None
    sys.modules["__main__"] = main
    code = compile(src, filename, "exec")
    return lambda: exec(code, main.__dict__)


def main():
    """Run the program; called by the launcher once this module is loaded,
    so the program does not run inside an import."""
    try:
        go = _run()
        go()
    except SystemExit:
        raise
    except BaseException as e:
        if isinstance(e, SyntaxError) and e.__traceback__ is not None:
            # A syntax error in the program itself: no frames of ours.
            e.__traceback__ = None
        sys.excepthook(type(e), e, e.__traceback__)
        raise SystemExit(130 if isinstance(e, KeyboardInterrupt) else 1)
