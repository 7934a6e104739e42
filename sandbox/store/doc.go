// Package store is the embedded engine's on-disk state: layers and images in
// an OCI image layout, a small JSON index of tags for fast lookups, and build
// cache records, all written atomically so a crash or a second learn process
// never leaves a torn file behind.
package store
