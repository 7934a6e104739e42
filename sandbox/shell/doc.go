// Package shell runs Dockerfile RUN and CMD through a real POSIX shell
// (mvdan.cc/sh) whose every file operation, directory listing, permission
// check and program execution is routed to the container filesystem and the
// sandbox's tools, never to the host.
package shell
