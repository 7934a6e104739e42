package markdown

import "strings"

// tokKind classifies a piece of highlighted code.
type tokKind int

const (
	tokPlain tokKind = iota
	tokKeyword
	tokCommand
	tokFlag
	tokString
	tokComment
	tokVariable
	tokPrompt
	tokOperator
)

var tokenStyle = map[tokKind]style{
	tokKeyword:  styleKeyword,
	tokCommand:  styleCommand,
	tokFlag:     styleFlag,
	tokString:   styleString,
	tokComment:  styleComment,
	tokVariable: styleVariable,
	tokPrompt:   stylePrompt,
	tokOperator: styleOperator,
}

type token struct {
	kind tokKind
	text string
}

// highlight splits each line of a code block into tokens. Only the
// languages lessons are about get highlighted; the rest is one plain token
// per line. Tokens concatenate back to exactly the input line.
func highlight(lang string, lines []string) [][]token {
	out := make([][]token, len(lines))
	lang = strings.ToLower(lang)
	switch lang {
	case "dockerfile", "docker", "containerfile":
		var st dockerState
		for i, l := range lines {
			out[i] = st.line(l)
		}
	case "sh", "bash", "shell", "zsh", "console", "shell-session":
		console := lang == "console" || lang == "shell-session"
		for _, l := range lines {
			if strings.HasPrefix(l, "$ ") {
				console = true // a prompt means the other lines are output
			}
		}
		var st shellState
		for i, l := range lines {
			out[i] = st.session(l, console)
		}
	default:
		for i, l := range lines {
			if l != "" {
				out[i] = []token{{tokPlain, l}}
			}
		}
	}
	return out
}

// tokens accumulates tokens, merging neighbours of the same kind.
type tokens []token

func (t *tokens) add(k tokKind, s string) {
	if s == "" {
		return
	}
	if n := len(*t); n > 0 && (*t)[n-1].kind == k {
		(*t)[n-1].text += s
		return
	}
	*t = append(*t, token{k, s})
}

// shellState carries what one line of shell leaves open for the next.
type shellState struct {
	cont    bool // previous line ended in a backslash
	cmdNext bool // ...right after an operator, so a command name comes next
	quote   byte // an unterminated quote, continued on this line
}

// session highlights a line of a shell block; in console mode only lines
// after a "$ " prompt (and their continuations) are commands.
func (s *shellState) session(l string, console bool) []token {
	var t tokens
	switch {
	case strings.HasPrefix(l, "$ "):
		*s = shellState{}
		t.add(tokPrompt, "$")
		t.add(tokPlain, " ")
		t = append(t, s.line(l[2:])...)
	case console && !s.cont && s.quote == 0:
		t.add(tokPlain, l)
	default:
		t = append(t, s.line(l)...)
	}
	return t
}

var shellKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "fi": true,
	"for": true, "in": true, "do": true, "done": true, "while": true,
	"until": true, "case": true, "esac": true, "function": true,
	"export": true, "local": true, "return": true,
}

// After these a command name is expected again.
var shellLeadKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "do": true,
	"while": true, "until": true, "sudo": true, "time": true, "exec": true,
	"export": true, "local": true, // so their NAME=value reads as an assignment
}

const shellMeta = " \t|&;()<>'\"$`\\#"

// line highlights one line of shell.
func (s *shellState) line(l string) []token {
	var t tokens
	cmdPos := !s.cont || s.cmdNext
	s.cont, s.cmdNext = false, false
	i := 0
	if s.quote != 0 {
		end := closeQuote(l, 0, s.quote)
		if end < 0 {
			t.add(tokString, l)
			return t
		}
		t.add(tokString, l[:end])
		s.quote = 0
		i, cmdPos = end, false // the quote was an argument
	}
	wordStart := i == 0
	for i < len(l) {
		c := l[i]
		switch {
		case c == ' ' || c == '\t':
			j := i
			for j < len(l) && (l[j] == ' ' || l[j] == '\t') {
				j++
			}
			t.add(tokPlain, l[i:j])
			i, wordStart = j, true
		case c == '#' && wordStart:
			t.add(tokComment, l[i:])
			return t
		case c == '\\':
			if i == len(l)-1 {
				s.cont, s.cmdNext = true, cmdPos
				t.add(tokPlain, "\\")
				return t
			}
			t.add(tokPlain, l[i:i+2])
			i, wordStart = i+2, false
		case c == '\'' || c == '"' || c == '`':
			end := closeQuote(l, i+1, c)
			if end < 0 {
				t.add(tokString, l[i:])
				s.quote = c
				return t
			}
			t.add(tokString, l[i:end])
			i, wordStart, cmdPos = end, false, false
		case c == '$':
			j := variableEnd(l, i)
			if strings.HasPrefix(l[i:], "$(") {
				t.add(tokOperator, l[i:j])
				cmdPos = true
			} else {
				t.add(tokVariable, l[i:j])
			}
			i, wordStart = j, j > i+1 && l[j-1] == '('
		case strings.ContainsRune("|&;()<>", rune(c)):
			j := i
			for j < len(l) && strings.ContainsRune("|&;()<>", rune(l[j])) {
				j++
			}
			if l[j-1] == '&' && strings.ContainsAny(l[i:j], "<>") {
				for j < len(l) && (l[j] >= '0' && l[j] <= '9' || l[j] == '-') {
					j++ // the target of a descriptor copy: 2>&1
				}
			}
			op := l[i:j]
			t.add(tokOperator, op)
			i, wordStart = j, true
			if !strings.ContainsAny(op, "<>") && op != ")" {
				cmdPos = true
			}
		default:
			j := i
			for j < len(l) && !strings.ContainsRune(shellMeta, rune(l[j])) {
				j++
			}
			if j == i {
				j++ // a '#' inside a word: always make progress
			}
			// A digit glued to a redirection ("2>&1") belongs to it.
			if j < len(l) && (l[j] == '>' || l[j] == '<') && isDigits(l[i:j]) {
				t.add(tokOperator, l[i:j])
				i = j
				continue
			}
			w := l[i:j]
			switch {
			case !wordStart:
				t.add(tokPlain, w)
			case strings.HasPrefix(w, "-"):
				if k := strings.IndexByte(w, '='); k > 0 {
					t.add(tokFlag, w[:k+1])
					t.add(tokPlain, w[k+1:])
				} else {
					t.add(tokFlag, w)
				}
			case cmdPos && isAssignment(w):
				k := strings.IndexByte(w, '=')
				t.add(tokVariable, w[:k+1])
				t.add(tokPlain, w[k+1:])
			case cmdPos && shellKeywords[w]:
				t.add(tokKeyword, w)
				cmdPos = shellLeadKeywords[w]
			case cmdPos:
				t.add(tokCommand, w)
				cmdPos = shellLeadKeywords[w]
			case shellKeywords[w] && (w == "do" || w == "then" || w == "done" || w == "fi" || w == "in" || w == "esac"):
				t.add(tokKeyword, w)
			default:
				t.add(tokPlain, w)
			}
			i, wordStart = j, false
		}
	}
	return t
}

// closeQuote returns the index just past the quote q closing at or after
// from, or -1. Backslash escapes count only inside double quotes.
func closeQuote(l string, from int, q byte) int {
	for i := from; i < len(l); i++ {
		switch l[i] {
		case '\\':
			if q != '\'' {
				i++
			}
		case q:
			return i + 1
		}
	}
	return -1
}

// variableEnd returns the end of a "$NAME", "${...}", "$(" or "$1" at i.
func variableEnd(l string, i int) int {
	j := i + 1
	if j >= len(l) {
		return j
	}
	switch l[j] {
	case '{':
		if k := strings.IndexByte(l[j:], '}'); k >= 0 {
			return j + k + 1
		}
		return len(l)
	case '(':
		return j + 1
	}
	if strings.IndexByte("?!#@*$-0123456789", l[j]) >= 0 {
		return j + 1
	}
	for j < len(l) && isIdent(l[j]) {
		j++
	}
	return j
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isAssignment reports "NAME=value", a variable set before a command.
func isAssignment(w string) bool {
	k := strings.IndexByte(w, '=')
	if k <= 0 || w[0] >= '0' && w[0] <= '9' {
		return false
	}
	for i := 0; i < k; i++ {
		if !isIdent(w[i]) {
			return false
		}
	}
	return true
}

var dockerInstructions = map[string]bool{
	"FROM": true, "RUN": true, "CMD": true, "LABEL": true, "MAINTAINER": true,
	"EXPOSE": true, "ENV": true, "ADD": true, "COPY": true, "ENTRYPOINT": true,
	"VOLUME": true, "USER": true, "WORKDIR": true, "ARG": true, "ONBUILD": true,
	"STOPSIGNAL": true, "HEALTHCHECK": true, "SHELL": true,
}

// dockerState carries an instruction across backslash continuations.
type dockerState struct {
	cont  bool
	instr string
	sh    shellState // RUN's shell form is highlighted as shell
}

// line highlights one Dockerfile line: the instruction keyword, then its
// arguments — as shell for RUN, else flags, strings and variables.
func (d *dockerState) line(l string) []token {
	var t tokens
	body := strings.TrimLeft(l, " \t")
	t.add(tokPlain, l[:len(l)-len(body)])
	if strings.HasPrefix(body, "#") {
		t.add(tokComment, body) // comments (and directives) may sit inside continuations
		return t
	}
	if !d.cont {
		d.instr = ""
		d.sh = shellState{}
		word := body
		if k := strings.IndexAny(body, " \t"); k >= 0 {
			word = body[:k]
		}
		if up := strings.ToUpper(word); dockerInstructions[up] {
			t.add(tokKeyword, word)
			body = body[len(word):]
			d.instr = up
			if up == "ONBUILD" { // ONBUILD RUN ...: the next word is an instruction too
				sp := body[:len(body)-len(strings.TrimLeft(body, " \t"))]
				t.add(tokPlain, sp)
				body = body[len(sp):]
				word = body
				if k := strings.IndexAny(body, " \t"); k >= 0 {
					word = body[:k]
				}
				if up := strings.ToUpper(word); dockerInstructions[up] {
					t.add(tokKeyword, word)
					body = body[len(word):]
					d.instr = up
				}
			}
		}
	}
	if d.instr == "RUN" && !strings.HasPrefix(strings.TrimSpace(body), "[") {
		t = append(t, d.sh.line(body)...)
		d.cont = d.sh.cont
		return t
	}
	t = append(t, dockerArgs(body, d.instr)...)
	d.cont = strings.HasSuffix(strings.TrimRight(l, " \t"), "\\")
	return t
}

// dockerArgs highlights the arguments of instructions other than RUN.
func dockerArgs(l, instr string) []token {
	var t tokens
	wordStart := true
	for i := 0; i < len(l); {
		c := l[i]
		switch {
		case c == ' ' || c == '\t':
			t.add(tokPlain, l[i:i+1])
			i, wordStart = i+1, true
		case c == '"' || c == '\'':
			end := closeQuote(l, i+1, c)
			if end < 0 {
				end = len(l)
			}
			t.add(tokString, l[i:end])
			i, wordStart = end, false
		case c == '$':
			j := variableEnd(l, i)
			t.add(tokVariable, l[i:j])
			i, wordStart = j, false
		default:
			j := i
			for j < len(l) && !strings.ContainsRune(" \t\"'$", rune(l[j])) {
				j++
			}
			w := l[i:j]
			switch {
			case wordStart && strings.HasPrefix(w, "--"):
				if k := strings.IndexByte(w, '='); k > 0 {
					t.add(tokFlag, w[:k+1])
					t.add(tokPlain, w[k+1:])
				} else {
					t.add(tokFlag, w)
				}
			case wordStart && instr == "FROM" && strings.EqualFold(w, "AS"):
				t.add(tokKeyword, w)
			case wordStart && (instr == "ENV" || instr == "ARG" || instr == "LABEL") && isAssignment(w):
				k := strings.IndexByte(w, '=')
				t.add(tokVariable, w[:k+1])
				t.add(tokPlain, w[k+1:])
			default:
				t.add(tokPlain, w)
			}
			i, wordStart = j, false
		}
	}
	return t
}
