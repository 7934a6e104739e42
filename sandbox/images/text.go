package images

import (
	"slices"
	"strings"
)

func splitLines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

func cut(s, sep string) (string, string, bool) { return strings.Cut(s, sep) }

func splitFields(s string, sep rune) []string { return strings.Split(s, string(sep)) }

// addLine appends an account to passwd/group text, as useradd/groupadd
// would in the real Dockerfile.
func addLine(db, line string) string { return db + line + "\n" }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
