package tools

import (
	"fmt"
	"strings"
)

// opt is one parsed option: its key (the short letter, or the long name when
// it has no short form) and its argument.
type opt struct {
	key, val string
}

// optSpec describes a tool's options getopt_long style. short is a getopt
// string ("pm:" = -p, and -m taking a value); each long entry is
// "name", "name:" (takes a value) or "name::" (optional =value), optionally
// followed by "/x" to alias short option x.
type optSpec struct {
	short string
	long  []string
	// posix stops at the first operand (env, xargs, sh) instead of GNU's
	// permutation, so the command's own options are left alone.
	posix bool
}

type optErr struct{ msg string }

func (s optSpec) shortArg(c byte) (known, takesArg, optional bool) {
	i := strings.IndexByte(s.short, c)
	if i < 0 || c == ':' {
		return false, false, false
	}
	takesArg = i+1 < len(s.short) && s.short[i+1] == ':'
	optional = takesArg && i+2 < len(s.short) && s.short[i+2] == ':'
	return true, takesArg, optional
}

// parse splits args (without argv[0]) into options and operands.
func (s optSpec) parse(args []string) (opts []opt, operands []string, err *optErr) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			operands = append(operands, args[i+1:]...)
			return
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			var match string
			var matches int
			for _, l := range s.long {
				ln, _, _ := strings.Cut(l, "/")
				ln = strings.TrimRight(ln, ":")
				if ln == name {
					match, matches = l, 1
					break
				}
				if strings.HasPrefix(ln, name) {
					match = l
					matches++
				}
			}
			if matches == 0 {
				return nil, nil, &optErr{"unrecognized option '" + a + "'"}
			}
			if matches > 1 {
				return nil, nil, &optErr{"option '" + a + "' is ambiguous"}
			}
			spec, alias, _ := strings.Cut(match, "/")
			ln := strings.TrimRight(spec, ":")
			key := ln
			if alias != "" {
				key = alias
			}
			switch {
			case strings.HasSuffix(spec, "::"):
			case strings.HasSuffix(spec, ":"):
				if !hasVal {
					if i+1 >= len(args) {
						return nil, nil, &optErr{"option '--" + ln + "' requires an argument"}
					}
					i++
					val = args[i]
				}
			default:
				if hasVal {
					return nil, nil, &optErr{"option '--" + ln + "' doesn't allow an argument"}
				}
			}
			opts = append(opts, opt{key, val})
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			if s.posix {
				operands = append(operands, args[i:]...)
				return
			}
			operands = append(operands, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			known, takes, optional := s.shortArg(c)
			if !known {
				return nil, nil, &optErr{"invalid option -- '" + string(c) + "'"}
			}
			if !takes {
				opts = append(opts, opt{string(c), ""})
				continue
			}
			if optional {
				// getopt's "x::": the value must be attached (-i.bak).
				opts = append(opts, opt{string(c), a[j+1:]})
				break
			}
			if j+1 < len(a) {
				opts = append(opts, opt{string(c), a[j+1:]})
			} else {
				if i+1 >= len(args) {
					return nil, nil, &optErr{"option requires an argument -- '" + string(c) + "'"}
				}
				i++
				opts = append(opts, opt{string(c), args[i]})
			}
			break
		}
	}
	return
}

// parseOpts parses p's arguments; on error it prints GNU's two-line usage
// error and returns ok=false (the caller exits with its usage status).
func (p *Proc) parseOpts(s optSpec) ([]opt, []string, bool) {
	opts, operands, err := s.parse(p.Args[1:])
	if err != nil {
		p.usageError(err.msg)
		return nil, nil, false
	}
	return opts, operands, true
}

// usageError prints msg and coreutils' "Try ... --help" hint.
func (p *Proc) usageError(msg string) {
	p.Errorf("%s", msg)
	p.printf2("Try '%s --help' for more information.\n", p.Name())
}

func (p *Proc) printf2(format string, args ...any) {
	fmt.Fprintf(p.Stderr, format, args...)
}
