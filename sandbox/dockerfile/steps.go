package dockerfile

import (
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Copy is a COPY or ADD with its arguments expanded against the stage's env:
// everything the engine needs to select the sources and compute the key.
type Copy struct {
	Add      bool
	Sources  []string                     // paths (or URLs for ADD), expanded
	Contents []instructions.SourceContent // heredoc sources ("COPY <<EOF /file"), expanded when unquoted
	Dest     string                       // expanded, not yet made absolute against WORKDIR

	From      string // --from as written
	FromStage *Stage // --from naming a stage (by name or index)
	FromImage string // --from naming an image (normalised)

	Chown, Chmod string
	Link         bool
	Parents      bool     // --parents (COPY only)
	Exclude      []string // --exclude patterns, as written (BuildKit does not expand them)

	Checksum   string // ADD --checksum
	KeepGitDir *bool  // ADD --keep-git-dir
	Unpack     *bool  // ADD --unpack

	Line int
}

// Copy expands a COPY or ADD of stage s against env without changing the
// command (BuildKit's Expand works in place; the engine may build a stage
// twice). A COPY of a URL or git repository is refused with BuildKit's words.
func (d *Dockerfile) Copy(s *Stage, cmd instructions.Command, env []string) (*Copy, error) {
	lex := d.Lex()
	var out Copy
	var sd instructions.SourcesAndDest
	switch c := cmd.(type) {
	case *instructions.CopyCommand:
		sd = c.SourcesAndDest
		out = Copy{From: c.From, Chown: c.Chown, Chmod: c.Chmod, Link: c.Link, Parents: c.Parents, Exclude: slices.Clone(c.ExcludePatterns)}
	case *instructions.AddCommand:
		sd = c.SourcesAndDest
		out = Copy{Add: true, Chown: c.Chown, Chmod: c.Chmod, Link: c.Link, Exclude: slices.Clone(c.ExcludePatterns), Checksum: c.Checksum, KeepGitDir: c.KeepGitDir, Unpack: c.Unpack}
	default:
		return nil, d.errorf(Line(cmd), "%s is not COPY or ADD", strings.ToUpper(cmd.Name()))
	}
	out.Line = Line(cmd)
	fail := func(err error) (*Copy, error) { return nil, d.errorf(out.Line, "%v", err) }
	var err error
	if out.Sources, err = ExpandWords(lex, sd.SourcePaths, env); err != nil {
		return fail(err)
	}
	if out.Dest, err = ExpandWord(lex, sd.DestPath, env); err != nil {
		return fail(err)
	}
	for _, p := range []*string{&out.Chown, &out.Chmod, &out.Checksum} {
		if *p, err = ExpandWord(lex, *p, env); err != nil {
			return fail(err)
		}
	}
	// Heredoc bodies keep their quotes and use `\` whatever the escape
	// directive says, as in BuildKit's ExpandRaw.
	raw := shell.NewLex('\\')
	raw.SkipProcessQuotes = true
	for _, sc := range sd.SourceContents {
		if sc.Expand {
			if sc.Data, err = ExpandWord(raw, sc.Data, env); err != nil {
				return fail(err)
			}
		}
		out.Contents = append(out.Contents, sc)
	}
	for _, dep := range s.Deps {
		if dep.Cmd == cmd && dep.Mount < 0 {
			out.FromStage, out.FromImage = dep.Stage, dep.Image
		}
	}
	if !out.Add {
		for _, src := range out.Sources {
			if isGit(src) {
				return nil, d.errorf(out.Line, "source can't be a git ref for COPY")
			}
			if IsURL(src) {
				return nil, d.errorf(out.Line, "source can't be a URL for COPY")
			}
		}
	}
	return &out, nil
}

// URLs are the sources of an ADD that would be downloaded.
func (c *Copy) URLs() []string {
	var out []string
	for _, s := range c.Sources {
		if IsURL(s) {
			out = append(out, s)
		}
	}
	return out
}

// IsURL reports whether an ADD source is remote: an http(s) URL or a git
// repository (https://host/repo.git, git@host:repo, git://, ssh://). BuildKit
// downloads these; the sandbox has no network and must refuse them.
func IsURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") || isGit(src)
}

func isGit(src string) bool {
	for _, p := range []string{"git@", "git://", "ssh://"} {
		if strings.HasPrefix(src, p) {
			return true
		}
	}
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		// BuildKit: an http(s) URL is a git source when its path ends in
		// ".git" (a "#ref:subdir" fragment may follow).
		u, _, _ := strings.Cut(src, "#")
		u, _, _ = strings.Cut(u, "?")
		return strings.HasSuffix(u, ".git")
	}
	return false
}

// NoNetworkError is the sandbox's refusal of an ADD that would download src.
func (d *Dockerfile) NoNetworkError(c *Copy, src string) error {
	return d.errorf(c.Line, "ADD %s: no network in the sandbox: download the file into the build context and COPY it instead (or build with --engine docker)", src)
}

// Run is a RUN ready to execute, as BuildKit would run it.
type Run struct {
	// Shell is true for the shell form: Args is then one command string that
	// goes after the stage's SHELL (default ["/bin/sh", "-c"]).
	Shell bool
	// Args is the exec-form argv, or the shell-form command. For a RUN whose
	// only argument is a heredoc the command is its body, or, when the body
	// starts with "#!", the path of the script file in Files; other heredocs
	// are appended to the command line for the shell to read.
	Args []string
	// Files are heredoc scripts BuildKit mounts read-only at FilesDir.
	Files    []instructions.ShellInlineFile
	Heredocs []instructions.ShellInlineFile // all heredocs, as parsed
	Mounts   []Mount
	Network  string // --network: "default", "none" or "host"
	Security string // --security: "sandbox" or "insecure"
	Line     int
}

// FilesDir is where BuildKit mounts a "#!" heredoc script for RUN.
const FilesDir = "/dev/pipes/"

// Argv is the process to start: Args after shell (the stage's SHELL) for the
// shell form.
func (r *Run) Argv(shell []string) []string {
	if !r.Shell {
		return slices.Clone(r.Args)
	}
	if len(shell) == 0 {
		shell = []string{"/bin/sh", "-c"}
	}
	return append(slices.Clone(shell), strings.Join(r.Args, " "))
}

// Mount is a RUN --mount with its from= resolved.
type Mount struct {
	instructions.Mount
	FromStage *Stage // from= names a stage
	FromImage string // from= names an image (normalised)
}

// Run prepares a RUN of stage s against env: its mounts parsed and validated
// by BuildKit's runmount code (bind, cache, tmpfs, secret, ssh) with their
// variables expanded, the heredoc handling BuildKit applies, and --network
// and --security.
func (d *Dockerfile) Run(s *Stage, c *instructions.RunCommand, env []string) (*Run, error) {
	r := &Run{
		Shell:    c.PrependShell,
		Args:     slices.Clone(c.CmdLine),
		Heredocs: slices.Clone(c.Files),
		Network:  string(instructions.GetNetwork(c)),
		Security: instructions.GetSecurity(c),
		Line:     Line(c),
	}
	if r.Network == "" {
		r.Network = string(instructions.NetworkDefault)
	}
	if r.Security == "" {
		r.Security = "sandbox"
	}
	if len(c.Files) > 0 {
		if len(r.Args) != 1 || !c.PrependShell {
			return nil, d.errorf(r.Line, "parsing produced an invalid run command: %v", r.Args)
		}
		if parser.MustParseHeredoc(r.Args[0]) != nil {
			f := c.Files[0]
			data := f.Data
			if f.Chomp {
				data = parser.ChompHeredocContent(data)
			}
			if strings.HasPrefix(data, "#!") {
				f.Data = data
				r.Files = []instructions.ShellInlineFile{f}
				r.Args = []string{FilesDir + f.Name}
			} else {
				r.Args = []string{data}
			}
		} else {
			var b strings.Builder
			b.WriteString(r.Args[0])
			for _, f := range c.Files {
				b.WriteByte('\n')
				b.WriteString(f.Data)
				b.WriteString(f.Name)
			}
			r.Args = []string{b.String()}
		}
	}

	// Expand re-parses the --mount flags with an expander and stores the
	// result beside the command; it leaves the flags themselves alone, so it
	// is safe to repeat.
	lex := d.Lex()
	err := c.Expand(func(w string) (string, error) { return ExpandWord(lex, w, env) })
	if err != nil {
		return nil, d.errorf(r.Line, "%v", err)
	}
	for _, m := range instructions.GetMounts(c) {
		mm := Mount{Mount: *m}
		if m.From != "" {
			if st := d.stageByName(m.From); st != nil {
				mm.FromStage = st
			} else if img, err := NormalizeImage(m.From); err == nil {
				mm.FromImage = img
			} else {
				return nil, d.errorf(r.Line, "RUN --mount from=%s: no stage named %q, and it is not a valid image reference: %v", m.From, m.From, err)
			}
		}
		r.Mounts = append(r.Mounts, mm)
	}
	return r, nil
}
