package checker

import "regexp"

// compile is regexp.Compile; `matches` patterns are Go regular expressions
// applied to each line (multi-line mode), like testscript's.
func compile(pattern string) (*regexp.Regexp, error) { return regexp.Compile("(?m)" + pattern) }
