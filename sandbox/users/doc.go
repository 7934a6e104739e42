// Package users reads and edits /etc/passwd and /etc/group inside a container
// filesystem and resolves Docker's USER forms to a sandbox.Identity.
package users
