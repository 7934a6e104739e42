package dockercmd

import (
	"bufio"
	"fmt"
	"strings"

	units "github.com/docker/go-units"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/runtime"
)

func human(n int64) string { return units.HumanSizeWithPrecision(float64(n), 3) }

// RunSystemDf shows what images, containers, volumes and the build cache
// hold, as docker system df does.
func RunSystemDf(ios *iostreams.IOStreams, rt *runtime.Runtime) error {
	imgs, err := rt.Store.Images()
	if err != nil {
		return err
	}
	all, err := rt.List()
	if err != nil {
		return err
	}
	used := map[string]bool{}
	activeContainers := 0
	for _, c := range all {
		used[c.ImageID.String()] = true
		if c.State.Running {
			activeContainers++
		}
	}
	var imgSize, imgReclaim int64
	active := 0
	for _, img := range imgs {
		imgSize += img.Size
		if used[img.ID.String()] {
			active++
		} else {
			imgReclaim += img.Size
		}
	}
	vols, err := rt.Volumes()
	if err != nil {
		return err
	}
	var volSize, volReclaim int64
	activeVols := 0
	for _, v := range vols {
		n := v.Size()
		volSize += n
		if len(rt.VolumeUsers(v.Name)) > 0 {
			activeVols++
		} else {
			volReclaim += n
		}
	}
	records, cacheSize, err := rt.Store.CacheUsage()
	if err != nil {
		return err
	}
	pct := func(part, whole int64) string {
		if whole == 0 {
			return human(part)
		}
		return fmt.Sprintf("%s (%d%%)", human(part), part*100/whole)
	}
	rows := []any{
		&dfRow{Type: "Images", TotalCount: fmt.Sprint(len(imgs)), Active: fmt.Sprint(active), Size: human(imgSize), Reclaimable: pct(imgReclaim, imgSize)},
		&dfRow{Type: "Containers", TotalCount: fmt.Sprint(len(all)), Active: fmt.Sprint(activeContainers), Size: "0B", Reclaimable: "0B"},
		&dfRow{Type: "Local Volumes", TotalCount: fmt.Sprint(len(vols)), Active: fmt.Sprint(activeVols), Size: human(volSize), Reclaimable: pct(volReclaim, volSize)},
		&dfRow{Type: "Build Cache", TotalCount: fmt.Sprint(records), Active: "0", Size: human(cacheSize), Reclaimable: human(cacheSize)},
	}
	return listFormat{format: "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
		headers: map[string]string{"Type": "TYPE", "TotalCount": "TOTAL", "Active": "ACTIVE", "Size": "SIZE", "Reclaimable": "RECLAIMABLE"}}.write(ios.Out, rows)
}

type dfRow struct{ Type, TotalCount, Active, Size, Reclaimable string }

func (r *dfRow) MarshalJSON() ([]byte, error) { return rowJSON(r) }

// SystemPruneOptions are `docker system prune` flags.
type SystemPruneOptions struct {
	All, Volumes, Force bool
}

// RunSystemPrune removes stopped containers, dangling (or, with -a,
// unused) images, the build cache, and with --volumes unused anonymous
// volumes.
func RunSystemPrune(ios *iostreams.IOStreams, rt *runtime.Runtime, opts SystemPruneOptions) error {
	if !opts.Force {
		fmt.Fprintln(ios.Out, "WARNING! This will remove:")
		fmt.Fprintln(ios.Out, "  - all stopped containers")
		if opts.Volumes {
			fmt.Fprintln(ios.Out, "  - all anonymous volumes not used by at least one container")
		}
		if opts.All {
			fmt.Fprintln(ios.Out, "  - all images without at least one container associated to them")
			fmt.Fprintln(ios.Out, "  - all build cache")
		} else {
			fmt.Fprintln(ios.Out, "  - all dangling images")
			fmt.Fprintln(ios.Out, "  - unused build cache")
		}
		fmt.Fprint(ios.Out, "\nAre you sure you want to continue? [y/N] ")
		answer, _ := bufio.NewReader(ios.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(ios.Out)
			return nil
		}
	}
	var reclaimed int64
	all, err := rt.List()
	if err != nil {
		return err
	}
	var deleted []string
	inUse := map[string]bool{}
	for _, c := range all {
		if c.State.Running {
			inUse[c.ImageID.String()] = true
			continue
		}
		if _, err := rt.Remove(c.ID, false, false); err == nil {
			deleted = append(deleted, c.ID)
		}
	}
	if len(deleted) > 0 {
		fmt.Fprintln(ios.Out, "Deleted Containers:")
		for _, id := range deleted {
			fmt.Fprintln(ios.Out, id)
		}
		fmt.Fprintln(ios.Out)
	}
	if opts.Volumes {
		removed, size, err := rt.VolumePrune(false)
		if err != nil {
			return err
		}
		reclaimed += size
		if len(removed) > 0 {
			fmt.Fprintln(ios.Out, "Deleted Volumes:")
			for _, n := range removed {
				fmt.Fprintln(ios.Out, n)
			}
			fmt.Fprintln(ios.Out)
		}
	}
	imgs, err := rt.Store.Images()
	if err != nil {
		return err
	}
	var lines []string
	for _, img := range imgs {
		if inUse[img.ID.String()] || len(img.Tags) > 0 && !opts.All {
			continue
		}
		out, err := rt.Store.Remove(img.ID.String(), true)
		if err != nil {
			continue
		}
		reclaimed += img.Size
		lines = append(lines, out...)
	}
	if len(lines) > 0 {
		fmt.Fprintln(ios.Out, "Deleted Images:")
		for _, l := range lines {
			fmt.Fprintln(ios.Out, strings.ToLower(l[:1])+l[1:])
		}
		fmt.Fprintln(ios.Out)
	}
	n, err := rt.Store.PruneCache(opts.All)
	if err != nil {
		return err
	}
	reclaimed += n
	fmt.Fprintf(ios.Out, "Total reclaimed space: %s\n", human(reclaimed))
	return nil
}
