package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"math/big"
)

// Docker names unnamed containers adjective_surname; these lists are our
// own, in the same spirit (scientists and engineers).
var (
	adjectives = []string{"admiring", "brave", "busy", "calm", "clever", "cool", "dreamy", "eager", "ecstatic",
		"elegant", "focused", "friendly", "gallant", "happy", "hopeful", "jolly", "keen", "kind", "lucid",
		"modest", "nice", "optimistic", "peaceful", "practical", "quirky", "relaxed", "serene", "sharp",
		"stoic", "sweet", "tender", "upbeat", "vibrant", "wizardly", "zealous"}
	surnames = []string{"babbage", "bohr", "curie", "darwin", "dijkstra", "einstein", "euler", "faraday",
		"feynman", "franklin", "gauss", "goldberg", "hamilton", "hopper", "hypatia", "johnson", "kepler",
		"knuth", "lamarr", "lovelace", "maxwell", "meitner", "newton", "noether", "pascal", "ritchie",
		"shannon", "thompson", "torvalds", "turing", "wozniak", "yonath"}
)

func pick(list []string) string {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(list))))
	if err != nil {
		return list[0]
	}
	return list[n.Int64()]
}

// randomName returns an unused adjective_surname.
func randomName(used map[string]bool) string {
	for i := 0; ; i++ {
		name := pick(adjectives) + "_" + pick(surnames)
		if i > 20 {
			name += "_" + randomID()[:4]
		}
		if !used[name] {
			return name
		}
	}
}

// randomID is a 64-hex-digit container ID.
func randomID() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
