//go:build !unix

package shell

import "io/fs"

// wrapInfo is the identity where mvdan.cc/sh does not assert Sys().
func wrapInfo(fi fs.FileInfo) fs.FileInfo { return fi }
