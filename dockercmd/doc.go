// Package dockercmd implements docker's image commands (images, history,
// inspect, tag, rmi, save, load, import) over the embedded engine's store,
// with docker's flags, output shapes and error wording, so that what a
// learner sees here is what a real engine would print.
//
// Each command is an Options struct and a RunX function that tests call
// directly; cmd/learn only wires flags to them.
package dockercmd
