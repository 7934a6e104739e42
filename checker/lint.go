package checker

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/layerlab/learn/sandbox/dockerfile"
)

// Finding is one lint rule broken at a line.
type Finding struct {
	Rule string // DL3042, LL001, or a BuildKit rule name
	Line int
	Why  string // the one-line reason
	Fix  string // what to change
}

func (f Finding) String() string {
	return fmt.Sprintf("line %d: %s %s (fix: %s)", f.Line, f.Rule, f.Why, f.Fix)
}

var (
	pipInstall  = regexp.MustCompile(`\bpip3?\s+install\b`)
	aptInstall  = regexp.MustCompile(`\bapt(-get)?\s+(-\S+\s+)*install\b`)
	aptLists    = regexp.MustCompile(`rm\s+-[rf]+\s+/var/lib/apt/lists`)
	depsInstall = regexp.MustCompile(`\b(pip3?\s+install\s+.*-r\b|npm\s+(ci|install)\b|poetry\s+install\b|bundle\s+install\b|go\s+mod\s+download\b)`)
)

// Lint checks a Dockerfile against BuildKit's lint rules and the teaching
// rules of hadolint's spirit the lessons use.
func Lint(src []byte) ([]Finding, error) {
	df, err := dockerfile.Parse(src, "Dockerfile", nil)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, w := range df.Warnings {
		out = append(out, Finding{Rule: w.Rule, Line: w.Line, Why: w.Message, Fix: "see " + w.URL})
	}
	add := func(rule string, line int, why, fix string) {
		out = append(out, Finding{Rule: rule, Line: line, Why: why, Fix: fix})
	}
	stageNames := map[string]bool{}
	for _, st := range df.Stages {
		if st.Name != "" {
			stageNames[st.Name] = true
		}
	}
	for _, st := range df.Stages {
		if st.BaseStage == nil && st.Base != "scratch" && !stageNames[st.Base] {
			ref := st.Base
			if i := strings.LastIndex(ref, "/"); i >= 0 {
				ref = ref[i+1:]
			}
			switch {
			case strings.Contains(ref, "@"):
			case !strings.Contains(ref, ":"):
				add("DL3006", st.Line, "the base image has no tag, so a rebuild may get a different image", "pin a tag, e.g. FROM python:3.14-slim")
			case strings.HasSuffix(ref, ":latest"):
				add("DL3007", st.Line, "latest moves: a rebuild may get a different image", "pin a version tag, e.g. python:3.14-slim")
			}
		}
		lastUser, userLine := "", 0
		prevRun := false
		installedDeps := false
		for _, c := range st.Commands {
			line := dockerfile.Line(c)
			isRun := false
			switch c := c.(type) {
			case *instructions.RunCommand:
				isRun = true
				cmd := strings.Join(c.CmdLine, " ")
				if prevRun {
					add("DL3059", line, "consecutive RUN instructions each make a layer", "join them with && in one RUN")
				}
				if pipInstall.MatchString(cmd) && !strings.Contains(cmd, "--no-cache-dir") {
					add("DL3042", line, "pip keeps its download cache in the layer", "pip install --no-cache-dir ...")
				}
				if aptInstall.MatchString(cmd) {
					if !strings.Contains(cmd, "--no-install-recommends") {
						add("DL3015", line, "apt also installs recommended packages you did not ask for", "apt-get install -y --no-install-recommends ...")
					}
					if !aptLists.MatchString(cmd) {
						add("DL3009", line, "the apt package lists stay in the layer", "end the same RUN with && rm -rf /var/lib/apt/lists/*")
					}
				}
				if depsInstall.MatchString(cmd) {
					installedDeps = true
				}
			case *instructions.CopyCommand:
				if c.From == "" && !installedDeps && copiesSource(c.SourcePaths) && installsLater(st, c) {
					add("LL001", line, "the source is copied before dependencies are installed, so every code edit reinstalls them", "COPY the dependency files (requirements.txt) and install them first; COPY the source after")
				}
			case *instructions.AddCommand:
				if !addNeeded(c.SourcePaths) {
					add("DL3020", line, "ADD also fetches URLs and unpacks archives, which plain files do not need", "use COPY")
				}
			case *instructions.WorkdirCommand:
				if !strings.HasPrefix(c.Path, "/") && !strings.HasPrefix(c.Path, "$") {
					add("DL3000", line, "a relative WORKDIR depends on the one before it", "use an absolute path, e.g. WORKDIR /app")
				}
			case *instructions.CmdCommand:
				if c.PrependShell {
					add("DL3025", line, "a shell-form CMD runs under /bin/sh, which does not pass stop signals on", `use the exec form: CMD ["python", "app.py"]`)
				}
			case *instructions.EntrypointCommand:
				if c.PrependShell {
					add("DL3025", line, "a shell-form ENTRYPOINT runs under /bin/sh, which does not pass stop signals on", `use the exec form: ENTRYPOINT ["python"]`)
				}
			case *instructions.UserCommand:
				lastUser, userLine = c.User, line
			}
			prevRun = isRun
		}
		if st == df.Stages[len(df.Stages)-1] && (lastUser == "root" || lastUser == "0") {
			add("DL3002", userLine, "the container would run as root", "switch to a non-root user last, e.g. USER app")
		}
	}
	return out, nil
}

// copiesSource reports a COPY of the whole context or a source folder.
func copiesSource(srcs []string) bool {
	for _, s := range srcs {
		s = strings.TrimPrefix(s, "./")
		if s == "." || s == "" || strings.HasPrefix(s, "src") || strings.HasSuffix(s, ".py") || s == "*" {
			return true
		}
	}
	return false
}

// installsLater reports a dependency install after c in the stage.
func installsLater(st *dockerfile.Stage, c instructions.Command) bool {
	after := false
	for _, o := range st.Commands {
		if o == c {
			after = true
			continue
		}
		if r, ok := o.(*instructions.RunCommand); ok && after && depsInstall.MatchString(strings.Join(r.CmdLine, " ")) {
			return true
		}
	}
	return false
}

// addNeeded reports sources that only ADD handles: URLs and archives.
func addNeeded(srcs []string) bool {
	for _, s := range srcs {
		for _, suffix := range []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"} {
			if strings.HasSuffix(s, suffix) {
				return true
			}
		}
		if strings.Contains(s, "://") || strings.HasPrefix(s, "git@") {
			return true
		}
	}
	return false
}
