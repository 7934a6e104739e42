// Package aptindex is the offline Debian/Ubuntu archive apt-get installs
// from: Packages-file stanzas (deb822) with real names, versions,
// dependencies and sizes, the parser for them, and the dependency closure
// apt computes.
package aptindex
