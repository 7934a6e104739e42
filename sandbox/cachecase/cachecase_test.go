package cachecase

import (
	"context"
	"testing"
)

// TestEmbedded plays every case on the embedded engine.
func TestEmbedded(t *testing.T) {
	cases, err := Load("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases in testdata")
	}
	work := t.TempDir()
	e, err := NewEmbedded(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if _, err := Run(context.Background(), e, c, work); err != nil {
				t.Fatal(err)
			}
		})
	}
}
