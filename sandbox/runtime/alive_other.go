//go:build !unix

package runtime

import (
	"os"
	"syscall"
)

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p != nil
}

func detachAttr() *syscall.SysProcAttr { return nil }

func kill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
