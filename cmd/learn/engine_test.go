package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/dockerengine"
	"github.com/layerlab/learn/sandbox/testimage"
)

// The same check scripts grade a workspace on a real Docker engine
// (--engine docker). Without an engine the test says so; CI requires one.
func TestGradeOnRealEngine(t *testing.T) {
	ctx := context.Background()
	real, err := dockerengine.Find(ctx)
	if err != nil {
		if os.Getenv("LEARN_REQUIRE_DOCKER") == "1" {
			t.Fatal(err)
		}
		t.Skipf("NO DOCKER ENGINE: --engine docker was NOT tested (%v)", err)
	}
	release, err := dockerengine.Exclusive()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	rootfs, err := testimage.Rootfs(testimage.Busybox())
	if err != nil {
		t.Fatal(err)
	}
	if err := real.Import(ctx, rootfs, "learnbase:1"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"pack/01-hi/lesson.md": "---\nformat: 1\nid: 01-hi\ntitle: Hi\nsummary: Hi.\n---\n## Step\n```check\n" +
			"docker build -t learn-engine-test .\ndocker run --rm learn-engine-test\nstdout contains \"hi there\"\n" +
			"edit msg.txt append more\ndocker build -t learn-engine-test .\ncached \"RUN echo built\"\nran \"COPY msg.txt\"\n```\n",
		"pack/01-hi/files/Dockerfile": "FROM learnbase:1\nRUN echo built\nCOPY msg.txt /msg.txt\nCMD [\"cat\", \"/msg.txt\"]\n",
		// Unique content: the real engine's build cache outlives test runs,
		// and an edit already built once would rightly be CACHED.
		"pack/01-hi/files/msg.txt": fmt.Sprintf("hi there\nrun %d\n", time.Now().UnixNano()),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	t.Setenv("LEARN_HOME", filepath.Join(dir, "home"))
	t.Chdir(dir)
	io, _, out, errOut := iostreams.Test()
	if code := run([]string{"--lessons", "pack", "init", "ws"}, io); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	io, _, out, errOut = iostreams.Test()
	code := run([]string{"--engine", "docker", "--lessons", "pack", "grade", "--format", "json", "ws"}, io)
	if code != 0 || !strings.Contains(out.String(), `"status": "pass"`) || !strings.Contains(out.String(), `"max_score": 3`) {
		t.Fatalf("grade on the real engine: exit %d\n%s\n%s", code, out, errOut)
	}
	real.RemoveImage(ctx, "learn-engine-test")
}
