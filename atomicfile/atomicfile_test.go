package atomicfile

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

func TestWriteFileReplacesWhole(t *testing.T) {
	name := filepath.Join(t.TempDir(), "state.json")
	if err := WriteFile(name, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(name, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil || string(got) != "two" {
		t.Fatalf("got %q, %v; want two", got, err)
	}
	fi, _ := os.Stat(name)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(filepath.Dir(name))
	if len(ents) != 1 {
		t.Errorf("temporary files left behind: %v", ents)
	}
}

func TestWriteFileMissingDir(t *testing.T) {
	err := WriteFile(filepath.Join(t.TempDir(), "no", "such", "f"), nil, 0o644)
	if err == nil {
		t.Fatal("want an error for a missing directory")
	}
}

// Concurrent read-modify-write cycles under Lock must not lose increments.
func TestLockSerialises(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "n")
	if err := WriteFile(name, []byte("0"), 0o644); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := Lock(filepath.Join(dir, "lock"))
			if err != nil {
				t.Error(err)
				return
			}
			defer unlock()
			b, _ := os.ReadFile(name)
			n, _ := strconv.Atoi(string(b))
			if err := WriteFile(name, []byte(strconv.Itoa(n+1)), 0o644); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	b, _ := os.ReadFile(name)
	if string(b) != "20" {
		t.Fatalf("counter = %s, want 20", b)
	}
}
