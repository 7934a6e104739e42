package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestGeneratedLayer(t *testing.T) {
	s := newStore(t)
	tarBytes := layerTar(t, "etc/hello", "hello\n")
	RegisterGenerator("test-gen", func(recipe string, w io.Writer) error {
		if recipe == "drifted" {
			_, err := w.Write(layerTar(t, "etc/hello", "changed\n"))
			return err
		}
		_, err := w.Write(tarBytes)
		return err
	})
	sum := sha256.Sum256(tarBytes)
	h := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
	if err := s.PutGeneratedLayer(h, 6, int64(len(tarBytes)), "test-gen", "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.blobPath(h)); err == nil {
		t.Fatal("a generated layer must not write its blob")
	}
	if !s.HasLayer(h) || !s.IsGeneratedLayer(h) {
		t.Fatal("generated layer not found")
	}
	if n, err := s.LayerSize(h); err != nil || n != 6 {
		t.Fatalf("LayerSize = %d, %v", n, err)
	}
	rc, err := s.OpenLayer(h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, tarBytes) {
		t.Fatal("OpenLayer did not regenerate the tar")
	}
	// Opening without reading must not start anything (build's haveLayer).
	rc, _ = s.OpenLayer(h)
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	blob, err := s.OpenBlob(h)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := blob.(*os.File)
	if !ok {
		t.Fatalf("OpenBlob of a generated layer is %T, want *os.File (save stats it)", blob)
	}
	if fi, _ := f.Stat(); fi.Size() != int64(len(tarBytes)) {
		t.Fatalf("materialised size %d", fi.Size())
	}
	blob.Close()

	// An image over it is stored, listed with the layer's size, and
	// removing it drops the record.
	id, err := s.PutImage(&v1.ConfigFile{}, []v1.Hash{h})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tag(id, "gen:1"); err != nil {
		t.Fatal(err)
	}
	img, err := s.Image("gen:1")
	if err != nil || img.Size != 6 {
		t.Fatalf("image %v size %d", err, img.Size)
	}
	if _, err := s.Remove("gen:1", false); err != nil {
		t.Fatal(err)
	}
	if s.HasLayer(h) {
		t.Fatal("generated layer record kept after its image was removed")
	}

	// A recipe whose output no longer matches its digest is caught when
	// the tar is materialised.
	if err := s.PutGeneratedLayer(h, 6, int64(len(tarBytes)), "test-gen", "drifted"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenBlob(h); err == nil {
		t.Fatal("drifted recipe not detected")
	}
}
