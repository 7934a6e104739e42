package buildctx

import (
	"fmt"
	"io/fs"
	"math/big"
	"path"

	"github.com/layerlab/learn/sandbox"
)

// chunk is how much of a file the docker client puts in one data packet
// (fsutil's send buffer).
const chunk = 32 << 10

// Stats walks the context as docker sends it and returns the number of
// regular files and the bytes docker reports as "transferring context" on a
// first transfer: the protobuf size of every entry's stat packet plus every
// data packet (fsutil's progress counts whole packets, not just file bytes).
// Later builds in Docker transfer only what changed, so their figure is
// smaller.
func (c *Context) Stats() (files int, bytes int64, err error) {
	var (
		id   uint32
		seen = map[uint64]string{} // inode -> first path, for hard links
	)
	var walk func(dir string) error
	walk = func(dir string) error {
		ents, err := c.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			p := path.Join(dir, e.Name())
			info, err := e.Info()
			if err != nil {
				return err
			}
			fi := info.(*fileInfo)
			st := statMsg{
				path:    p[1:],
				mode:    uint32(fi.Mode() &^ fs.ModeSocket),
				modTime: fi.ModTime().UnixNano(),
				xattrs:  sandbox.OwnerOf(fi).Xattrs,
			}
			hardlink := false
			if !fi.IsDir() {
				st.size = fi.Size()
				if fi.Mode()&fs.ModeSymlink != 0 {
					if st.link, err = c.Readlink(p); err != nil {
						return err
					}
				}
				st.devmajor, st.devminor = fi.owner.Devmajor, fi.owner.Devminor
				// fsutil sends the second name of a hard-linked file as a
				// link to the first, with no size and no data.
				if fi.owner.Nlink > 1 {
					if first, ok := seen[fi.ino]; ok {
						st.link, st.size, hardlink = first, 0, true
					} else {
						seen[fi.ino] = st.path
					}
				}
			}
			n := st.encodedSize()
			bytes += int64(1 + varintLen(uint64(n)) + n)
			if fi.Mode().IsRegular() && !hardlink {
				files++
				for left := fi.Size(); left > 0; left -= chunk {
					bytes += int64(dataPacketSize(id, min(left, chunk)))
				}
			}
			id++
			if fi.IsDir() {
				if err := walk(p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk("/"); err != nil {
		return 0, 0, fmt.Errorf("walking build context: %w", err)
	}
	return files, bytes, nil
}

// statMsg holds the fields of fsutil's Stat message that are not zero for a
// context entry (uid and gid are always reset to 0, so never sent).
type statMsg struct {
	path, link         string
	mode               uint32
	size, modTime      int64
	devmajor, devminor int64
	xattrs             map[string]string
}

// encodedSize is the message's protobuf encoding size: proto3 leaves zero fields
// out; every field number is below 16, so each tag takes one byte.
func (s statMsg) encodedSize() int {
	n := 0
	str := func(v string) {
		if v != "" {
			n += 1 + varintLen(uint64(len(v))) + len(v)
		}
	}
	num := func(v uint64) {
		if v != 0 {
			n += 1 + varintLen(v)
		}
	}
	str(s.path)
	num(uint64(s.mode))
	num(uint64(s.size))
	num(uint64(s.modTime))
	str(s.link)
	num(uint64(s.devmajor))
	num(uint64(s.devminor))
	for k, v := range s.xattrs {
		e := 1 + varintLen(uint64(len(k))) + len(k) + 1 + varintLen(uint64(len(v))) + len(v)
		n += 1 + varintLen(uint64(e)) + e
	}
	return n
}

// dataPacketSize is the size of Packet{Type: DATA, ID: id, Data: n bytes}.
func dataPacketSize(id uint32, n int64) int {
	size := 2 // type = PACKET_DATA
	if id != 0 {
		size += 1 + varintLen(uint64(id))
	}
	return size + 1 + varintLen(uint64(n)) + int(n)
}

func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// HumanSize formats n the way BuildKit's progress output prints transfer
// sizes (tonistiigi/units with "%.2f"): whole bytes below 1 kB ("512B"),
// otherwise two decimals in decimal units ("2.34kB", "50.01MB").
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	if n < 1000 && n > -1000 {
		return fmt.Sprintf("%dB", n)
	}
	i, base := 0, int64(1)
	for abs(n) >= base*1000 && i < len(units)-1 {
		base *= 1000
		i++
	}
	// big.Float rounds the exact binary value half to even, exactly as the
	// printer does, so "1.005kB"-style ties agree with Docker's output.
	return big.NewFloat(float64(n)/float64(base)).Text('f', 2) + units[i]
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
