package python

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/layerlab/learn/sandbox/tools"
)

// Tools returns python, python3 and python3.N for every minor version an
// image may ship; the shell only runs them when the image has an
// executable of that name on its PATH.
func Tools() tools.Registry {
	r := tools.Registry{"python": Tool, "python3": Tool}
	for n := 0; n <= 20; n++ {
		r[fmt.Sprintf("python3.%d", n)] = Tool
	}
	return r
}

const usage = "usage: %s [option] ... [-c cmd | -m mod | file | -] [arg] ...\nTry `python -h' for more information.\n"

// ParseArgs reads a python command line (without argv[0]) the way CPython
// does. A non-empty message is what python prints before exiting with 2.
func ParseArgs(args []string) (prog Program, version bool, msg string) {
	prog.Kind = "stdin"
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			break
		}
		switch a {
		case "--version":
			return prog, true, ""
		case "--help", "-h", "-?":
			return prog, false, "help"
		}
		if strings.HasPrefix(a, "--") {
			return prog, false, fmt.Sprintf("unknown option %s\n", a)
		}
		args = args[1:]
		for i := 1; i < len(a); i++ {
			f := a[i]
			switch f {
			case 'c', 'm', 'W', 'X':
				val := a[i+1:]
				if val == "" {
					if len(args) == 0 {
						return prog, false, fmt.Sprintf("Argument expected for the -%c option\n", f)
					}
					val, args = args[0], args[1:]
				}
				switch f {
				case 'c':
					prog.Kind, prog.Code, prog.Args = "c", val, args
					return prog, false, ""
				case 'm':
					prog.Kind, prog.Code, prog.Args = "m", val, args
					return prog, false, ""
				default:
					prog.Flags = append(prog.Flags, "-"+string(f), val)
				}
				i = len(a)
			case 'V':
				return prog, true, ""
			case 'u', 'O', 'B', 'b', 'd', 'v', 'q', 'R', 'P':
				prog.Flags = append(prog.Flags, "-"+string(f))
			case 'E', 's', 'S', 'I':
				// The interpreter already starts isolated; the program's
				// own environment is the container's.
			case 'i':
				return prog, false, "interactive"
			default:
				return prog, false, fmt.Sprintf("Unknown option: -%c\n", f)
			}
		}
	}
	if len(args) > 0 && args[0] != "-" {
		prog.Kind, prog.Code, prog.Args = "file", args[0], args[1:]
		return prog, false, ""
	}
	if len(args) > 0 {
		args = args[1:] // "-": the script is stdin, argv[0] is "-"
		prog.Args = args
		prog.Code = "-"
		return prog, false, ""
	}
	return prog, false, ""
}

// Tool is python/python3: real CPython from the host, running against the
// container (see the package documentation).
func Tool(ctx context.Context, p *tools.Proc) int {
	prog, version, msg := ParseArgs(p.Args[1:])
	switch msg {
	case "":
	case "help":
		fmt.Fprintf(p.Stdout, usage, p.Name())
		return 0
	case "interactive":
		p.Errorf("interactive mode (-i) is not available in the embedded sandbox; use --engine docker")
		return 2
	default:
		fmt.Fprint(p.Stderr, msg)
		fmt.Fprintf(p.Stderr, usage, p.Name())
		return 2
	}
	img := ReadImage(p)
	if version {
		v := img.Version
		if v == "" {
			v = "3"
		}
		fmt.Fprintf(p.Stdout, "Python %s\n", v)
		return 0
	}
	if prog.Kind == "m" && prog.Code == "pip" {
		// The image's pip is the sandbox's pip, whichever way it is called.
		if p.Exec != nil {
			return p.Exec(ctx, p, append([]string{"pip"}, prog.Args...))
		}
	}
	in, err := FindInterpreter()
	if err != nil {
		p.Errorf("%v", err)
		if errors.Is(err, ErrNoInterpreter) {
			return 127
		}
		return 1
	}
	if p.Getenv("PYTHONUNBUFFERED") != "" {
		prog.Flags = append(prog.Flags, "-u")
	}
	pr, err := Start(ctx, p, in, img, prog)
	if err != nil {
		p.Errorf("%v", err)
		return 1
	}
	code, err := pr.Wait()
	if err != nil && ctx.Err() == nil {
		p.Errorf("%v", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
