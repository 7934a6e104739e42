package pyindex

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a PEP 440 version: enough of it (release, pre, post, dev) to
// order every version the index holds and every version a user pins.
type Version struct {
	raw     string
	release []int
	// preKind is 0 for none, else 'a', 'b' or 'c' (rc).
	preKind byte
	pre     int
	post    int // -1 when absent
	dev     int // -1 when absent
}

// ParseVersion parses a PEP 440 version ("2.3.3", "2.9.0.post0", "1.0rc1").
func ParseVersion(s string) (Version, error) {
	v := Version{raw: s, post: -1, dev: -1}
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "v")
	if t == "" {
		return v, fmt.Errorf("invalid version %q", s)
	}
	i := 0
	num := func() (int, bool) {
		j := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		if j == i || i-j > 9 {
			return 0, false
		}
		n, _ := strconv.Atoi(t[j:i])
		return n, true
	}
	for {
		n, ok := num()
		if !ok {
			return v, fmt.Errorf("invalid version %q", s)
		}
		v.release = append(v.release, n)
		if i < len(t) && t[i] == '.' && i+1 < len(t) && t[i+1] >= '0' && t[i+1] <= '9' {
			i++
			continue
		}
		break
	}
	skipSep := func() {
		if i < len(t) && (t[i] == '.' || t[i] == '-' || t[i] == '_') {
			i++
		}
	}
	for i < len(t) {
		save := i
		skipSep()
		rest := t[i:]
		switch {
		case v.preKind == 0 && v.post < 0 && v.dev < 0 && hasAny(rest, "alpha", "a", "beta", "b", "rc", "c", "pre", "preview"):
			word := matchAny(rest, "alpha", "beta", "preview", "pre", "rc", "a", "b", "c")
			i += len(word)
			switch word {
			case "alpha", "a":
				v.preKind = 'a'
			case "beta", "b":
				v.preKind = 'b'
			default:
				v.preKind = 'c'
			}
			skipSep()
			if n, ok := num(); ok {
				v.pre = n
			}
		case v.post < 0 && v.dev < 0 && hasAny(rest, "post", "rev", "r"):
			i += len(matchAny(rest, "post", "rev", "r"))
			skipSep()
			v.post = 0
			if n, ok := num(); ok {
				v.post = n
			}
		case v.dev < 0 && strings.HasPrefix(rest, "dev"):
			i += 3
			skipSep()
			v.dev = 0
			if n, ok := num(); ok {
				v.dev = n
			}
		default:
			i = save
			return v, fmt.Errorf("invalid version %q", s)
		}
	}
	return v, nil
}

func hasAny(s string, words ...string) bool { return matchAny(s, words...) != "" }

// matchAny returns the first of words that s starts with (callers list
// longer words first).
func matchAny(s string, words ...string) string {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

// MustVersion parses s or panics; for the embedded index and tests.
func MustVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String is the version as written.
func (v Version) String() string { return v.raw }

// IsPre reports a pre-release or development release, which pip skips
// unless asked for (or pinned).
func (v Version) IsPre() bool { return v.preKind != 0 || v.dev >= 0 }

// Compare orders versions the PEP 440 way: -1, 0 or 1.
func (v Version) Compare(w Version) int {
	if c := compareRelease(v.release, w.release); c != 0 {
		return c
	}
	// A dev release of a final version sorts before its pre-releases.
	if c := cmpInt(v.preKey(), w.preKey()); c != 0 {
		return c
	}
	if c := cmpInt(v.pre, w.pre); c != 0 && v.preKind != 0 {
		return c
	}
	if c := cmpInt(v.post, w.post); c != 0 {
		return c
	}
	return cmpInt(devKey(v.dev), devKey(w.dev))
}

func (v Version) preKey() int {
	switch {
	case v.preKind != 0:
		return int(v.preKind) // 'a' < 'b' < 'c'
	case v.dev >= 0 && v.post < 0:
		return 0 // 1.0.dev1 < 1.0a1
	}
	return 1 << 20 // a final release after every pre-release
}

func devKey(d int) int {
	if d < 0 {
		return 1 << 30
	}
	return d
}

func compareRelease(a, b []int) int {
	n := max(len(a), len(b))
	for i := range n {
		x, y := at(a, i), at(b, i)
		if c := cmpInt(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func at(a []int, i int) int {
	if i < len(a) {
		return a[i]
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
