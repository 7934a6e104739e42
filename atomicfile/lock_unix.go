//go:build unix

package atomicfile

import (
	"fmt"
	"os"
	"syscall"
)

// Lock takes an exclusive advisory lock on the file name (created if
// missing) and returns its release. Two learn processes updating the same
// state file take turns instead of losing each other's writes.
func Lock(name string) (unlock func(), err error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", name, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
