package dockercmd

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/layerlab/learn/sandbox/layerfs"
)

// cleanEntryName checks a tar entry name from outside input: no absolute
// paths, no ".." that could climb out of the directory it is unpacked in.
// It returns the name without a leading "./" or trailing "/".
func cleanEntryName(name string) (string, error) {
	if strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) {
		return "", fmt.Errorf("entry %q has an absolute path", name)
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return "", fmt.Errorf("entry %q escapes the archive root with ..", name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

// checkLayerEntry is the check every layer coming from outside passes
// (docker load, docker import): the engine never unpacks to the host, but
// a layer whose paths climb out of the container root is refused outright
// rather than trusted to be handled later.
func checkLayerEntry(hdr *tar.Header) error {
	if _, err := cleanEntryName(hdr.Name); err != nil {
		return fmt.Errorf("invalid layer: %v", err)
	}
	if layerfs.IsSparse(hdr) {
		return fmt.Errorf("invalid layer: entry %q is a sparse file, which image layers never contain", hdr.Name)
	}
	if hdr.Typeflag == tar.TypeLink {
		if _, err := cleanEntryName(hdr.Linkname); err != nil {
			return fmt.Errorf("invalid layer: hard link %q: target %v", hdr.Name, err)
		}
	}
	return nil
}

// decompress undoes gzip or bzip2 (what docker import and old docker saves
// use), detected by magic bytes as docker's DecompressStream does.
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		return zr, nil
	case bytes.HasPrefix(magic, []byte("BZh")):
		return bzip2.NewReader(br), nil
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X'}):
		return nil, fmt.Errorf("xz-compressed archives are not supported by the embedded engine; decompress it first")
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return nil, fmt.Errorf("zstd-compressed archives are not supported by the embedded engine; decompress it first")
	}
	return br, nil
}
