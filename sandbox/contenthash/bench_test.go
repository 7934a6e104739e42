package contenthash_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/layerlab/learn/sandbox/buildctx"
	"github.com/layerlab/learn/sandbox/contenthash"
)

const (
	benchFiles = 5000
	benchBytes = 50 << 20
)

// benchContext generates a 50 MB, 5,000-file context: 50 directories two
// levels deep, file sizes spread around the mean, mtimes an hour old (so the
// cache's racy-clean guard does not apply).
func benchContext(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	old := time.Now().Add(-time.Hour)
	mean := benchBytes / benchFiles
	total := 0
	for i := range benchFiles {
		size := mean/2 + rng.IntN(mean)
		if i == benchFiles-1 {
			size = max(benchBytes-total, 0)
		}
		total += size
		p := filepath.Join(dir, fmt.Sprintf("pkg%02d/sub%d/file%04d.dat", i%50, i%5, i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		data := make([]byte, size)
		for off := 0; off < size; off += len(buf) {
			copy(data[off:], buf[(i*7919)%1024:])
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func BenchmarkChecksumCold(b *testing.B) {
	dir := benchContext(b)
	c, err := buildctx.Open(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(benchBytes)
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := contenthash.Checksum(c, "/", contenthash.Options{FollowLinks: true}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// cpuTime is the process's user+system CPU time. On a shared, loaded
// machine wall-clock MB/s mostly measures the neighbours; CPU time per
// operation measures this code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	per := (cpuTime() - start) / time.Duration(b.N)
	b.ReportMetric(per.Seconds(), "cpu-s/op")
	b.ReportMetric(float64(benchBytes)/1e6/per.Seconds(), "cpu-MB/s")
}

// BenchmarkChecksumWarm includes loading the saved cache from disk, as a
// later `learn docker build` process would.
func BenchmarkChecksumWarm(b *testing.B) {
	dir := benchContext(b)
	c, err := buildctx.Open(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	cache := contenthash.NewCache()
	cold, err := contenthash.Checksum(c, "/", contenthash.Options{Cache: cache})
	if err != nil {
		b.Fatal(err)
	}
	name := filepath.Join(b.TempDir(), "hashes.json")
	if err := cache.Save(name); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchBytes)
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		loaded, err := contenthash.LoadCache(name)
		if err != nil {
			b.Fatal(err)
		}
		warm, err := contenthash.Checksum(c, "/", contenthash.Options{Cache: loaded})
		if err != nil || warm != cold {
			b.Fatalf("warm = %s, %v; want %s", warm, err, cold)
		}
	}
	reportCPU(b, cpu)
}
