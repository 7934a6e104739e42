// Package hostfs shows a directory of the host as a sandbox.FS, for bind
// mounts and named volumes: paths and symlinks resolve inside the directory
// only, permission checks follow Linux for the view's identity, and changes
// land on the host as the user running learn.
package hostfs
