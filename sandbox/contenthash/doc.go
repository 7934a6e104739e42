// Package contenthash computes BuildKit-compatible content hashes of COPY
// sources over any sandbox.ReadFS, so the embedded builder hits and misses the
// layer cache exactly where Docker would.
package contenthash
