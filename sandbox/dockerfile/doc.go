// Package dockerfile parses, lints and plans a Dockerfile with BuildKit's own parser, so the embedded build engine sees the same stages, steps, errors and warnings as `docker build`.
package dockerfile
