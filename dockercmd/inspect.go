package dockercmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// InspectOptions are `docker inspect` / `docker image inspect` flags.
type InspectOptions struct {
	Names  []string
	Format string
	// Type is --type of `docker inspect`; Object is set for `docker
	// inspect` (any object) and clear for `docker image inspect`, which
	// changes the wording of "not found" the way docker's does.
	Type   string
	Object bool
	// Containers, when set, finds a container's inspect record; docker
	// inspect without --type looks at containers first.
	Containers func(name string) (any, bool)
	// Others, when set, finds a network or volume (typ "network",
	// "volume", or "" for either), after containers and images.
	Others func(name, typ string) (any, bool)

	st *store.Store // set by RunInspect for findOther
}

var inspectTypes = []string{"config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"}

// ImageInspect is the daemon's image inspect answer (API 1.50 shape: the
// config is the OCI one, fields left out when empty).
type ImageInspect struct {
	ID            string `json:"Id"`
	RepoTags      []string
	RepoDigests   []string
	Parent        string
	Comment       string
	Created       string `json:",omitempty"`
	DockerVersion string
	Author        string
	Config        *InspectConfig
	Architecture  string
	Variant       string `json:",omitempty"`
	Os            string
	OsVersion     string `json:",omitempty"`
	Size          int64
	RootFS        InspectRootFS
	Metadata      InspectMetadata
}

// InspectConfig is docker's DockerOCIImageConfig.
type InspectConfig struct {
	User         string              `json:",omitempty"`
	ExposedPorts map[string]struct{} `json:",omitempty"`
	Env          []string            `json:",omitempty"`
	Entrypoint   []string            `json:",omitempty"`
	Cmd          []string            `json:",omitempty"`
	Volumes      map[string]struct{} `json:",omitempty"`
	WorkingDir   string              `json:",omitempty"`
	Labels       map[string]string   `json:",omitempty"`
	StopSignal   string              `json:",omitempty"`
	ArgsEscaped  bool                `json:",omitempty"`
	Healthcheck  *v1.HealthConfig    `json:",omitempty"`
	OnBuild      []string            `json:",omitempty"`
	Shell        []string            `json:",omitempty"`
}

// InspectRootFS lists the layers by diffID.
type InspectRootFS struct {
	Type   string
	Layers []string `json:",omitempty"`
}

// InspectMetadata holds what the engine knows beyond the config.
type InspectMetadata struct {
	LastTagTime time.Time
}

// InspectImage builds the inspect record of img.
func InspectImage(img *store.Image) ImageInspect {
	c := img.Config
	// The config's top-level "comment" (docker import's message) is not in
	// go-containerregistry's ConfigFile; read it from the raw blob.
	var extra struct {
		Comment string `json:"comment"`
	}
	_ = json.Unmarshal(img.RawConfig, &extra)
	out := ImageInspect{
		ID: img.ID.String(), RepoTags: img.FamiliarTags(), RepoDigests: []string{},
		Comment: extra.Comment, DockerVersion: c.DockerVersion, Author: c.Author,
		Architecture: c.Architecture, Variant: c.Variant, Os: c.OS, OsVersion: c.OSVersion,
		Size: img.Size, RootFS: InspectRootFS{Type: c.RootFS.Type},
		Metadata: InspectMetadata{LastTagTime: img.LastTagTime},
		Config: &InspectConfig{
			User: c.Config.User, ExposedPorts: c.Config.ExposedPorts, Env: c.Config.Env,
			Entrypoint: c.Config.Entrypoint, Cmd: c.Config.Cmd, Volumes: c.Config.Volumes,
			WorkingDir: c.Config.WorkingDir, Labels: c.Config.Labels, StopSignal: c.Config.StopSignal,
			ArgsEscaped: c.Config.ArgsEscaped, Healthcheck: c.Config.Healthcheck,
			OnBuild: c.Config.OnBuild, Shell: c.Config.Shell,
		},
	}
	if !c.Created.IsZero() {
		out.Created = c.Created.UTC().Format(time.RFC3339Nano)
	}
	for _, l := range img.Layers {
		out.RootFS.Layers = append(out.RootFS.Layers, l.String())
	}
	return out
}

// RunInspect prints docker-shaped inspect output: an indented JSON array,
// "json" for one compact line, or a Go template per object.
func RunInspect(io *iostreams.IOStreams, st *store.Store, opts InspectOptions) error {
	if opts.Object && opts.Type != "" && !contains(inspectTypes, opts.Type) {
		return cliError(`unknown type: %q: must be one of "%s"`, opts.Type, strings.Join(inspectTypes, `", "`))
	}
	var tmpl *template.Template
	if opts.Format != "" && opts.Format != "json" {
		var err error
		if tmpl, err = parseTemplate(opts.Format); err != nil {
			return &Error{Msg: err.Error(), Code: 64}
		}
	}
	opts.st = st
	var errs []error
	var raws [][]byte
	var lines bytes.Buffer
	for _, name := range opts.Names {
		var rec any
		if c, ok := findContainer(opts, name); ok {
			rec = c
		} else if o, ok := findOther(opts, name); ok {
			rec = o
		} else {
			img, err := lookupForInspect(st, opts, name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rec = InspectImage(img)
		}
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if tmpl == nil {
			raws = append(raws, raw)
			continue
		}
		if err := execInspectTemplate(&lines, tmpl, rec, raw); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case tmpl != nil:
		if lines.Len() == 0 {
			lines.WriteByte('\n')
		}
		io.Out.Write(lines.Bytes())
	case len(raws) == 0:
		fmt.Fprintln(io.Out, "[]")
	default:
		all := append([]byte("["), bytes.Join(raws, []byte(","))...)
		all = append(all, ']')
		var out bytes.Buffer
		if opts.Format == "json" {
			_ = json.Compact(&out, all)
		} else {
			_ = json.Indent(&out, all, "", "    ")
		}
		out.WriteByte('\n')
		io.Out.Write(out.Bytes())
	}
	return joinErrors(errs)
}

func findContainer(opts InspectOptions, name string) (any, bool) {
	if opts.Containers == nil || opts.Type != "" && opts.Type != "container" {
		return nil, false
	}
	return opts.Containers(name)
}

// findOther looks for a network or volume: with --type network|volume,
// or without a type when no container or image has the name.
func findOther(opts InspectOptions, name string) (any, bool) {
	if opts.Others == nil || !opts.Object {
		return nil, false
	}
	switch opts.Type {
	case "network", "volume":
		return opts.Others(name, opts.Type)
	case "":
		if opts.st != nil {
			if _, err := opts.st.Image(name); err == nil {
				return nil, false // an image of that name comes first
			}
		}
		return opts.Others(name, "")
	}
	return nil, false
}

func lookupForInspect(st *store.Store, opts InspectOptions, name string) (*store.Image, error) {
	if opts.Object && opts.Type != "" && opts.Type != "image" {
		// Only images live in this store so far; other objects are not found.
		if opts.Type == "container" {
			return nil, daemonError(fmt.Errorf("No such container: %s", name))
		}
		return nil, cliError("Error: No such object: %s", name)
	}
	img, err := st.Image(name)
	if err == nil {
		return img, nil
	}
	if opts.Object && opts.Type == "" && store.IsNotFound(err) {
		return nil, cliError("Error: No such object: %s", name)
	}
	return nil, daemonError(err)
}

// execInspectTemplate runs the template on the typed record, then, as
// docker does, on the raw JSON (so lower-case keys and map access work).
func execInspectTemplate(out *bytes.Buffer, tmpl *template.Template, rec any, raw []byte) error {
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, rec); err == nil {
		out.Write(buf.Bytes())
		out.WriteByte('\n')
		return nil
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return cliError("unable to read inspect data: %v", err)
	}
	buf.Reset()
	if err := tmpl.Option("missingkey=error").Execute(&buf, generic); err != nil {
		return cliError("template parsing error: %v", err)
	}
	out.Write(buf.Bytes())
	out.WriteByte('\n')
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
