package build

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/sandbox/buildctx"
	"github.com/layerlab/learn/sandbox/contenthash"
	"github.com/layerlab/learn/sandbox/dockerfile"
	"github.com/layerlab/learn/sandbox/progress"
	"github.com/layerlab/learn/sandbox/rootfs"
	"github.com/layerlab/learn/sandbox/store"
	"github.com/layerlab/learn/sandbox/tools"
)

// Options describe one build, as `docker build` flags do.
type Options struct {
	ContextDir    string
	Dockerfile    string // path of the Dockerfile; "" means Dockerfile in the context
	Tags          []string
	BuildArgs     map[string]string
	Target        string
	NoCache       bool
	NoCacheFilter []string // stage names that ignore the cache

	Store    *store.Store
	Tools    tools.Registry
	Progress progress.Writer
	// ResolveImage finds a base image; nil means the store. The offline
	// catalogue plugs in here.
	ResolveImage func(ref string) (*store.Image, error)
	// Layers loads image layers; nil means a loader on Store. Sharing one
	// across builds in a process keeps parsed layers; the offline
	// catalogue's generated layers plug in as its Source.
	Layers *rootfs.Loader
	// Explain records, for each COPY from the context, every source file's
	// digest in Step.Inputs.Files, so a checker can say which file made a
	// step run. It costs a second walk of the sources.
	Explain bool
	// HashCache speeds up context hashing across builds; may be nil.
	HashCache *contenthash.Cache
	Now       func() time.Time
}

// Result is what a finished build made and how each step went.
type Result struct {
	ImageID v1.Hash
	Tags    []string // normalised, e.g. docker.io/library/pipeline:latest
	Steps   []Step
	// Warnings are BuildKit's lint warnings for the Dockerfile.
	Warnings []dockerfile.Warning
}

// Step is one instruction that was a build step, in build order.
type Step struct {
	Name        string // as progress shows it: "[2/5] WORKDIR /app"
	Instruction string // "WORKDIR /app"
	Stage       string
	Line        int
	Cached      bool
	Key         string
	// Inputs is what went into the key, so a checker can explain a miss.
	Inputs Inputs
}

// Inputs is the human-readable side of a cache key.
type Inputs struct {
	Op      string   `json:"op"`
	Parent  string   `json:"parent,omitempty"`
	Env     []string `json:"env,omitempty"`
	Dir     string   `json:"dir,omitempty"`
	User    string   `json:"user,omitempty"`
	Args    []string `json:"args,omitempty"`
	Content string   `json:"content,omitempty"`
	// Files lists each copied file and its content digest.
	Files []contenthash.Entry `json:"files,omitempty"`
}

// Error is a failed build. Line is the Dockerfile line at fault (0 if none),
// Step the vertex name of the failing step.
type Error struct {
	File string
	Line int
	Step string
	Msg  string
	// Source is the Dockerfile text, for the excerpt docker prints.
	Source []byte
	err    error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.err }

// Build runs a build to the end or to its first error.
func Build(ctx context.Context, opt Options) (*Result, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Progress == nil {
		opt.Progress = progress.NewQuiet()
	}
	if opt.ResolveImage == nil {
		opt.ResolveImage = opt.Store.Image
	}
	layers := opt.Layers
	if layers == nil {
		layers = &rootfs.Loader{Store: opt.Store}
	}
	b := &builder{opt: opt, ctx: ctx, layers: layers, done: map[*dockerfile.Stage]*state{}}
	res, err := b.run()
	if cerr := opt.Progress.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return res, err
}

type builder struct {
	opt Options
	ctx context.Context

	bctx   *buildctx.Context
	df     *dockerfile.Dockerfile
	multi  bool                         // several stages: vertex names carry the stage
	images map[string]*store.Image      // resolved base images by reference
	done   map[*dockerfile.Stage]*state // finished stages
	layers *rootfs.Loader               // parsed layers, loaded once
	steps  []Step

	ctxLoaded bool
}

// loadContext prints the context-transfer vertex once, before the first
// step that reads the context, as BuildKit does.
func (b *builder) loadContext() error {
	if b.ctxLoaded {
		return nil
	}
	b.ctxLoaded = true
	v := b.opt.Progress.Start("[internal] load build context")
	_, size, err := b.bctx.Stats()
	if err != nil {
		b.opt.Progress.Error(v, err.Error())
		return &Error{Msg: err.Error(), err: err}
	}
	b.opt.Progress.Status(v, fmt.Sprintf("transferring context: %s done", buildctx.HumanSize(size)))
	b.opt.Progress.Done(v)
	return nil
}

func (b *builder) run() (*Result, error) {
	p := b.opt.Progress
	dfName := b.opt.Dockerfile
	if dfName == "" {
		dfName = "Dockerfile"
	}
	v := p.Start("[internal] load build definition from " + baseName(dfName))
	bctx, err := buildctx.Open(b.opt.ContextDir, dfName)
	if err != nil {
		p.Error(v, err.Error())
		return nil, &Error{Msg: err.Error(), err: err}
	}
	b.bctx = bctx
	src, name, err := bctx.Dockerfile()
	if err != nil {
		p.Error(v, err.Error())
		return nil, &Error{Msg: err.Error(), err: err}
	}
	p.Status(v, fmt.Sprintf("transferring dockerfile: %s done", buildctx.HumanSize(int64(len(src)))))
	p.Done(v)

	df, err := dockerfile.Parse(src, baseName(name), b.opt.BuildArgs)
	if err != nil {
		return nil, b.parseError(err, src, baseName(name))
	}
	b.df = df
	target, err := df.Target(b.opt.Target)
	if err != nil {
		return nil, b.parseError(err, src, baseName(name))
	}
	b.multi = len(df.Stages) > 1
	stages := df.Reachable(target)

	// Base images are resolved up front, as BuildKit loads their metadata
	// before any step runs.
	b.images = map[string]*store.Image{}
	for _, ref := range imageRefs(stages) {
		v := p.Start("[internal] load metadata for " + ref)
		img, err := b.opt.ResolveImage(ref)
		if err != nil {
			msg := fmt.Sprintf("failed to resolve source metadata for %s: %v", ref, err)
			p.Error(v, msg)
			// Offline, an unknown --from is far more often a misspelt stage
			// than a missing image: the front end says which line and
			// suggests the stage.
			have := func(r string) bool {
				if r == ref {
					return false
				}
				_, err := b.opt.ResolveImage(r)
				return err == nil
			}
			if cerr := df.CheckImages(target, have); cerr != nil {
				return nil, b.parseError(cerr, src, df.Name)
			}
			return nil, &Error{File: df.Name, Source: src, Msg: msg, err: err}
		}
		b.images[ref] = img
		p.Done(v)
	}
	v = p.Start("[internal] load .dockerignore")
	ignoreSize := int64(0)
	if f := bctx.IgnoreFile(); f != "" {
		if fi, err := bctx.Lstat("/" + f); err == nil {
			ignoreSize = fi.Size()
		}
	}
	p.Status(v, fmt.Sprintf("transferring context: %s done", buildctx.HumanSize(ignoreSize)))
	p.Done(v)

	for _, st := range stages {
		if _, err := b.stage(st); err != nil {
			return nil, b.stepError(err, src)
		}
	}
	final := b.done[target]
	id, tags, err := b.export(final, target)
	if err != nil {
		return nil, &Error{Msg: err.Error(), err: err}
	}
	return &Result{ImageID: id, Tags: tags, Steps: b.steps, Warnings: df.Warnings}, nil
}

// imageRefs lists the distinct images the stages start from or copy from.
func imageRefs(stages []*dockerfile.Stage) []string {
	seen := map[string]bool{}
	var refs []string
	add := func(r string) {
		if r != "" && !seen[r] {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	for _, st := range stages {
		if st.BaseStage == nil && !isScratch(st.Image) {
			add(st.Image)
		}
		for _, d := range st.Deps {
			if d.Stage == nil {
				add(d.Image)
			}
		}
	}
	return refs
}

func isScratch(ref string) bool { return ref == "" || ref == "scratch" }

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (b *builder) parseError(err error, src []byte, name string) error {
	var de *dockerfile.Error
	if errors.As(err, &de) {
		return &Error{File: name, Line: de.Line, Msg: de.Msg, Source: src, err: err}
	}
	return &Error{File: name, Msg: err.Error(), Source: src, err: err}
}

func (b *builder) stepError(err error, src []byte) error {
	var be *Error
	if errors.As(err, &be) {
		if be.Source == nil {
			be.Source = src
			be.File = b.df.Name
		}
		return be
	}
	var de *dockerfile.Error
	if errors.As(err, &de) {
		return &Error{File: b.df.Name, Line: de.Line, Source: src, Msg: de.Msg, err: err}
	}
	return &Error{File: b.df.Name, Source: src, Msg: err.Error(), err: err}
}

// noCache reports whether steps of st ignore the cache.
func (b *builder) noCache(st *dockerfile.Stage) bool {
	if b.opt.NoCache {
		return true
	}
	for _, f := range b.opt.NoCacheFilter {
		if f != "" && (f == st.Name || f == st.DisplayName) {
			return true
		}
	}
	return false
}
