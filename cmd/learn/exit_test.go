package main

import (
	"strings"
	"testing"

	"github.com/layerlab/learn/iostreams"
)

// Exit codes are one policy for every command: 0 ok, 1 failure, 2 usage.
func TestExitCodes(t *testing.T) {
	t.Setenv("LEARN_LESSONS", "")
	t.Setenv("LEARN_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	cases := []struct {
		args    []string
		code    int
		errLine string // the single line printed on stderr, if any
	}{
		{[]string{"list"}, 0, ""},
		{[]string{"show", "01"}, 0, ""},
		{[]string{"show", "42"}, 2, `learn: unknown lesson "42"`},
		{[]string{"show", "04/0"}, 2, "learn: step 0 is out of range"},
		{[]string{"show"}, 2, "learn: accepts 1 arg(s), received 0"},
		{[]string{"nope"}, 2, `learn: unknown command "nope" for "learn"`},
		{[]string{"list", "--nope"}, 2, "learn: unknown flag: --nope"},
		{[]string{"next"}, 1, "learn: not in a learn workspace"},
		{[]string{"progress"}, 1, "learn: not in a learn workspace"},
		{[]string{"--lessons", "/no/such/dir", "list"}, 1, "learn: "},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			io, _, _, errOut := iostreams.Test()
			code := run(c.args, io)
			if code != c.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, c.code, errOut)
			}
			if c.errLine == "" {
				if errOut.Len() != 0 {
					t.Errorf("unexpected stderr %q", errOut)
				}
				return
			}
			if !strings.HasPrefix(errOut.String(), c.errLine) || strings.Count(errOut.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", errOut, c.errLine)
			}
		})
	}
}
