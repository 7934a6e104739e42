package dockercmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"
	"text/template"

	"github.com/layerlab/learn/sandbox/store"
)

// daemonError wraps what docker's daemon would answer, printed the way the
// docker CLI prints it.
func daemonError(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Msg: "Error response from daemon: " + err.Error(), cause: err}
}

// Error is a failure whose text is exactly what docker prints on stderr
// (possibly several lines). The CLI prints it as is and exits with Code
// (1 when zero).
type Error struct {
	Msg   string
	Code  int
	cause error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.cause }

func cliError(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// joinErrors joins failures one per line, as docker does when a command
// takes several names.
func joinErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return &Error{Msg: strings.Join(msgs, "\n"), cause: errors.Join(errs...)}
}

// notFound is the daemon's answer for a missing image.
func notFound(ref string) error {
	return daemonError(&store.NotFoundError{Ref: ref})
}

// templateFuncs are docker's (cli/templates): the same names, so format
// strings copied from docker's docs work.
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSpace(buf.String()), nil
	},
	"split": strings.Split,
	"join":  joinElements,
	"title": func(s string) string {
		// ASCII title case, as docker's strings.Title use amounts to.
		b := []byte(s)
		for i := range b {
			if (i == 0 || b[i-1] == ' ') && b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
		}
		return string(b)
	},
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"pad": func(s string, prefix, suffix int) string {
		if s == "" {
			return s
		}
		return strings.Repeat(" ", prefix) + s + strings.Repeat(" ", suffix)
	},
	"truncate": func(s string, n int) string {
		if len(s) < n {
			return s
		}
		return s[:n]
	},
}

// headerFuncs render a table header: the same names, but they leave the
// column title alone.
var headerFuncs = template.FuncMap{
	"json":     func(v string) string { return v },
	"split":    func(v, _ string) string { return v },
	"join":     func(v, _ string) string { return v },
	"title":    func(v string) string { return v },
	"lower":    func(v string) string { return v },
	"upper":    func(v string) string { return v },
	"truncate": func(v string, _ int) string { return v },
}

func joinElements(elems any, sep string) (string, error) {
	if elems == nil {
		return "", nil
	}
	if ss, ok := elems.([]string); ok {
		return strings.Join(ss, sep), nil
	}
	rv := reflect.ValueOf(elems)
	switch rv.Kind() {
	case reflect.Array, reflect.Slice:
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(rv.Index(i).Interface())
		}
		return strings.Join(parts, sep), nil
	case reflect.Map:
		parts := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			parts = append(parts, fmt.Sprint(rv.MapIndex(k).Interface()))
		}
		slices.Sort(parts)
		return strings.Join(parts, sep), nil
	}
	return "", fmt.Errorf("expected slice, got %T", elems)
}

func parseTemplate(s string) (*template.Template, error) {
	t, err := template.New("").Funcs(templateFuncs).Parse(s)
	if err != nil {
		return nil, cliError("template parsing error: %v", err)
	}
	return t, nil
}

// listFormat is docker's formatter.Context for list commands: "table"
// (default), "table TEMPLATE", "json" or a bare template; rows are written
// through a tabwriter with docker's settings when it is a table.
type listFormat struct {
	format  string
	headers map[string]string
}

func (f listFormat) isTable() bool { return strings.HasPrefix(f.format, "table") }

func (f listFormat) templateString() string {
	switch f.format {
	case "table":
		return ""
	case "json":
		return "{{json .}}"
	}
	s := strings.TrimPrefix(f.format, "table")
	s = strings.Trim(s, " ")
	return strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(s)
}

func (f listFormat) write(out io.Writer, rows []any) error {
	tmpl, err := parseTemplate(f.templateString())
	if err != nil {
		return err
	}
	var body bytes.Buffer
	for _, r := range rows {
		if err := tmpl.Execute(&body, r); err != nil {
			return cliError("template parsing error: %v", err)
		}
		body.WriteByte('\n')
	}
	if !f.isTable() {
		_, err := out.Write(body.Bytes())
		return err
	}
	tw := tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)
	_ = tmpl.Funcs(headerFuncs).Execute(tw, f.headers)
	tw.Write([]byte{'\n'})
	tw.Write(body.Bytes())
	return tw.Flush()
}

// rowJSON marshals a row the way docker's formatter does: every exported
// field as a key, keys sorted.
func rowJSON(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	m := map[string]any{}
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		if f.IsExported() {
			m[f.Name] = rv.Field(i).Interface()
		}
	}
	return json.Marshal(m)
}

// truncateID is docker's stringid.TruncateID: no algorithm, 12 hex digits.
func truncateID(id string) string {
	if i := strings.IndexByte(id, ':'); i >= 0 {
		id = id[i+1:]
	}
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

// ellipsis is docker's formatter.Ellipsis for ASCII and most text: cut to
// max runes with "…" as the last one.
func ellipsis(s string, max int) string {
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	if max <= 1 {
		return string(rs[:max])
	}
	return string(rs[:max-1]) + "…"
}
