// Package images is the embedded engine's offline base-image catalogue:
// python, debian, ubuntu, alpine, busybox, postgres and nginx images with
// their real configs, histories and sizes, and root filesystems that hold
// what the real images hold (with file contents modelled as zeros). Layers
// are generated from recipes, deterministically, so a pull records digests
// instead of writing gigabytes, and a build gets its base layers without
// parsing a tar. docs/catalog.md says where every figure comes from.
package images
