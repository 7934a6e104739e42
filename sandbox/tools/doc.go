// Package tools holds the programs an image can run inside the embedded
// sandbox: coreutils-style commands, grep, sed, tar, find, the account tools
// (useradd, adduser ...), each working on a sandbox.FS and shaped like its
// GNU/Debian original so learners see familiar output and errors.
package tools
