// Package progress prints a build's vertices the way BuildKit does: the
// plain format (`#n name`, `#n CACHED`, `#n DONE 0.1s`), a compact terminal
// view, or nothing.
package progress
