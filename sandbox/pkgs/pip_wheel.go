package pkgs

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/pkgs/pyindex"
)

// wheelWriter lays an installed wheel into a site directory the way pip
// does: the import packages, a .dist-info directory (METADATA, RECORD,
// INSTALLER, WHEEL, top_level.txt, entry_points.txt, REQUESTED) and
// console scripts. Package contents are stand-ins: an __init__.py naming
// the release plus payload files (compiled modules, bytecode) of sizes
// that add up to the real installed size.
type wheelWriter struct {
	fsys      sandbox.FS
	site, bin string
	exe       string
	py        int
	requested bool
	record    []string
}

func (w *wheelWriter) write(rel *pyindex.Release) error {
	pr := rel.Project
	info := fmt.Sprintf("%s-%s.dist-info", pr.DistName(), rel.Version)
	small := int64(0)
	pyc := fmt.Sprintf("cpython-%d", w.py)
	var payload []string
	for _, mod := range pr.Imports {
		if strings.HasSuffix(mod, ".py") {
			name := strings.TrimSuffix(mod, ".py")
			n, err := w.text(mod, stubModule(pr, rel))
			if err != nil {
				return err
			}
			small += n
			payload = append(payload, "__pycache__/"+name+"."+pyc+".pyc")
			continue
		}
		n, err := w.text(mod+"/__init__.py", stubModule(pr, rel))
		if err != nil {
			return err
		}
		small += n
		payload = append(payload, mod+"/__pycache__/__init__."+pyc+".pyc")
		if rel.Binary() {
			payload = append(payload, fmt.Sprintf("%s/_core.%s-x86_64-linux-gnu.so", mod, pyc))
		}
	}
	if pr.Libs != "" && rel.Binary() {
		sum := sha256.Sum256([]byte(pr.Key + rel.Version.String()))
		payload = append(payload, fmt.Sprintf("%s/lib%s-%x.so", pr.Libs, strings.ReplaceAll(pr.Key, "-", "_"), sum[:4]))
	}
	meta := metadataFile(rel)
	files := []struct{ name, content string }{
		{"INSTALLER", "pip\n"},
		{"METADATA", meta},
		{"WHEEL", wheelFile(rel, w.py)},
		{"top_level.txt", strings.Join(pr.TopLevel(), "\n") + "\n"},
	}
	if len(pr.Scripts) > 0 {
		var b strings.Builder
		b.WriteString("[console_scripts]\n")
		for _, s := range pr.Scripts {
			fmt.Fprintf(&b, "%s = %s\n", s.Name, s.Entry)
		}
		files = append(files, struct{ name, content string }{"entry_points.txt", b.String()})
	}
	if w.requested {
		files = append(files, struct{ name, content string }{"REQUESTED", ""})
	}
	for _, f := range files {
		n, err := w.text(info+"/"+f.name, f.content)
		if err != nil {
			return err
		}
		small += n
	}
	for _, s := range pr.Scripts {
		if err := w.script(s); err != nil {
			return err
		}
	}
	// The payload files share what the small files leave of the
	// installed size: compiled extensions get the most, bytecode the rest.
	rest := max(rel.Installed-small, 0)
	weights := make([]int64, len(payload))
	var total int64
	for i, name := range payload {
		weights[i] = 1
		if strings.HasSuffix(name, ".so") {
			weights[i] = 3
		}
		total += weights[i]
	}
	for i, name := range payload {
		size := rest * weights[i] / total
		if i == len(payload)-1 {
			size = rest
		}
		rest -= size
		if err := writeSized(w.fsys, path.Join(w.site, name), size, 0o644); err != nil {
			return err
		}
		// Bytecode is listed without a hash, as pip records compiled
		// files; payload hashes are derived from name and size because
		// the content is a stand-in.
		if strings.HasSuffix(name, ".pyc") {
			w.record = append(w.record, name+",,")
		} else {
			w.record = append(w.record, fmt.Sprintf("%s,sha256=%s,%d", name, hashOf(name+fmt.Sprint(size)), size))
		}
	}
	w.record = append(w.record, info+"/RECORD,,")
	sort.Strings(w.record)
	return writeFile(w.fsys, path.Join(w.site, info, "RECORD"), strings.Join(w.record, "\n")+"\n", 0o644)
}

// text writes a small real file and records it.
func (w *wheelWriter) text(rel, content string) (int64, error) {
	if err := writeFile(w.fsys, path.Join(w.site, rel), content, 0o644); err != nil {
		return 0, err
	}
	w.record = append(w.record, fmt.Sprintf("%s,sha256=%s,%d", rel, hashOf(content), len(content)))
	return int64(len(content)), nil
}

// script writes a console script the way pip's launcher template does.
func (w *wheelWriter) script(s pyindex.Script) error {
	mod, fn, _ := strings.Cut(s.Entry, ":")
	top, _, _ := strings.Cut(fn, ".")
	content := fmt.Sprintf("#!%s\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom %s import %s\nif __name__ == \"__main__\":\n    sys.argv[0] = re.sub(r\"(-script\\.pyw|\\.exe)?$\", \"\", sys.argv[0])\n    sys.exit(%s())\n", w.exe, mod, top, fn)
	name := path.Join(w.bin, s.Name)
	if err := writeFile(w.fsys, name, content, 0o755); err != nil {
		return err
	}
	rel, err := relPath(w.site, name)
	if err != nil {
		return err
	}
	w.record = append(w.record, fmt.Sprintf("%s,sha256=%s,%d", rel, hashOf(content), len(content)))
	return nil
}

// relPath is name relative to dir ("../../../bin/uvicorn"), as RECORD
// writes files outside site-packages.
func relPath(dir, name string) (string, error) {
	a := strings.Split(strings.Trim(path.Clean(dir), "/"), "/")
	b := strings.Split(strings.Trim(path.Clean(name), "/"), "/")
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	parts := make([]string, 0, len(a)-i+len(b)-i)
	for range a[i:] {
		parts = append(parts, "..")
	}
	return path.Join(append(parts, b[i:]...)...), nil
}

// hashOf is RECORD's urlsafe, unpadded base64 sha256.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func stubModule(pr *pyindex.Project, rel *pyindex.Release) string {
	return fmt.Sprintf("# %s %s, installed by layerlab's offline pip: a stand-in for the real package.\n__version__ = %q\n", pr.Name, rel.Version, rel.Version.String())
}

// metadataFile is a core-metadata 2.1 METADATA file.
func metadataFile(rel *pyindex.Release) string {
	pr := rel.Project
	var b strings.Builder
	fmt.Fprintf(&b, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s\n", pr.Name, rel.Version, pr.Summary)
	if pr.Home != "" {
		fmt.Fprintf(&b, "Home-page: %s\n", pr.Home)
	}
	if strings.Contains(pr.Author, "<") {
		fmt.Fprintf(&b, "Author-email: %s\n", pr.Author)
	} else if pr.Author != "" {
		fmt.Fprintf(&b, "Author: %s\n", pr.Author)
	}
	if pr.License != "" {
		fmt.Fprintf(&b, "License: %s\n", pr.License)
	}
	if len(rel.RequiresPython) > 0 {
		fmt.Fprintf(&b, "Requires-Python: %s\n", rel.RequiresPython)
	}
	extras := map[string]bool{}
	for _, r := range rel.Requires {
		line := r.String()
		if r.Marker != nil {
			line += "; " + r.Marker.String()
			if _, e, ok := strings.Cut(r.Marker.String(), "extra == "); ok {
				extras[strings.Trim(e, `"' `)] = true
			}
		}
		fmt.Fprintf(&b, "Requires-Dist: %s\n", line)
	}
	names := make([]string, 0, len(extras))
	for e := range extras {
		names = append(names, e)
	}
	sort.Strings(names)
	for _, e := range names {
		fmt.Fprintf(&b, "Provides-Extra: %s\n", e)
	}
	fmt.Fprintf(&b, "\n%s\n", pr.Summary)
	return b.String()
}

// wheelFile is the WHEEL file: one Tag line per platform tag.
func wheelFile(rel *pyindex.Release, py int) string {
	tag := strings.ReplaceAll(rel.Tag, "{py}", fmt.Sprint(py))
	parts := strings.SplitN(tag, "-", 3)
	var b strings.Builder
	fmt.Fprintf(&b, "Wheel-Version: 1.0\nGenerator: bdist_wheel (0.45.1)\nRoot-Is-Purelib: %t\n", !rel.Binary())
	if len(parts) == 3 {
		for _, py := range strings.Split(parts[0], ".") {
			for _, plat := range strings.Split(parts[2], ".") {
				fmt.Fprintf(&b, "Tag: %s-%s-%s\n", py, parts[1], plat)
			}
		}
	}
	return b.String()
}

// removeDist uninstalls d: the files its RECORD lists, its import
// packages (top_level.txt) and its dist-info directory.
func removeDist(fsys sandbox.FS, d *dist) error {
	if rec, err := readFile(fsys, path.Join(d.DistDir, "RECORD")); err == nil {
		for _, line := range strings.Split(rec, "\n") {
			name, _, _ := strings.Cut(line, ",")
			if name == "" {
				continue
			}
			full := path.Join(d.Site, name)
			if err := fsys.Remove(full); err != nil && exists(fsys, full) && !isDir(fsys, full) {
				return err
			}
		}
	}
	if top, err := readFile(fsys, path.Join(d.DistDir, "top_level.txt")); err == nil {
		for _, m := range strings.Fields(top) {
			if m == "" || strings.Contains(m, "/") || m == ".." || m == "." {
				continue
			}
			if err := fsys.RemoveAll(path.Join(d.Site, m)); err != nil {
				return err
			}
		}
	}
	return fsys.RemoveAll(d.DistDir)
}
