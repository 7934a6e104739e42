package dockercmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerlab/learn/iostreams"
)

func TestPull(t *testing.T) {
	st := newStore(t)
	out, _, err := run(t, func(ios *iostreams.IOStreams) error {
		return RunPull(ios, st, PullOptions{Image: "python:3.14-slim"})
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "3.14-slim: Pulling from library/python" || len(lines) != 8 ||
		!strings.HasSuffix(lines[1], ": Pull complete") || !strings.HasPrefix(lines[5], "Digest: sha256:") ||
		lines[6] != "Status: Downloaded newer image for python:3.14-slim" || lines[7] != "docker.io/library/python:3.14-slim" {
		t.Errorf("pull output:\n%s", out)
	}
	out, _, _ = run(t, func(ios *iostreams.IOStreams) error {
		return RunPull(ios, st, PullOptions{Image: "python:3.14-slim"})
	})
	if !strings.Contains(out, "Status: Image is up to date for python:3.14-slim\n") || strings.Contains(out, "Pull complete") {
		t.Errorf("second pull:\n%s", out)
	}
	// The 3.13 slim image shares its Debian base layer.
	out, _, _ = run(t, func(ios *iostreams.IOStreams) error {
		return RunPull(ios, st, PullOptions{Image: "python:3.13-slim"})
	})
	if !strings.Contains(out, ": Already exists\n") {
		t.Errorf("shared layer not reported:\n%s", out)
	}
	// alpine:latest is 3.2x, not 3.20: the catalogue does not pretend.
	_, _, err = run(t, func(ios *iostreams.IOStreams) error {
		return RunPull(ios, st, PullOptions{Image: "alpine", Quiet: true})
	})
	if err == nil || !strings.Contains(err.Error(), "manifest for alpine:latest not found") {
		t.Errorf("alpine:latest: %v", err)
	}

	_, _, err = run(t, func(ios *iostreams.IOStreams) error {
		return RunPull(ios, st, PullOptions{Image: "nosuchimage"})
	})
	if err == nil || !strings.HasPrefix(err.Error(), "Error response from daemon: pull access denied for nosuchimage, repository does not exist") {
		t.Errorf("unknown image: %v", err)
	}
	_, _, err = run(t, func(ios *iostreams.IOStreams) error {
		return RunPull(ios, st, PullOptions{Image: "python", AllTags: true})
	})
	if err == nil || !strings.Contains(err.Error(), "--all-tags") {
		t.Errorf("--all-tags: %v", err)
	}
}

// TestSaveCatalogueImage: a pulled image's generated layers are written
// out for real by save, and load reads them back into another store.
func TestSaveCatalogueImage(t *testing.T) {
	st := newStore(t)
	if _, _, err := run(t, func(ios *iostreams.IOStreams) error {
		return RunPull(ios, st, PullOptions{Image: "busybox", Quiet: true})
	}); err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(t.TempDir(), "bb.tar")
	if _, _, err := run(t, func(ios *iostreams.IOStreams) error {
		return RunSave(ios, st, SaveOptions{Images: []string{"busybox"}, Output: tarPath})
	}); err != nil {
		t.Fatal(err)
	}
	other := newStore(t)
	data, _ := os.ReadFile(tarPath)
	if _, _, err := run(t, func(ios *iostreams.IOStreams) error {
		ios.In = bytes.NewReader(data)
		return RunLoad(ios, other, LoadOptions{Input: tarPath})
	}); err != nil {
		t.Fatal(err)
	}
	a, _ := st.Image("busybox")
	b, err := other.Image("busybox")
	if err != nil || a.ID != b.ID || a.Size != b.Size {
		t.Fatalf("loaded %v %v, saved %v", b, err, a)
	}
}
