package dockercmd

import (
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox/store"
)

// HistoryOptions are `docker history` flags.
type HistoryOptions struct {
	Image   string
	Human   bool // -H, default true
	Quiet   bool
	NoTrunc bool
	Format  string
}

var historyHeaders = map[string]string{
	"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT",
	"CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT",
}

type historyRow struct {
	Comment      string
	CreatedAt    string
	CreatedBy    string
	CreatedSince string
	ID           string
	Size         string
}

func (r *historyRow) MarshalJSON() ([]byte, error) { return rowJSON(r) }

// epoch: docker shows "N/A" for history entries dated before 2000 (images
// built reproducibly with SOURCE_DATE_EPOCH=0, for instance).
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// RunHistory prints an image's history newest first, as the daemon builds
// it: one entry per config history item, layer sizes matched to the items
// that made a layer, the image ID on the top entry and <missing> below it
// (an image built by BuildKit has no parent images to name).
func RunHistory(io *iostreams.IOStreams, st *store.Store, opts HistoryOptions) error {
	img, err := st.Image(opts.Image)
	if err != nil {
		return daemonError(err)
	}
	type entry struct {
		created        time.Time
		createdBy, cmt string
		size           int64
	}
	var entries []entry
	layer := 0
	for _, h := range img.Config.History {
		var size int64
		if !h.EmptyLayer {
			if layer >= len(img.Layers) {
				return daemonError(errorString("too many non-empty layers in History section"))
			}
			size, err = st.LayerSize(img.Layers[layer])
			if err != nil {
				return daemonError(err)
			}
			layer++
		}
		entries = append([]entry{{h.Created.Time, h.CreatedBy, h.Comment, size}}, entries...)
	}
	var rows []any
	for i, e := range entries {
		id := "<missing>"
		if i == 0 {
			id = img.ID.String()
		}
		if !opts.NoTrunc {
			id = truncateID(id)
		}
		createdBy := strings.ReplaceAll(e.createdBy, "\t", " ")
		if !opts.NoTrunc {
			createdBy = ellipsis(createdBy, 45)
		}
		at := time.Unix(e.created.Unix(), 0).Format(time.RFC3339)
		r := historyRow{ID: id, CreatedAt: at, CreatedBy: createdBy, Comment: e.cmt}
		switch {
		case !opts.Human:
			r.CreatedSince = at
			r.Size = strconv.FormatInt(e.size, 10)
		default:
			r.Size = units.HumanSizeWithPrecision(float64(e.size), 3)
			if e.created.After(epoch) {
				r.CreatedSince = units.HumanDuration(now().UTC().Sub(e.created)) + " ago"
			} else {
				r.CreatedSince = "N/A"
			}
		}
		rows = append(rows, &r)
	}
	format := opts.Format
	if format == "" || format == "table" {
		switch {
		case opts.Quiet:
			format = "{{.ID}}"
		case !opts.Human:
			format = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
		default:
			format = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
		}
	}
	return listFormat{format: format, headers: historyHeaders}.write(io.Out, rows)
}

type errorString string

func (e errorString) Error() string { return string(e) }
