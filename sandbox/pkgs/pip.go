package pkgs

import (
	"context"
	"fmt"
	"strings"

	"github.com/layerlab/learn/sandbox/pkgs/pyindex"
	"github.com/layerlab/learn/sandbox/tools"
)

// pipVersion is the pip an image's Python ships when its dist-info says
// nothing else (the python:3.14 images' ensurepip).
const pipVersion = "25.2"

// pipOptions are pip's command-line options, general and install's.
type pipOptions struct {
	cmd          string
	args         []string
	reqFiles     []string
	constraints  []string
	upgrade      bool
	user         bool
	noCache      bool
	quiet        int
	rootAction   string
	noDeps       bool
	force        bool
	yes          bool
	breakSystem  bool
	noWarnScript bool
	noVersionChk bool
	target       string
	all          bool // freeze --all
	format       string
}

// pipFlagsWithValue are options whose value may be the next argument.
var pipFlagsWithValue = map[string]bool{
	"-r": true, "--requirement": true, "-c": true, "--constraint": true,
	"--root-user-action": true, "-i": true, "--index-url": true, "--extra-index-url": true,
	"--trusted-host": true, "-f": true, "--find-links": true, "--progress-bar": true,
	"--only-binary": true, "--no-binary": true, "-t": true, "--target": true,
	"--cache-dir": true, "--timeout": true, "--retries": true, "--format": true,
	"--python-version": true, "--platform": true, "--prefix": true, "--root": true,
	"--use-feature": true, "--log": true, "--proxy": true, "--config-settings": true,
}

// Pip is pip, pip3 and pip3.X.
func Pip(ctx context.Context, p *tools.Proc) int {
	o := &pipOptions{rootAction: p.Getenv("PIP_ROOT_USER_ACTION")}
	o.noCache = envTrue(p.Getenv("PIP_NO_CACHE_DIR"))
	o.noVersionChk = envTrue(p.Getenv("PIP_DISABLE_PIP_VERSION_CHECK"))
	o.user = envTrue(p.Getenv("PIP_USER"))
	o.breakSystem = envTrue(p.Getenv("PIP_BREAK_SYSTEM_PACKAGES"))
	args := p.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "--") {
			name, hasVal = a, false
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if o.cmd == "" {
				o.cmd = a
			} else {
				o.args = append(o.args, a)
			}
			continue
		}
		if pipFlagsWithValue[name] && !hasVal {
			if len(name) == 2 && len(a) > 2 {
				val = a[2:] // -rrequirements.txt
			} else if i+1 < len(args) {
				i++
				val = args[i]
			} else {
				fmt.Fprintf(p.Stderr, "\nUsage:   \n  pip %s [options]\n\n%s option requires 1 argument\n", o.cmd, name)
				return 2
			}
		}
		switch name {
		case "-r", "--requirement":
			o.reqFiles = append(o.reqFiles, val)
		case "-c", "--constraint":
			o.constraints = append(o.constraints, val)
		case "-U", "--upgrade":
			o.upgrade = true
		case "--user":
			o.user = true
		case "--no-cache-dir", "--no-cache":
			o.noCache = true
		case "-q", "--quiet":
			o.quiet++
		case "-qq":
			o.quiet += 2
		case "--root-user-action":
			o.rootAction = val
		case "--no-deps":
			o.noDeps = true
		case "--force-reinstall":
			o.force = true
		case "-y", "--yes":
			o.yes = true
		case "--break-system-packages":
			o.breakSystem = true
		case "--no-warn-script-location":
			o.noWarnScript = true
		case "--disable-pip-version-check":
			o.noVersionChk = true
		case "-t", "--target":
			o.target = p.Abs(val)
		case "--all":
			o.all = true
		case "--format":
			o.format = val
		case "-V", "--version":
			if o.cmd == "" {
				o.cmd = "--version"
			}
		case "-h", "--help":
			o.cmd = "help"
		case "-v", "--verbose", "-vv", "-vvv", "--no-input", "--isolated", "--pre", "--prefer-binary",
			"--no-color", "--no-build-isolation", "--ignore-installed", "-I", "--compile", "--no-compile",
			"--require-hashes", "--no-index", "--no-python-version-warning", "--exists-action", "--outdated", "--uptodate",
			"--not-required", "--local", "-l", "--files", "-f", "--find-links", "-i", "--index-url", "--extra-index-url",
			"--trusted-host", "--progress-bar", "--only-binary", "--no-binary", "--cache-dir", "--timeout",
			"--retries", "--python-version", "--platform", "--prefix", "--root", "--use-feature", "--log",
			"--proxy", "--config-settings", "--upgrade-strategy":
			// Accepted for compatibility; the offline index has no use for them.
		default:
			if strings.HasPrefix(name, "-q") && strings.Trim(name[1:], "q") == "" {
				o.quiet += len(name) - 1
				continue
			}
			fmt.Fprintf(p.Stderr, "\nUsage:   \n  pip %s [options]\n\nno such option: %s\n", o.cmd, name)
			return 2
		}
	}
	env, ok := findPython(p)
	if !ok {
		fmt.Fprintf(p.Stderr, "%s: no Python installation found in this image (looked for /usr/local/lib/python3.*/site-packages and /usr/lib/python3.*)\n", p.Name())
		return 1
	}
	switch o.cmd {
	case "install":
		return pipInstall(ctx, p, o, env)
	case "uninstall":
		return pipUninstall(p, o, env)
	case "list":
		return pipList(p, o, env)
	case "freeze":
		return pipFreeze(p, o, env)
	case "show":
		return pipShow(p, o, env)
	case "--version":
		fmt.Fprintf(p.Stdout, "pip %s from %s/pip (python %s)\n", installedPipVersion(p, env), env.Site, env.Version)
		return 0
	case "", "help":
		fmt.Fprint(p.Stdout, pipUsage)
		return 0
	case "download", "wheel", "check", "config", "cache", "index", "inspect", "hash", "completion", "debug", "search":
		fmt.Fprintf(p.Stderr, "ERROR: pip %s is not available in the embedded sandbox (it installs from an offline index); use --engine docker\n", o.cmd)
		return 1
	}
	fmt.Fprintf(p.Stderr, "ERROR: unknown command \"%s\"\n", o.cmd)
	return 1
}

const pipUsage = `
Usage:   
  pip <command> [options]

Commands:
  install                     Install packages.
  uninstall                   Uninstall packages.
  freeze                      Output installed packages in requirements format.
  list                        List installed packages.
  show                        Show information about installed packages.
  help                        Show help for commands.

General Options:
  -h, --help                  Show help.
  -q, --quiet                 Give less output.
  -V, --version               Show version and exit.
  --no-cache-dir              Disable the cache.
`

func envTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// installedPipVersion is the version pip's own dist-info records.
func installedPipVersion(p *tools.Proc, env *pyEnv) string {
	if d := installedDists(p.FS, env.Site)["pip"]; d != nil {
		return d.Version.String()
	}
	return pipVersion
}

// pipSize is pip's format_size.
func pipSize(n int64) string {
	b := float64(n)
	switch {
	case b > 1000*1000:
		return fmt.Sprintf("%.1f MB", b/1e6)
	case b > 10*1000:
		return fmt.Sprintf("%d kB", int(b/1000))
	case b > 1000:
		return fmt.Sprintf("%.1f kB", b/1000)
	}
	return fmt.Sprintf("%d bytes", n)
}

// displayName is how pip names a project in "Successfully installed".
func displayName(key string) string {
	if pr := pyindex.Default().Project(key); pr != nil {
		return pr.Name
	}
	return key
}
