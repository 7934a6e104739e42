package main

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// learnHome is where the embedded engine keeps its state (images, build
// cache, containers, volumes): LEARN_HOME, else the user's data folder.
func (a *app) learnHome() (string, error) {
	if h := a.getenv("LEARN_HOME"); h != "" {
		return filepath.Abs(h)
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" || runtime.GOOS == "openbsd" {
		if x := a.getenv("XDG_DATA_HOME"); x != "" {
			return filepath.Join(x, "learn"), nil
		}
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, ".local", "share", "learn"), nil
		}
	}
	// macOS and Windows keep application data with the user's config.
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "learn"), nil
	}
	return "", errors.New("cannot find a folder for learn's state: set LEARN_HOME")
}
