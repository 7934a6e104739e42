// Package build turns a Dockerfile and a build context into an image in the
// embedded store, deciding per step what is CACHED the way BuildKit does
// (docs: shared/docs/buildkit-cache.md) and printing BuildKit's progress.
package build
