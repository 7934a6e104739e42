package main

import (
	"errors"
	"fmt"
)

// Exit codes, the same for every command: 0 success, 1 a failure (a check
// failed, a file could not be written, not in a workspace), 2 a usage error
// (bad flag, unknown lesson, step out of range).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is an error in what the user typed.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError ends the command with a code and, if msg is set, a message.
// Docker-compatible commands use it to pass a container's exit status on.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// exitCode maps an error to the process exit code: one place for all
// commands.
func exitCode(err error) int {
	var ue *usageError
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		return exitUsage
	default:
		return exitFailure
	}
}
