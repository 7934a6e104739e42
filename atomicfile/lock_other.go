//go:build !unix

package atomicfile

// Lock is a no-op where advisory file locks are not available; writes stay
// atomic, only concurrent read-modify-write cycles may race.
func Lock(name string) (unlock func(), err error) { return func() {}, nil }
