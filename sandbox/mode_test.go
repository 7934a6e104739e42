package sandbox

import (
	"io/fs"
	"testing"
)

func TestModeRoundTrip(t *testing.T) {
	for _, u := range []uint32{0, 0o644, 0o755, 0o1777, 0o4755, 0o2750, 0o7777} {
		if got := UnixMode(FileMode(u)); got != u {
			t.Errorf("%o -> %v -> %o", u, FileMode(u), got)
		}
	}
	if FileMode(0o1777)&fs.ModeSticky == 0 {
		t.Error("sticky bit lost")
	}
}
