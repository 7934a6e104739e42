package pyindex

import (
	"fmt"
	"regexp"
	"strings"
)

// Requirement is a PEP 508 dependency: "pandas[performance]>=2.2,<3; python_version >= '3.10'".
type Requirement struct {
	Name      string // as written
	Extras    []string
	Specifier SpecifierSet
	Marker    *Marker
	// URL is set for "name @ url" requirements, which the offline index
	// cannot serve.
	URL string
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`)
var normRe = regexp.MustCompile(`[-_.]+`)

// Normalize is the PEP 503 name used to compare projects: "Python_Dateutil" → "python-dateutil".
func Normalize(name string) string {
	return strings.ToLower(normRe.ReplaceAllString(name, "-"))
}

// ParseRequirement parses one PEP 508 requirement string.
func ParseRequirement(s string) (Requirement, error) {
	var r Requirement
	src := strings.TrimSpace(s)
	body, marker, hasMarker := strings.Cut(src, ";")
	if hasMarker {
		m, err := ParseMarker(marker)
		if err != nil {
			return r, fmt.Errorf("invalid requirement %q: %v", src, err)
		}
		r.Marker = m
	}
	body = strings.TrimSpace(body)
	name := nameRe.FindString(body)
	if name == "" {
		return r, fmt.Errorf("invalid requirement: %q", src)
	}
	r.Name = name
	rest := strings.TrimSpace(body[len(name):])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return r, fmt.Errorf("invalid requirement: %q: missing ']'", src)
		}
		for e := range strings.SplitSeq(rest[1:end], ",") {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			if nameRe.FindString(e) != e {
				return r, fmt.Errorf("invalid requirement: %q: bad extra %q", src, e)
			}
			r.Extras = append(r.Extras, Normalize(e))
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	if strings.HasPrefix(rest, "@") {
		r.URL = strings.TrimSpace(rest[1:])
		if r.URL == "" {
			return r, fmt.Errorf("invalid requirement: %q: URL expected after '@'", src)
		}
		return r, nil
	}
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		rest = rest[1 : len(rest)-1]
	}
	set, err := ParseSpecifierSet(rest)
	if err != nil {
		return r, fmt.Errorf("invalid requirement: %q: %v", src, err)
	}
	r.Specifier = set
	return r, nil
}

// Key is the normalised project name.
func (r Requirement) Key() string { return Normalize(r.Name) }

// String is how pip names the requirement in messages:
// "numpy>=1.26.0", "uvicorn[standard]==0.38.0" (markers left out).
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	b.WriteString(r.Specifier.String())
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
	}
	return b.String()
}
