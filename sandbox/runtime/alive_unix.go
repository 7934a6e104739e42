//go:build unix

package runtime

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// alive reports whether process pid exists (signal 0 checks without
// sending anything).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// A killed supervisor stays a zombie until someone reaps it, and
	// signal 0 still reaches a zombie: on Linux, ask /proc.
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
	}
	return true
}

// detachAttr puts the supervisor in its own session, so it outlives the
// learn command that started it and the terminal's signals.
func detachAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

func kill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
