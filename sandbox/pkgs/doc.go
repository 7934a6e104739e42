// Package pkgs holds the sandbox's package managers — pip (pip3, pip3.X),
// apt-get and apt, and apk — installing from offline indexes (packages
// pyindex and aptindex) so that what a Dockerfile installs leaves the
// traces, sizes and output of the real tools: dist-info directories,
// dpkg status entries, caches that grow a layer unless cleaned.
package pkgs
