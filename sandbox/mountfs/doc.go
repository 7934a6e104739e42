// Package mountfs puts filesystems on mountpoints over a container's root
// filesystem, as Docker's volumes and bind mounts do, and shows the result
// as one sandbox.FS that routes each path to the filesystem it lands in.
package mountfs
