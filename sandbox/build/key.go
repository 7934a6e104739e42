package build

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// keyInput is everything a step's cache key covers. Fields that do not
// apply to an operation stay empty. Keys are sha256 over its JSON: the
// bytes differ from BuildKit's, the hit-or-miss decisions do not.
type keyInput struct {
	Op     string `json:"op"`               // "from", "run", "copy", "add", "mkdir"
	Parent string `json:"parent,omitempty"` // the previous state's key
	// FROM
	Chain string `json:"chain,omitempty"` // ChainID of the base image's layers
	// RUN
	Args    []string `json:"args,omitempty"` // argv after shell wrapping
	Env     []string `json:"env,omitempty"`  // ENV and valued ARGs, in assignment order
	Dir     string   `json:"dir,omitempty"`
	User    string   `json:"user,omitempty"`
	Network string   `json:"network,omitempty"`
	Mounts  []string `json:"mounts,omitempty"`
	// COPY / ADD / WORKDIR
	Sources  []string `json:"sources,omitempty"`
	Dest     string   `json:"dest,omitempty"`
	Chown    string   `json:"chown,omitempty"`
	Chmod    string   `json:"chmod,omitempty"`
	Link     bool     `json:"link,omitempty"`
	Parents  bool     `json:"parents,omitempty"`
	Exclude  []string `json:"exclude,omitempty"`
	Content  string   `json:"content,omitempty"` // content hash of the sources
	Platform string   `json:"platform"`
}

func (k keyInput) digest() string {
	b, err := json.Marshal(k)
	if err != nil {
		// keyInput holds only strings, slices of strings and bools.
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// chainID is the OCI ChainID of a layer list: the identity of a base image's
// filesystem, whatever its tag.
func chainID(diffIDs []string) string {
	if len(diffIDs) == 0 {
		return ""
	}
	id := diffIDs[0]
	for _, d := range diffIDs[1:] {
		sum := sha256.Sum256([]byte(id + " " + d))
		id = "sha256:" + hex.EncodeToString(sum[:])
	}
	return id
}
