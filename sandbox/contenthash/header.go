package contenthash

import (
	"crypto/sha256"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/layerlab/learn/sandbox"
	digest "github.com/opencontainers/go-digest"
)

// Mode bits as archive/tar stores them: BuildKit builds a tar header from the
// file's stat and hashes its fields, so setuid/setgid/sticky take these values.
const (
	tarSetuid = 0o4000
	tarSetgid = 0o2000
	tarSticky = 0o1000
)

// emptyDigest is sha256 of nothing: what BuildKit returns for a wildcard with
// no match and what it records as the header of a local context's root.
var emptyDigest = digest.FromBytes(nil)

// header writes the "tarsum v1" header of one entry, the same fields in the
// same order as BuildKit (cache/contenthash/tarsum.go): name (always empty:
// names are hashed by the parent directory), mode, uid, gid, size, typeflag,
// linkname, uname, gname, devmajor, devminor, then the kept xattrs sorted by
// key. mtime is deliberately absent, so touching a file changes nothing.
func header(buf []byte, fi fs.FileInfo, link string) []byte {
	mode := fi.Mode()
	if mode&fs.ModeSymlink != 0 {
		// BuildKit forces 0777 on links: their permission bits mean nothing.
		mode |= 0o777
	}
	// archive/tar cannot describe sockets; BuildKit clears the bits, which
	// turns a socket into an empty regular file for hashing purposes.
	mode &^= fs.ModeSocket | fs.ModeIrregular

	tmode := int64(mode.Perm())
	if mode&fs.ModeSetuid != 0 {
		tmode |= tarSetuid
	}
	if mode&fs.ModeSetgid != 0 {
		tmode |= tarSetgid
	}
	if mode&fs.ModeSticky != 0 {
		tmode |= tarSticky
	}

	var (
		typeflag byte
		size     int64
	)
	switch {
	case mode.IsRegular():
		typeflag, size = '0', fi.Size()
	case mode.IsDir():
		typeflag = '5'
	case mode&fs.ModeSymlink != 0:
		typeflag = '2'
	case mode&fs.ModeDevice != 0:
		typeflag = '4'
		if mode&fs.ModeCharDevice != 0 {
			typeflag = '3'
		}
	case mode&fs.ModeNamedPipe != 0:
		typeflag = '6'
	}
	if typeflag != '2' {
		link = ""
	}

	o := sandbox.OwnerOf(fi)
	var devmajor, devminor int64
	if mode&fs.ModeDevice != 0 {
		devmajor, devminor = o.Devmajor, o.Devminor
	}

	buf = append(buf, "name"...)
	buf = append(buf, "mode"...)
	buf = strconv.AppendInt(buf, tmode, 10)
	buf = append(buf, "uid"...)
	buf = strconv.AppendInt(buf, int64(o.UID), 10)
	buf = append(buf, "gid"...)
	buf = strconv.AppendInt(buf, int64(o.GID), 10)
	buf = append(buf, "size"...)
	buf = strconv.AppendInt(buf, size, 10)
	buf = append(buf, "typeflag"...)
	buf = append(buf, typeflag)
	buf = append(buf, "linkname"...)
	buf = append(buf, link...)
	buf = append(buf, "uname"...)
	buf = append(buf, "gname"...)
	buf = append(buf, "devmajor"...)
	buf = strconv.AppendInt(buf, devmajor, 10)
	buf = append(buf, "devminor"...)
	buf = strconv.AppendInt(buf, devminor, 10)
	for _, k := range keptXattrs(o.Xattrs) {
		buf = append(buf, k...)
		buf = append(buf, o.Xattrs[k]...)
	}
	return buf
}

// keptXattrs returns the xattr names that take part in the hash, sorted:
// security.* labels (SELinux and friends) differ between hosts and system.*
// holds ACL plumbing, so both are left out, except file capabilities, which
// change what a binary can do.
func keptXattrs(x map[string]string) []string {
	if len(x) == 0 {
		return nil
	}
	keys := make([]string, 0, len(x))
	for k := range x {
		if k == "security.capability" || !strings.HasPrefix(k, "security.") && !strings.HasPrefix(k, "system.") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// headerDigest is the digest of an entry with no content: a directory's own
// header, a symlink, a device, or an empty file.
func headerDigest(fi fs.FileInfo, link string) digest.Digest {
	var b [256]byte
	sum := sha256.Sum256(header(b[:0], fi, link))
	return digest.NewDigestFromBytes(digest.SHA256, sum[:])
}
