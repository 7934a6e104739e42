// Package buildctx is the build context: a host directory seen through
// .dockerignore as a read-only sandbox.ReadFS that never reaches outside it.
package buildctx
