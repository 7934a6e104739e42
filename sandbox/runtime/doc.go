// Package runtime runs containers in the embedded sandbox: a container is an
// image plus its own writable layers, kept on disk under the engine's state
// folder with its config, state and log, so that writes survive between
// runs of the same container and vanish with `rm`.
package runtime
