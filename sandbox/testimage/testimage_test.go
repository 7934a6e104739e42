package testimage

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"
)

func TestRootfs(t *testing.T) {
	b, err := Rootfs(stub)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Rootfs(stub)
	if !bytes.Equal(b, again) {
		t.Error("Rootfs is not deterministic")
	}
	tr := tar.NewReader(bytes.NewReader(b))
	seen := map[string]*tar.Header{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		seen[h.Name] = h
	}
	if h := seen["bin/sh"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "busybox" {
		t.Errorf("bin/sh = %+v, want a symlink to busybox", h)
	}
	if h := seen["tmp/"]; h == nil || h.Mode != 0o1777 {
		t.Errorf("tmp = %+v, want mode 1777", h)
	}
	if seen["etc/passwd"] == nil || seen["bin/busybox"].Mode != 0o755 {
		t.Error("passwd or busybox missing")
	}
}
