package dockercmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/runtime"
)

// VolumeOptions are the flags of the volume commands.
type VolumeOptions struct {
	Names  []string
	Labels []string
	Force  bool
	All    bool
	Quiet  bool
	Format string
}

// RunVolumeCreate creates a volume and prints its name.
func RunVolumeCreate(ios *iostreams.IOStreams, rt *runtime.Runtime, opts VolumeOptions) error {
	name := ""
	if len(opts.Names) > 0 {
		name = opts.Names[0]
	}
	labels := map[string]string{}
	for _, l := range opts.Labels {
		k, v, _ := strings.Cut(l, "=")
		labels[k] = v
	}
	v, err := rt.VolumeCreate(name, labels, false)
	if err != nil {
		return &Error{Msg: "Error response from daemon: " + err.Error()}
	}
	fmt.Fprintln(ios.Out, v.Name)
	return nil
}

type volumeRow struct{ Driver, Name, Scope, Mountpoint, Labels, Links, Size string }

func (r *volumeRow) MarshalJSON() ([]byte, error) { return rowJSON(r) }

// RunVolumeLs lists volumes: DRIVER and VOLUME NAME.
func RunVolumeLs(ios *iostreams.IOStreams, rt *runtime.Runtime, opts VolumeOptions) error {
	vols, err := rt.Volumes()
	if err != nil {
		return err
	}
	var rows []any
	for _, v := range vols {
		rows = append(rows, &volumeRow{Driver: v.Driver, Name: v.Name, Scope: v.Scope, Mountpoint: v.Mountpoint, Links: "N/A", Size: "N/A"})
	}
	format := opts.Format
	switch {
	case opts.Quiet && format == "":
		format = "{{.Name}}"
	case format == "" || format == "table":
		format = "table {{.Driver}}\t{{.Name}}"
	}
	return listFormat{format: format, headers: map[string]string{"Driver": "DRIVER", "Name": "VOLUME NAME", "Scope": "SCOPE", "Mountpoint": "MOUNTPOINT", "Labels": "LABELS", "Links": "LINKS", "Size": "SIZE"}}.write(ios.Out, rows)
}

// RunVolumeInspect prints volumes as docker-shaped JSON.
func RunVolumeInspect(ios *iostreams.IOStreams, rt *runtime.Runtime, opts VolumeOptions) error {
	var recs []any
	var errs []error
	for _, n := range opts.Names {
		v, err := rt.Volume(n)
		if err != nil {
			errs = append(errs, &Error{Msg: "Error response from daemon: " + err.Error()})
			continue
		}
		recs = append(recs, volumeRecord(v))
	}
	if opts.Format != "" {
		tmpl, err := parseTemplate(opts.Format)
		if err != nil {
			return err
		}
		for _, r := range recs {
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, r); err != nil {
				return cliError("template parsing error: %v", err)
			}
			fmt.Fprintln(ios.Out, buf.String())
		}
		return joinErrors(errs)
	}
	if recs == nil {
		recs = []any{}
	}
	data, err := json.MarshalIndent(recs, "", "    ")
	if err != nil {
		return err
	}
	fmt.Fprintln(ios.Out, string(data))
	return joinErrors(errs)
}

// RunVolumeRm removes volumes no container uses.
func RunVolumeRm(ios *iostreams.IOStreams, rt *runtime.Runtime, opts VolumeOptions) error {
	var errs []error
	for _, n := range opts.Names {
		if err := rt.VolumeRemove(n, opts.Force); err != nil {
			errs = append(errs, &Error{Msg: "Error response from daemon: " + err.Error()})
			continue
		}
		fmt.Fprintln(ios.Out, n)
	}
	return joinErrors(errs)
}

// RunVolumePrune removes unused anonymous volumes (all unused with -a).
func RunVolumePrune(ios *iostreams.IOStreams, rt *runtime.Runtime, opts VolumeOptions) error {
	if !opts.Force {
		what := "all anonymous local volumes not used by at least one container"
		if opts.All {
			what = "all local volumes not used by at least one container"
		}
		fmt.Fprintf(ios.Out, "WARNING! This will remove %s.\nAre you sure you want to continue? [y/N] ", what)
		answer, _ := bufio.NewReader(ios.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(ios.Out)
			return nil
		}
	}
	removed, size, err := rt.VolumePrune(opts.All)
	if err != nil {
		return err
	}
	if len(removed) > 0 {
		fmt.Fprintln(ios.Out, "Deleted Volumes:")
		for _, n := range removed {
			fmt.Fprintln(ios.Out, n)
		}
		fmt.Fprintln(ios.Out)
	}
	fmt.Fprintf(ios.Out, "Total reclaimed space: %s\n", units.HumanSizeWithPrecision(float64(size), 3))
	return nil
}

// volumeRecord is a volume as docker inspect shows it.
func volumeRecord(v *runtime.Volume) map[string]any {
	return map[string]any{
		"CreatedAt": v.CreatedAt.Format(time.RFC3339), "Driver": v.Driver, "Labels": v.Labels,
		"Mountpoint": v.Mountpoint, "Name": v.Name, "Options": map[string]string{}, "Scope": v.Scope,
	}
}
