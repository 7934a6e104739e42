// Package services models the catalogue's service images as programs the
// sandbox runs: the postgres and nginx entrypoints with the rules their real
// images enforce, and servers that start, log what the real ones log, keep
// running, and shut down cleanly when the container is stopped. They serve
// no real database or HTTP traffic; the docs say so.
package services
