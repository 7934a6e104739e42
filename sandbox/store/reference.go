package store

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// The grammar is docker's (distribution/reference): learners type the same
// names here as for a real engine, so they must be accepted and refused the
// same way.
var (
	pathComponent = `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
	domainPart    = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	domainAndPort = `(?:` + domainPart + `(?:\.` + domainPart + `)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?`
	nameRe        = `(?:` + domainAndPort + `/)?` + pathComponent + `(?:/` + pathComponent + `)*`
	tagRe         = `[\w][\w.-]{0,127}`
	digestRe      = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`

	referenceRegexp = regexp.MustCompile(`^(` + nameRe + `)(?::(` + tagRe + `))?(?:@(` + digestRe + `))?$`)
	hex64Regexp     = regexp.MustCompile(`^[a-f0-9]{64}$`)
	shortIDRegexp   = regexp.MustCompile(`^(?:sha256:)?[a-f0-9]{1,64}$`)
)

const (
	defaultDomain = "docker.io"
	officialRepo  = "library/"
	defaultTag    = "latest"
	maxNameLength = 255
)

// ErrInvalidReference is wrapped by every reference parse error; its text
// is docker's.
var ErrInvalidReference = errors.New("invalid reference format")

// Reference is a normalised image reference: docker.io/library/alpine:3.20.
type Reference struct {
	Domain string // docker.io, localhost:5000, ...
	Path   string // library/alpine
	Tag    string // empty when only a digest was given
	Digest string // sha256:..., empty for a tag reference
}

// ParseReference parses and normalises a reference the way docker's
// ParseNormalizedNamed does: "alpine" is docker.io/library/alpine. A missing
// tag is not filled in; see WithDefaultTag.
func ParseReference(s string) (Reference, error) {
	if hex64Regexp.MatchString(s) {
		return Reference{}, fmt.Errorf("invalid repository name (%s), cannot specify 64-byte hexadecimal strings", s)
	}
	domain, remainder := splitDockerDomain(s)
	remoteName := remainder
	if i := strings.IndexAny(remainder, ":@"); i >= 0 {
		remoteName = remainder[:i]
	}
	if strings.ToLower(remoteName) != remoteName {
		return Reference{}, fmt.Errorf("%w: repository name (%s) must be lowercase", ErrInvalidReference, remoteName)
	}
	full := domain + "/" + remainder
	m := referenceRegexp.FindStringSubmatch(full)
	if m == nil {
		if s == "" {
			return Reference{}, fmt.Errorf("%w: repository name must have at least one component", ErrInvalidReference)
		}
		return Reference{}, ErrInvalidReference
	}
	if len(m[1]) > maxNameLength {
		return Reference{}, fmt.Errorf("%w: repository name must not be more than %d characters", ErrInvalidReference, maxNameLength)
	}
	name := m[1]
	i := strings.IndexByte(name, '/')
	return Reference{Domain: name[:i], Path: name[i+1:], Tag: m[2], Digest: m[3]}, nil
}

// splitDockerDomain separates a registry host from the path; the first
// component is a host only if it looks like one (a dot, a port, localhost).
func splitDockerDomain(s string) (domain, remainder string) {
	i := strings.IndexByte(s, '/')
	if i == -1 || (!strings.ContainsAny(s[:i], ".:") && s[:i] != "localhost" && strings.ToLower(s[:i]) == s[:i]) {
		domain, remainder = defaultDomain, s
	} else {
		domain, remainder = s[:i], s[i+1:]
	}
	if domain == "index.docker.io" {
		domain = defaultDomain
	}
	if domain == defaultDomain && !strings.ContainsRune(remainder, '/') {
		remainder = officialRepo + remainder
	}
	return domain, remainder
}

// WithDefaultTag adds :latest to a reference that has neither tag nor digest.
func (r Reference) WithDefaultTag() Reference {
	if r.Tag == "" && r.Digest == "" {
		r.Tag = defaultTag
	}
	return r
}

// Name is the full repository name: docker.io/library/alpine.
func (r Reference) Name() string { return r.Domain + "/" + r.Path }

// String is the full normalised reference.
func (r Reference) String() string { return r.Name() + r.suffix() }

func (r Reference) suffix() string {
	s := ""
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// FamiliarName is the name as docker prints it: alpine, user/app,
// localhost:5000/app.
func (r Reference) FamiliarName() string {
	if r.Domain == defaultDomain {
		return strings.TrimPrefix(r.Path, officialRepo)
	}
	return r.Name()
}

// Familiar is the reference as docker prints it: alpine:latest.
func (r Reference) Familiar() string { return r.FamiliarName() + r.suffix() }

// familiarString shortens a full reference string kept in the index.
func familiarString(full string) string {
	r, err := ParseReference(full)
	if err != nil {
		return full
	}
	return r.Familiar()
}
