package layerfs

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/layerlab/learn/sandbox"
)

func TestViewWriteSynthetic(t *testing.T) {
	f := New()
	root := f.View(sandbox.Root)
	if err := root.MkdirAll("/opt/pkg", 0o755); err != nil {
		t.Fatal(err)
	}
	sw, ok := root.(sandbox.SyntheticWriter)
	if !ok {
		t.Fatal("the layerfs view does not implement sandbox.SyntheticWriter")
	}
	if err := sw.WriteSynthetic("/opt/pkg/lib.so", 40<<20, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := root.Stat("/opt/pkg/lib.so")
	if err != nil || fi.Size() != 40<<20 || fi.Mode().Perm() != 0o644 {
		t.Fatalf("stat = %v, %v", fi, err)
	}
	// A user without write permission on the directory is refused.
	nobody := f.View(sandbox.Identity{UID: 65534, GID: 65534})
	err = nobody.(sandbox.SyntheticWriter).WriteSynthetic("/opt/pkg/other.so", 10, 0o644)
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("nobody writing into a root directory: %v, want permission denied", err)
	}
	// Files a user creates are theirs.
	if err := root.Chmod("/opt/pkg", 0o777); err != nil {
		t.Fatal(err)
	}
	if err := nobody.(sandbox.SyntheticWriter).WriteSynthetic("/opt/pkg/mine.so", 10, 0o600); err != nil {
		t.Fatal(err)
	}
	fi, _ = root.Stat("/opt/pkg/mine.so")
	if o := sandbox.OwnerOf(fi); o.UID != 65534 {
		t.Errorf("owner %d, want 65534", o.UID)
	}
}
