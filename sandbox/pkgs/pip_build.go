package pkgs

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/layerlab/learn/sandbox/pkgs/pyindex"
	"github.com/layerlab/learn/sandbox/tools"
)

// Building from source is modelled, not run: a release without a wheel
// for the image's Python builds when the image has a C compiler (the full
// python images, or after apt-get install build-essential) and fails the
// way meson/setuptools fail on slim images otherwise. Rust-backed projects
// also need cargo.

var rustBuilt = map[string]bool{"pydantic-core": true, "polars": true}

// hasProgram reports whether name resolves on the process's PATH.
func hasProgram(p *tools.Proc, name string) bool {
	_, err := tools.LookPath(p.FS, p.Dir, p.Getenv("PATH"), name)
	return err == nil
}

func (r *installRun) prepareSdist(rel *pyindex.Release) bool {
	steps := []string{"Installing build dependencies", "Getting requirements to build wheel", "Preparing metadata (pyproject.toml)"}
	for _, s := range steps[:2] {
		fmt.Fprintf(r.out, "  %s: started\n  %s: finished with status 'done'\n", s, s)
	}
	missing := ""
	switch {
	case rustBuilt[rel.Project.Key] && !hasProgram(r.p, "cargo"):
		missing = "cargo"
	case !hasProgram(r.p, "cc") && !hasProgram(r.p, "gcc"):
		missing = "cc"
	}
	meta := steps[2]
	if missing == "" {
		fmt.Fprintf(r.out, "  %s: started\n  %s: finished with status 'done'\n", meta, meta)
		return true
	}
	fmt.Fprintf(r.out, "  %s: started\n  %s: finished with status 'error'\n", meta, meta)
	w := r.p.Stderr
	var detail []string
	if missing == "cargo" {
		detail = []string{
			"Cargo, the Rust package manager, is not installed or is not on PATH.",
			"This package requires Rust and Cargo to compile extensions. Install it through",
			"the system's package manager or via https://rustup.rs/",
			"",
			"Checking for Rust toolchain....",
		}
	} else {
		detail = []string{
			"+ meson setup --reconfigure . build -Dbuildtype=release -Db_ndebug=if-release -Db_vscrt=md",
			"The Meson build system",
			"Build type: native build",
			fmt.Sprintf("Project name: %s", rel.Project.Key),
			fmt.Sprintf("Project version: %s", rel.Version),
			"",
			"..meson.build:1:0: ERROR: Unknown compiler(s): [['cc'], ['gcc'], ['clang'], ['nvc'], ['pgcc'], ['icc'], ['icx']]",
			"The following exception(s) were encountered:",
			"Running `cc --version` gave \"[Errno 2] No such file or directory: 'cc'\"",
			"Running `gcc --version` gave \"[Errno 2] No such file or directory: 'gcc'\"",
		}
	}
	fmt.Fprintln(w, "  error: subprocess-exited-with-error")
	fmt.Fprintln(w, "  ")
	fmt.Fprintf(w, "  × %s did not run successfully.\n", meta)
	fmt.Fprintln(w, "  │ exit code: 1")
	fmt.Fprintf(w, "  ╰─> [%d lines of output]\n", len(detail))
	for _, d := range detail {
		fmt.Fprintf(w, "      %s\n", d)
	}
	fmt.Fprintln(w, "      [end of output]")
	fmt.Fprintln(w, "  ")
	fmt.Fprintln(w, "  note: This error originates from a subprocess, and is likely not a problem with pip.")
	fmt.Fprintln(w, "error: metadata-generation-failed")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "× Encountered error while generating package metadata.")
	fmt.Fprintln(w, "╰─> See above for output.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "note: This is an issue with the package mentioned above, not pip.")
	fmt.Fprintln(w, "hint: See above for details.")
	return false
}

// build prints pip's wheel-building section for sdists and caches the
// built wheels.
func (r *installRun) build(nodes []*pyindex.Node) int {
	var built []*pyindex.Release
	for _, n := range nodes {
		if n.Release != nil && !n.Release.HasWheel(r.env.Tag) {
			built = append(built, n.Release)
		}
	}
	if len(built) == 0 {
		return -1
	}
	names := make([]string, len(built))
	for i, rel := range built {
		names[i] = rel.Project.Key
	}
	fmt.Fprintf(r.out, "Building wheels for collected packages: %s\n", strings.Join(names, ", "))
	for _, rel := range built {
		file := fmt.Sprintf("%s-%s-cp%d-cp%d-linux_x86_64.whl", rel.Project.DistName(), rel.Version, r.env.Tag, r.env.Tag)
		sum := sha256.Sum256([]byte(file))
		fmt.Fprintf(r.out, "  Building wheel for %s (pyproject.toml): started\n", rel.Project.Key)
		fmt.Fprintf(r.out, "  Building wheel for %s (pyproject.toml): finished with status 'done'\n", rel.Project.Key)
		fmt.Fprintf(r.out, "  Created wheel for %s: filename=%s size=%d sha256=%x\n", rel.Project.Key, file, rel.WheelSize, sum)
		dir := r.cache.wheelDir(file)
		if dir == "" {
			dir = fmt.Sprintf("/tmp/pip-ephem-wheel-cache-%x/wheels/%x/%x/%x/%x", sum[:4], sum[4:5], sum[5:6], sum[6:7], sum[7:])
		} else {
			r.cache.storeAt(dir+"/"+file, rel.WheelSize)
		}
		fmt.Fprintf(r.out, "  Stored in directory: %s\n", dir)
	}
	fmt.Fprintf(r.out, "Successfully built %s\n", strings.Join(names, " "))
	return -1
}
