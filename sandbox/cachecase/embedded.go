package cachecase

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"

	"github.com/layerlab/learn/dockercmd"
	"github.com/layerlab/learn/iostreams"
	"github.com/layerlab/learn/sandbox"
	"github.com/layerlab/learn/sandbox/build"
	"github.com/layerlab/learn/sandbox/progress"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/testimage"
	"github.com/layerlab/learn/sandbox/tools"
)

// Embedded runs the cases on the embedded engine with its own store.
type Embedded struct {
	Store *store.Store
}

// NewEmbedded opens a store under dir and imports the base image into it.
func NewEmbedded(dir string) (*Embedded, error) {
	st, err := store.Open(filepath.Join(dir, "engine"))
	if err != nil {
		return nil, err
	}
	rootfs, err := testimage.Rootfs(testimage.Busybox())
	if err != nil {
		return nil, err
	}
	if err := ImportBase(st, rootfs); err != nil {
		return nil, err
	}
	return &Embedded{Store: st}, nil
}

// ImportBase stores rootfs as the image BaseImage, with `docker import`.
func ImportBase(st *store.Store, rootfs []byte) error {
	ios, _, _, _ := iostreams.Test()
	ios.In = bytes.NewReader(rootfs)
	return dockercmd.RunImport(ios, st, dockercmd.ImportOptions{Source: "-", Reference: BaseImage})
}

// Build parses the few build flags the cases use and runs the build.
func (e *Embedded) Build(ctx context.Context, dir string, args []string) (string, error) {
	opt := build.Options{ContextDir: dir, Store: e.Store, Tools: tools.Default(), BuildArgs: map[string]string{}}
	for i := 0; i < len(args); i++ {
		next := func() string {
			i++
			if i < len(args) {
				return args[i]
			}
			return ""
		}
		switch a := args[i]; a {
		case "-t":
			opt.Tags = append(opt.Tags, next())
		case "-f":
			opt.Dockerfile = next()
		case "--no-cache":
			opt.NoCache = true
		case "--target":
			opt.Target = next()
		case "--build-arg":
			k, v, _ := cutEq(next())
			opt.BuildArgs[k] = v
		default:
			return "", fmt.Errorf("the embedded case runner does not take %q", a)
		}
	}
	var out bytes.Buffer
	opt.Progress = progress.NewPlain(&out)
	_, err := build.Build(ctx, opt)
	if be, ok := err.(*build.Error); ok {
		out.WriteString(be.Report())
	}
	return out.String(), err
}

func cutEq(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// Prune empties the build cache, as `docker builder prune -a -f`.
func (e *Embedded) Prune(ctx context.Context) error {
	_, err := e.Store.PruneCache(true)
	return err
}

// Files walks the image's merged filesystem.
func (e *Embedded) Files(ctx context.Context, ref string) ([]string, error) {
	loader := &rootfs.Loader{Store: e.Store}
	image, _, err := loader.Image(ref)
	if err != nil {
		return nil, err
	}
	fsys := image.View(sandbox.Root)
	var lines []string
	var walk func(dir string) error
	walk = func(dir string) error {
		ents, err := fsys.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, ent := range ents {
			p := path.Join(dir, ent.Name())
			fi, err := fsys.Lstat(p)
			if err != nil {
				return err
			}
			o := sandbox.OwnerOf(fi)
			lines = append(lines, FileLine(p, fi.Mode(), o.UID, o.GID, fi.Size()))
			if fi.IsDir() {
				if err := walk(p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk("/"); err != nil {
		return nil, err
	}
	sort.Strings(lines)
	return lines, nil
}

// FileLine is how both engines describe one file for comparison: path,
// mode, owner, and size for regular files.
func FileLine(p string, mode fs.FileMode, uid, gid int, size int64) string {
	if !mode.IsRegular() {
		size = 0
	}
	return fmt.Sprintf("%s %s %d:%d %d", p, mode, uid, gid, size)
}
