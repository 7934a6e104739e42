// Package testimage makes small base-image root filesystems for tests: a
// busybox-style tree whose applets are symlinks to /bin/busybox, with
// /etc/passwd, /etc/group, /root and a sticky /tmp, as `docker import`
// would take it.
package testimage

import (
	"archive/tar"
	"bytes"
	"os"
	"sort"
	"time"
)

// Applets are the commands linked to busybox. They are the ones both the
// sandbox's tools and real busybox provide, so the same tar works on the
// embedded engine and in a real Docker engine.
var Applets = []string{
	"basename", "cat", "chmod", "chown", "cp", "date", "dirname", "echo", "env",
	"false", "find", "grep", "head", "hostname", "id", "ln", "ls", "mkdir", "mv",
	"printenv", "printf", "pwd", "rm", "rmdir", "sed", "sh", "sleep", "sort",
	"tail", "tar", "tee", "test", "touch", "tr", "true", "uname", "uniq", "wc",
	"whoami", "xargs", "adduser", "addgroup",
}

// stub stands in for busybox where the real binary is not installed: the
// embedded engine only needs an executable file of that name.
var stub = []byte("#!/bin/sh\n# stand-in for busybox in sandbox tests\n")

// Busybox returns the host's static busybox binary when installed (Debian's
// busybox-static), else a small stand-in file.
func Busybox() []byte {
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
			return b
		}
	}
	return stub
}

// Rootfs returns an uncompressed tar of a minimal busybox root filesystem
// with busybox as /bin/busybox (a small stand-in when busybox is nil).
func Rootfs(busybox []byte) ([]byte, error) {
	if busybox == nil {
		busybox = stub
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	// A fixed time keeps the tar, and so its digest, the same on every run.
	mt := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	dir := func(name string, mode int64) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: mt, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: mt, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	for _, d := range []struct {
		name string
		mode int64
	}{{"bin", 0o755}, {"etc", 0o755}, {"home", 0o755}, {"root", 0o700}, {"tmp", 0o1777}, {"usr", 0o755}, {"usr/bin", 0o755}, {"var", 0o755}} {
		if err := dir(d.name, d.mode); err != nil {
			return nil, err
		}
	}
	if err := file("bin/busybox", 0o755, busybox); err != nil {
		return nil, err
	}
	applets := append([]string(nil), Applets...)
	sort.Strings(applets)
	for _, a := range applets {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + a, Linkname: "busybox", Mode: 0o777, ModTime: mt, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
	}
	passwd := "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	group := "root:x:0:\nnogroup:x:65534:\n"
	if err := file("etc/passwd", 0o644, []byte(passwd)); err != nil {
		return nil, err
	}
	if err := file("etc/group", 0o644, []byte(group)); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
