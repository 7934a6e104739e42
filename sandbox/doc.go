// Package sandbox holds the embedded Docker engine's shared types: the
// container filesystem contract that layerfs implements and the shell, tools
// and build packages use, and the identity a process runs as.
//
// Each implementation is a small sibling package with one job (buildctx,
// contenthash, layerfs, shell, tools, users, store, build ...).
package sandbox
