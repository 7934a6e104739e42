package dockerfile

import (
	"errors"
	"regexp"
	"strings"
)

// The image reference grammar of the distribution spec. BuildKit validates and
// normalises FROM and COPY --from images with it; github.com/distribution/reference
// is not a dependency of this module, and the grammar is small.
var (
	refComponent = `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
	refDomain    = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?`
	refPath      = regexp.MustCompile(`^` + refComponent + `(?:/` + refComponent + `)*$`)
	refDomainRe  = regexp.MustCompile(`^` + refDomain + `$`)
	refTag       = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	refDigest    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)
)

const maxRefNameLen = 255

// NormalizeImage returns ref the way BuildKit names it in progress output:
// registry and "library/" made explicit and ":latest" added when there is no
// tag or digest ("python:3.14-slim" → "docker.io/library/python:3.14-slim").
// The error text follows distribution's ("invalid reference format...").
func NormalizeImage(ref string) (string, error) {
	name, digest, hasDigest := strings.Cut(ref, "@")
	if hasDigest && !refDigest.MatchString(digest) {
		return "", errors.New("invalid reference format")
	}
	tag := ""
	if i := strings.LastIndexByte(name, ':'); i > strings.LastIndexByte(name, '/') {
		name, tag = name[:i], name[i+1:]
		if !refTag.MatchString(tag) {
			return "", errors.New("invalid reference format")
		}
	}
	if name == "" {
		return "", errors.New("invalid reference format")
	}
	domain, remote := "docker.io", name
	if i := strings.IndexByte(name, '/'); i >= 0 {
		first := name[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" || strings.ToLower(first) != first {
			domain, remote = first, name[i+1:]
			if !refDomainRe.MatchString(domain) {
				return "", errors.New("invalid reference format")
			}
		}
	}
	if domain == "index.docker.io" {
		domain = "docker.io"
	}
	if domain == "docker.io" && !strings.Contains(remote, "/") {
		remote = "library/" + remote
	}
	if strings.ToLower(remote) != remote {
		return "", errors.New("invalid reference format: repository name (" + remote + ") must be lowercase")
	}
	if !refPath.MatchString(remote) {
		return "", errors.New("invalid reference format")
	}
	full := domain + "/" + remote
	if len(full) > maxRefNameLen {
		return "", errors.New("repository name must not be more than 255 characters")
	}
	switch {
	case tag != "" && hasDigest:
		return full + ":" + tag + "@" + digest, nil
	case hasDigest:
		return full + "@" + digest, nil
	case tag != "":
		return full + ":" + tag, nil
	}
	return full + ":latest", nil
}
