package markdown

import (
	"reflect"
	"strings"
	"testing"
)

// tk builds expected tokens compactly: kind letter, text, kind letter, text...
// Letters: p plain, k keyword, c command, f flag, s string, # comment,
// v variable, $ prompt, o operator.
func tk(parts ...string) []token {
	kinds := map[string]tokKind{
		"p": tokPlain, "k": tokKeyword, "c": tokCommand, "f": tokFlag, "s": tokString,
		"#": tokComment, "v": tokVariable, "$": tokPrompt, "o": tokOperator,
	}
	var out []token
	for i := 0; i+1 < len(parts); i += 2 {
		out = append(out, token{kinds[parts[i]], parts[i+1]})
	}
	return out
}

func TestHighlightShell(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want [][]token
	}{
		{"command and flags", []string{"docker run --rm -it alpine"},
			[][]token{tk("c", "docker", "p", " run ", "f", "--rm", "p", " ", "f", "-it", "p", " alpine")}},
		{"flag with value", []string{"docker build --tag=app ."},
			[][]token{tk("c", "docker", "p", " build ", "f", "--tag=", "p", "app .")}},
		{"strings and comment", []string{`echo "a b" 'c' # done`},
			[][]token{tk("c", "echo", "p", " ", "s", `"a b"`, "p", " ", "s", "'c'", "p", " ", "#", "# done")}},
		{"hash inside a word is not a comment", []string{"echo a#b"},
			[][]token{tk("c", "echo", "p", " a#b")}},
		{"pipeline starts a new command", []string{"ps aux | grep x && ls"},
			[][]token{tk("c", "ps", "p", " aux ", "o", "|", "p", " ", "c", "grep", "p", " x ", "o", "&&", "p", " ", "c", "ls")}},
		{"variables", []string{"echo $HOME ${USER:-x} $1"},
			[][]token{tk("c", "echo", "p", " ", "v", "$HOME", "p", " ", "v", "${USER:-x}", "p", " ", "v", "$1")}},
		{"command substitution", []string{"echo $(date)"},
			[][]token{tk("c", "echo", "p", " ", "o", "$(", "c", "date", "o", ")")}},
		{"redirection", []string{"make 2>&1 >out"},
			[][]token{tk("c", "make", "p", " ", "o", "2>&1", "p", " ", "o", ">", "p", "out")}},
		{"assignment before command", []string{"FOO=1 env"},
			[][]token{tk("v", "FOO=", "p", "1 ", "c", "env")}},
		{"keywords", []string{"if true; then ls; fi"},
			[][]token{tk("k", "if", "p", " ", "c", "true", "o", ";", "p", " ", "k", "then", "p", " ", "c", "ls", "o", ";", "p", " ", "k", "fi")}},
		{"sudo keeps command position", []string{"sudo apt-get install"},
			[][]token{tk("c", "sudo", "p", " ", "c", "apt-get", "p", " install")}},
		{"continuation is not a new command", []string{"docker run \\", "  alpine"},
			[][]token{tk("c", "docker", "p", " run \\"), tk("p", "  alpine")}},
		{"continuation after operator is", []string{"true && \\", "  ls"},
			[][]token{tk("c", "true", "p", " ", "o", "&&", "p", " \\"), tk("p", "  ", "c", "ls")}},
		{"string across lines", []string{"echo 'a", "b' c"},
			[][]token{tk("c", "echo", "p", " ", "s", "'a"), tk("s", "b'", "p", " c")}},
		{"prompt makes a session", []string{"$ docker ps", "CONTAINER ID", "$ ls"},
			[][]token{tk("$", "$", "p", " ", "c", "docker", "p", " ps"), tk("p", "CONTAINER ID"), tk("$", "$", "p", " ", "c", "ls")}},
		{"unterminated string", []string{`echo "oops`},
			[][]token{tk("c", "echo", "p", " ", "s", `"oops`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := highlight("sh", tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestHighlightConsole(t *testing.T) {
	got := highlight("console", []string{"hello --world", "$ echo"})
	want := [][]token{tk("p", "hello --world"), tk("$", "$", "p", " ", "c", "echo")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestHighlightDockerfile(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want [][]token
	}{
		{"comment", []string{"# syntax=docker/dockerfile:1"},
			[][]token{tk("#", "# syntax=docker/dockerfile:1")}},
		{"from as", []string{"FROM golang:1.22 AS build"},
			[][]token{tk("k", "FROM", "p", " golang:1.22 ", "k", "AS", "p", " build")}},
		{"lower-case instruction", []string{"from alpine"},
			[][]token{tk("k", "from", "p", " alpine")}},
		{"copy from flag", []string{"COPY --from=build /a /b"},
			[][]token{tk("k", "COPY", "p", " ", "f", "--from=", "p", "build /a /b")}},
		{"run is shell", []string{"RUN --mount=type=cache apt-get update && \\", "    apt-get install -y curl"},
			[][]token{
				tk("k", "RUN", "p", " ", "f", "--mount=", "p", "type=cache ", "c", "apt-get", "p", " update ", "o", "&&", "p", " \\"),
				tk("p", "    ", "c", "apt-get", "p", " install ", "f", "-y", "p", " curl"),
			}},
		{"exec form strings", []string{`CMD ["app", "--serve"]`},
			[][]token{tk("k", "CMD", "p", " [", "s", `"app"`, "p", ", ", "s", `"--serve"`, "p", "]")}},
		{"env assignment and variable", []string{`ENV A="x" B=$C`},
			[][]token{tk("k", "ENV", "p", " ", "v", "A=", "s", `"x"`, "p", " ", "v", "B=$C")}},
		{"continued args are not instructions", []string{"LABEL a=b \\", "  FROM=x"},
			[][]token{tk("k", "LABEL", "p", " ", "v", "a=", "p", "b \\"), tk("p", "  ", "v", "FROM=", "p", "x")}},
		{"onbuild", []string{"ONBUILD RUN make"},
			[][]token{tk("k", "ONBUILD", "p", " ", "k", "RUN", "p", " ", "c", "make")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := highlight("dockerfile", tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

// Tokens must always add back up to the input line, whatever it holds.
func TestHighlightRoundTrip(t *testing.T) {
	lines := []string{"", "\\", "$", "${", "'", "\"\\", "2>&", "RUN", "ONBUILD", "# x", "a=b=c", "$(", "--=", "FROM AS as"}
	for _, lang := range []string{"sh", "console", "dockerfile", "text"} {
		out := highlight(lang, lines)
		for i, toks := range out {
			var b strings.Builder
			for _, tk := range toks {
				b.WriteString(tk.text)
			}
			if b.String() != lines[i] {
				t.Errorf("%s: tokens of %q join to %q", lang, lines[i], b.String())
			}
		}
	}
}
