package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/layerlab/learn/atomicfile"
)

// CacheRecord is one build step's result, found again by its cache key.
// The build engine decides what keys mean and what Extra holds; the store
// only keeps them.
type CacheRecord struct {
	Key string `json:"key"`
	// DiffID is the layer the step made; zero when it made none.
	DiffID    v1.Hash         `json:"diffID,omitzero"`
	Size      int64           `json:"size"`
	CreatedBy string          `json:"createdBy,omitempty"`
	Created   time.Time       `json:"created"`
	LastUsed  time.Time       `json:"lastUsed"`
	Extra     json.RawMessage `json:"extra,omitempty"`
}

func lockStore(s *Store) (func(), error) { return atomicfile.Lock(s.path("lock")) }

// cacheFile names a record by the hash of its key: keys are arbitrary
// strings, file names are not.
func (s *Store) cacheFile(key string) string {
	sum := sha256.Sum256([]byte(key))
	return s.path("cache", hex.EncodeToString(sum[:])+".json")
}

// CacheGet returns the record stored under key, if any.
func (s *Store) CacheGet(key string) (*CacheRecord, bool, error) {
	name := s.cacheFile(key)
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var rec CacheRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, false, fmt.Errorf("build cache record %s is corrupt: %v", name, err)
	}
	if rec.Key != key {
		// A hash collision is not going to happen; a hand-edited file might.
		return nil, false, nil
	}
	return &rec, true, nil
}

// CachePut stores rec under key (rec.Key is set to key). Its layer, if any,
// must already be stored.
func (s *Store) CachePut(key string, rec *CacheRecord) error {
	r := *rec
	r.Key = key
	if r.DiffID != (v1.Hash{}) && !s.HasLayer(r.DiffID) {
		return fmt.Errorf("caching %q: layer %s is not in the image store", key, r.DiffID)
	}
	b, err := json.Marshal(&r)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(s.cacheFile(key), b, 0o644)
}

// cacheRecords reads every record; corrupt ones are reported, not skipped.
func (s *Store) cacheRecords() (map[string]*CacheRecord, error) {
	ents, err := os.ReadDir(s.path("cache"))
	if err != nil {
		return nil, err
	}
	out := map[string]*CacheRecord{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		name := s.path("cache", e.Name())
		b, err := os.ReadFile(name)
		if err != nil {
			continue // removed meanwhile by another prune
		}
		var rec CacheRecord
		if err := json.Unmarshal(b, &rec); err != nil {
			return out, fmt.Errorf("build cache record %s is corrupt: %v", name, err)
		}
		out[name] = &rec
	}
	return out, nil
}

// PruneCache is `docker builder prune`. With all, every record goes.
// Without, a record is kept while some tagged image contains its layer (it
// is what makes rebuilding that image fast) or when it made no layer (it
// holds no space); the rest go. Either way the layers of deleted records
// are freed unless an image or a kept record uses them, and reclaimed is
// the content size freed.
func (s *Store) PruneCache(all bool) (int64, error) {
	unlock, err := lockStore(s)
	if err != nil {
		return 0, err
	}
	idx, err := s.readIndex()
	if err != nil {
		unlock()
		return 0, err
	}
	inTagged := map[v1.Hash]bool{}
	for _, id := range idx.Tags {
		for _, l := range idx.Images[id].Layers {
			inTagged[l] = true
		}
	}
	recs, err := s.cacheRecords()
	if err != nil {
		unlock()
		return 0, err
	}
	var candidates []v1.Hash
	for name, r := range recs {
		if !all && (r.DiffID == (v1.Hash{}) || inTagged[r.DiffID]) {
			continue
		}
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			unlock()
			return 0, err
		}
		if r.DiffID != (v1.Hash{}) {
			candidates = append(candidates, r.DiffID)
		}
	}
	unlock()
	return s.collect(candidates), nil
}

// CacheUsage counts the build cache records and the bytes of the layers
// they made (what `docker system df` shows as Build Cache).
func (s *Store) CacheUsage() (records int, size int64, err error) {
	recs, err := s.cacheRecords()
	if err != nil {
		return 0, 0, err
	}
	for _, r := range recs {
		if strings.HasPrefix(r.Key, "chash:") {
			continue // a memoised content hash, not a build step
		}
		records++
		size += r.Size
	}
	return records, size, nil
}
