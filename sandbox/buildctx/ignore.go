package buildctx

import (
	"path/filepath"
	"strings"
	"sync"

	"github.com/moby/patternmatcher"
)

// matcher applies .dockerignore the way the docker client's file sender
// (fsutil's filter) does while it walks the context: each path is matched
// using its parent directory's results, and an excluded directory is only
// entered when an exception ("!") pattern could re-include something in it.
type matcher struct {
	pm *patternmatcher.PatternMatcher
	// onlyPrefixExceptions: every exception is a literal path (no wildcard),
	// so an excluded directory no exception starts with can be skipped whole.
	onlyPrefixExceptions bool

	// patternmatcher is not safe for concurrent use, and a directory's
	// results are needed for every name inside it: remember them.
	mu   sync.Mutex
	dirs map[string]dirMatch
}

type dirMatch struct {
	info     patternmatcher.MatchInfo
	excluded bool
	// skip: excluded, and nothing inside can be re-included.
	skip bool
}

func newMatcher(patterns []string) (*matcher, error) {
	if len(patterns) == 0 {
		return &matcher{}, nil
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, err
	}
	m := &matcher{pm: pm, onlyPrefixExceptions: true, dirs: map[string]dirMatch{}}
	for _, p := range pm.Patterns() {
		if p.Exclusion() && strings.ContainsAny(withoutTrailingGlob(p), `*[]?^\`) {
			m.onlyPrefixExceptions = false
			break
		}
	}
	return m, nil
}

// withoutTrailingGlob drops a final "/*" or "/**" so "a/b/**" counts as the
// literal prefix "a/b".
func withoutTrailingGlob(p *patternmatcher.Pattern) string {
	s := p.String()
	s = strings.TrimSuffix(s, string(filepath.Separator)+"**")
	s = strings.TrimSuffix(s, string(filepath.Separator)+"*")
	return s
}

// state returns the match result of rel (a clean relative path, "" for the
// root) and whether the walk would skip it (an ancestor or rel itself is an
// excluded directory that no exception reaches into). isDir says whether rel
// is a directory: only directories can be skipped.
func (m *matcher) state(rel string, isDir bool) (excluded, skipped bool) {
	if m.pm == nil || rel == "" {
		return false, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	parent := m.dirLocked(parentOf(rel))
	if parent.skip {
		return true, true
	}
	d := m.matchLocked(rel, parent)
	if isDir {
		return d.excluded, d.skip
	}
	return d.excluded, false
}

func parentOf(rel string) string {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return ""
}

// dirLocked returns the results for directory rel, computing its ancestors'
// first: fsutil always matches a path with its parent's results in hand.
func (m *matcher) dirLocked(rel string) dirMatch {
	if rel == "" {
		return dirMatch{}
	}
	if d, ok := m.dirs[rel]; ok {
		return d
	}
	parent := m.dirLocked(parentOf(rel))
	var d dirMatch
	if parent.skip {
		d = dirMatch{excluded: true, skip: true}
	} else {
		d = m.matchLocked(rel, parent)
	}
	// A fuzzer can create unbounded distinct names; a build context cannot
	// grow large enough for this to matter, but keep the map bounded.
	if len(m.dirs) > 1<<16 {
		clear(m.dirs)
	}
	m.dirs[rel] = d
	return d
}

func (m *matcher) matchLocked(rel string, parent dirMatch) dirMatch {
	ok, info, err := m.pm.MatchesUsingParentResults(rel, parent.info)
	if err != nil {
		// A bad pattern is reported by Open; treat it as not matching here.
		return dirMatch{info: info}
	}
	d := dirMatch{info: info, excluded: ok}
	if ok {
		d.skip = m.skipDirLocked(rel)
	}
	return d
}

// skipDirLocked mirrors fsutil's shortcut for an excluded directory: with no
// exceptions at all, or only literal ones none of which lies inside rel, the
// walk does not enter it, so nothing below it can come back.
func (m *matcher) skipDirLocked(rel string) bool {
	if !m.onlyPrefixExceptions {
		return false
	}
	if !m.pm.Exclusions() {
		return true
	}
	dirSlash := filepath.FromSlash(rel) + string(filepath.Separator)
	for _, p := range m.pm.Patterns() {
		if !p.Exclusion() {
			continue
		}
		if strings.HasPrefix(withoutTrailingGlob(p)+string(filepath.Separator), dirSlash) {
			return false
		}
	}
	return true
}
