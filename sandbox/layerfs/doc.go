// Package layerfs is a container root filesystem made of OCI tar layers: read-only
// lower layers, a copy-on-write upper layer, whiteouts, and Linux ownership and
// permission checks, exposed as a sandbox.FS.
package layerfs
