package pyindex

import (
	"fmt"
	"path"
	"strings"
)

// ReqLine is one requirement read from a requirements file.
type ReqLine struct {
	Req Requirement
	// From is pip's "comes from" text: "-r requirements.txt (line 3)".
	From string
	// Constraint marks lines from a -c file: they limit versions but do
	// not ask for installation.
	Constraint bool
}

// ReqFileError is a requirements-file problem, worded the way pip words it.
type ReqFileError struct {
	File string
	Line int
	Text string // the offending line
	Msg  string // pip's message, without the "ERROR: " prefix
}

func (e *ReqFileError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ReadFile returns a file's text; errors say why it cannot be opened.
type ReadFile func(name string) (string, error)

// maxDepth bounds -r nesting, since a file may include itself.
const maxDepth = 16

// ParseRequirementsFile reads name (as given on the command line) and the
// files it includes with -r/-c, the way pip reads requirements files:
// comments, blank lines, backslash continuations, per-line --hash
// options, and the global options pip accepts there (index URLs and the
// like, which an offline index ignores).
func ParseRequirementsFile(name string, read ReadFile) ([]ReqLine, error) {
	return parseReqFile(name, read, false, 0)
}

func parseReqFile(name string, read ReadFile, constraint bool, depth int) ([]ReqLine, error) {
	if depth > maxDepth {
		return nil, &ReqFileError{File: name, Msg: "Could not open requirements file: too many nested -r includes: " + name}
	}
	text, err := read(name)
	if err != nil {
		return nil, &ReqFileError{File: name, Msg: fmt.Sprintf("Could not open requirements file: %v", err)}
	}
	var out []ReqLine
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := lines[i]
		// A trailing backslash joins the next physical line; pip reports
		// the logical line by its first physical line.
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			line = strings.TrimSuffix(line, "\\") + lines[i]
		}
		line = strings.TrimSuffix(line, "\\")
		line = stripComment(line)
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		bad := func(msg string) error {
			return &ReqFileError{File: name, Line: lineNo, Text: line, Msg: msg}
		}
		if strings.HasPrefix(line, "-") {
			opt, val := splitOption(line)
			switch opt {
			case "-r", "--requirement", "-c", "--constraint":
				if val == "" {
					return nil, bad(fmt.Sprintf("Invalid requirement: %q: %s option requires 1 argument", line, opt))
				}
				inc := val
				if !path.IsAbs(inc) && !strings.Contains(inc, "://") {
					inc = path.Join(path.Dir(name), inc)
					if !strings.Contains(name, "/") {
						inc = val
					}
				}
				sub, err := parseReqFile(inc, read, constraint || opt == "-c" || opt == "--constraint", depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
			case "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
				"--no-binary", "--only-binary", "--prefer-binary", "--pre", "--require-hashes",
				"--no-index", "--use-feature":
				// Global options: meaningful to a networked pip, not to
				// the offline index.
			case "-e", "--editable":
				return nil, bad(fmt.Sprintf("Invalid requirement: %q: editable installs need the project's source; the embedded sandbox installs from its offline index only", line))
			default:
				return nil, bad(fmt.Sprintf("Invalid requirement: %q: unknown option %s", line, opt))
			}
			continue
		}
		spec := stripLineOptions(line)
		if looksLikePath(spec) {
			return nil, bad(fmt.Sprintf("Invalid requirement: %q: local paths and URLs cannot be installed from the offline index", spec))
		}
		req, err := ParseRequirement(spec)
		if err != nil {
			msg := fmt.Sprintf("Invalid requirement: '%s'", spec)
			if strings.Contains(spec, "=") && !strings.ContainsAny(spec, "<>!~") && !strings.Contains(spec, "==") {
				msg += "\nHint: = is not a valid operator. Did you mean == ?"
			}
			return nil, bad(msg)
		}
		if req.URL != "" {
			return nil, bad(fmt.Sprintf("Invalid requirement: %q: direct URL requirements cannot be installed from the offline index", spec))
		}
		from := fmt.Sprintf("-r %s (line %d)", name, lineNo)
		if constraint {
			from = fmt.Sprintf("-c %s (line %d)", name, lineNo)
		}
		out = append(out, ReqLine{Req: req, From: from, Constraint: constraint})
	}
	return out, nil
}

// stripComment removes "#..." when it starts the line or follows
// whitespace, as pip does (so URLs with fragments survive).
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// splitOption splits "-r file", "-rfile", "--requirement=file".
func splitOption(line string) (opt, val string) {
	if strings.HasPrefix(line, "--") {
		o, v, ok := strings.Cut(line, "=")
		if ok {
			return o, strings.TrimSpace(v)
		}
		o, v, _ = strings.Cut(line, " ")
		return o, strings.TrimSpace(v)
	}
	if len(line) > 2 && line[2] != ' ' && line[2] != '\t' {
		return line[:2], strings.TrimSpace(line[2:])
	}
	o, v, _ := strings.Cut(line, " ")
	return o, strings.TrimSpace(v)
}

// stripLineOptions drops per-requirement options (--hash=..., --config-settings).
func stripLineOptions(line string) string {
	if i := strings.Index(line, " --"); i >= 0 {
		return strings.TrimSpace(line[:i])
	}
	return line
}

func looksLikePath(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.Contains(s, "://") ||
		strings.HasSuffix(s, ".whl") || strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".zip")
}
