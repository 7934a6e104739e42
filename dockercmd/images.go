package dockercmd

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// now is the clock for "2 minutes ago"; tests fix it.
var now = time.Now

// ImagesOptions are `docker images` flags.
type ImagesOptions struct {
	All     bool // -a: every image; the store has no intermediate images, so this changes nothing
	Quiet   bool
	NoTrunc bool
	Digests bool
	Format  string
	Filter  FilterOpt
	// Match is the optional REPOSITORY[:TAG] argument (a reference filter).
	Match string
}

const defaultImagesTable = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"

var imagesHeaders = map[string]string{
	"ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST",
	"CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE",
	"Containers": "CONTAINERS", "SharedSize": "SHARED SIZE", "UniqueSize": "UNIQUE SIZE",
}

// imageRow is one line of `docker images`; field names are docker's
// template names.
type imageRow struct {
	Containers   string
	CreatedAt    string
	CreatedSince string
	Digest       string
	ID           string
	Repository   string
	SharedSize   string
	Size         string
	Tag          string
	UniqueSize   string
}

func (r *imageRow) MarshalJSON() ([]byte, error) { return rowJSON(r) }

// RunImages lists images like `docker images`, newest first.
func RunImages(io *iostreams.IOStreams, st *store.Store, opts ImagesOptions) error {
	filters := opts.Filter.clone()
	if opts.Match != "" {
		filters["reference"] = append(filters["reference"], opts.Match)
	}
	for k := range filters {
		switch k {
		case "dangling", "reference", "label", "before", "since":
		default:
			return daemonError(fmt.Errorf("invalid filter '%s'", k))
		}
	}
	dangling := ""
	for _, v := range filters["dangling"] {
		switch strings.ToLower(v) {
		case "true", "1":
			v = "true"
		case "false", "0":
			v = "false"
		default:
			return daemonError(fmt.Errorf("invalid filter 'dangling=%s'", v))
		}
		if dangling != "" && dangling != v {
			return daemonError(fmt.Errorf("invalid filter 'dangling=%s'", v))
		}
		dangling = v
	}
	images, err := st.Images()
	if err != nil {
		return err
	}
	var before, since time.Time
	for key, dst := range map[string]*time.Time{"before": &before, "since": &since} {
		for _, ref := range filters[key] {
			img, err := st.Image(ref)
			if err != nil {
				return daemonError(err)
			}
			*dst = img.Created
		}
	}

	var rows []any
	for _, img := range images {
		tags := img.FamiliarTags()
		if dangling == "true" && len(tags) > 0 || dangling == "false" && len(tags) == 0 {
			continue
		}
		if !before.IsZero() && !img.Created.Before(before) || !since.IsZero() && !img.Created.After(since) {
			continue
		}
		if refs := filters["reference"]; len(refs) > 0 {
			tags = slices.DeleteFunc(tags, func(t string) bool { return !matchReference(refs, t) })
			if len(tags) == 0 {
				continue
			}
		}
		if labels := filters["label"]; len(labels) > 0 {
			full, err := st.Image(img.ID.String())
			if err != nil {
				return err
			}
			if !matchLabels(labels, full.Config.Config.Labels) {
				continue
			}
		}
		id := img.ID.String()
		if !opts.NoTrunc {
			id = truncateID(id)
		}
		base := imageRow{
			Containers: "N/A", SharedSize: "N/A", UniqueSize: "N/A", Digest: "<none>", ID: id,
			CreatedAt: createdAt(img.Created), CreatedSince: createdSince(img.Created),
			Size: units.HumanSizeWithPrecision(float64(img.Size), 3),
		}
		if len(tags) == 0 {
			r := base
			r.Repository, r.Tag = "<none>", "<none>"
			rows = append(rows, &r)
			continue
		}
		for _, t := range tags {
			r := base
			i := strings.LastIndexByte(t, ':')
			r.Repository, r.Tag = t[:i], t[i+1:]
			rows = append(rows, &r)
		}
	}

	format := opts.Format
	if format == "" {
		format = "table"
	}
	if format == "table" {
		switch {
		case opts.Quiet:
			format = "{{.ID}}"
		case opts.Digests:
			format = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
		default:
			format = defaultImagesTable
		}
	} else if strings.HasPrefix(format, "table") && opts.Digests && !strings.Contains(format, "{{.Digest}}") {
		format += "\t{{.Digest}}"
	}
	return listFormat{format: format, headers: imagesHeaders}.write(io.Out, rows)
}

// createdSince is docker's "2 minutes ago".
func createdSince(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return units.HumanDuration(now().UTC().Sub(t)) + " ago"
}

// createdAt is how docker images prints CreatedAt (Go's time.String).
func createdAt(t time.Time) string {
	return time.Unix(t.Unix(), 0).String()
}

// matchReference is docker's reference filter: a glob against name:tag or
// against the name alone.
func matchReference(patterns []string, familiar string) bool {
	name := familiar[:strings.LastIndexByte(familiar, ':')]
	for _, p := range patterns {
		if ok, _ := path.Match(p, familiar); ok {
			return true
		}
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// matchLabels: every label=KEY or label=KEY=VALUE filter must hold.
func matchLabels(filters []string, labels map[string]string) bool {
	for _, f := range filters {
		k, v, hasValue := strings.Cut(f, "=")
		got, ok := labels[k]
		if !ok || hasValue && got != v {
			return false
		}
	}
	return true
}

// FilterOpt is docker's --filter flag value: repeated KEY=VALUE pairs.
type FilterOpt struct{ m map[string][]string }

// String shows the filters (pflag.Value).
func (f *FilterOpt) String() string {
	var parts []string
	for _, k := range sortedKeys(f.m) {
		for _, v := range f.m[k] {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

// Set adds one KEY=VALUE filter; its error is the docker CLI's.
func (f *FilterOpt) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("bad format of filter (expected name=value)")
	}
	k = strings.ToLower(strings.TrimSpace(k))
	if f.m == nil {
		f.m = map[string][]string{}
	}
	f.m[k] = append(f.m[k], strings.TrimSpace(v))
	return nil
}

// Type names the value in help output (pflag.Value).
func (f *FilterOpt) Type() string { return "filter" }

func (f *FilterOpt) clone() map[string][]string {
	m := map[string][]string{}
	for k, v := range f.m {
		m[k] = slices.Clone(v)
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
