package dockerfile

import (
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary text through Parse and everything the engine
// calls afterwards: each must return a result or an *Error, never panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		seedDockerfile, multiStage,
		"FROM alpine\nRUN <<EOF\necho\nEOF\n",
		"# escape=`\nFROM alpine\nRUN echo `\n  hi\n",
		"FROM alpine\nCOPY <<A <<B /d/\na\nA\nb\nB\n",
		"FROM alpine\nRUN --mount=type=cache,target=/c,from=x true\n",
		"ARG A=${B:-x}\nFROM $A AS s\nCOPY --from=s / /\n",
		"FROM alpine\nONBUILD RUN x\nHEALTHCHECK CMD true\nSHELL [\"sh\"]\n",
	} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, src, target string) {
		d, err := Parse([]byte(src), "Dockerfile", map[string]string{"A": "alpine"})
		if err != nil {
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is %T, not *Error", err, err)
			}
			return
		}
		tgt, err := d.Target(target)
		if err != nil {
			return
		}
		for _, s := range d.Reachable(tgt) {
			_ = s.FromName("")
			for i, c := range s.Commands {
				env, err := d.EnvAt(s, c, nil)
				if err != nil {
					continue
				}
				_ = d.StepNameEnv(c, env)
				_ = d.Prefix(s, i+1)
				if IsStep(c) {
					_, _ = d.Copy(s, c, env)
				}
			}
		}
		_ = d.CheckImages(tgt, func(string) bool { return false })
	})
}
