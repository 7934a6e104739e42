// Package pyindex is the offline Python package index pip installs from:
// real project names, versions, dependencies (requires_dist with PEP 440
// specifiers and PEP 508 markers), wheel and installed sizes and import
// names, plus the parsers and the resolver that pick versions from it.
package pyindex
