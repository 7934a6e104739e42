// Package cachecase holds the build-cache cases (a Dockerfile, a build
// context, a sequence of edits and builds, and which steps each build must
// show CACHED) and runs them against an engine: the embedded one in its own
// tests, a real Docker engine in the differential suite.
//
// A case is a txtar file in testdata/. Its "script" section is one command
// per line:
//
//	build [ARGS...]        docker build -t cachecase [ARGS...] .
//	expect cached|ran...   the last build's steps (FROM excluded) in
//	                       Dockerfile order
//	expect error TEXT      the last build failed mentioning TEXT
//	touch FILE             change mtime only
//	write FILE TEXT...     replace FILE's content with TEXT and a newline
//	append FILE TEXT...    add a line
//	chmod MODE FILE        change permissions (octal)
//	rm FILE / mv OLD NEW / mkdir DIR
//	use FILE SECTION       replace FILE with the content of section @SECTION
//
// Every other section is a file of the build context; sections whose names
// start with "@" are alternates for `use`. Base images are learnbase:1, the
// busybox root filesystem of package testimage, imported by the runner.
package cachecase
