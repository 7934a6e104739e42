package pkgs

import (
	"fmt"

	"github.com/layerlab/learn/sandbox/tools"
)

// Tools returns pip, pip3, pip3.X (for every CPython an image may carry),
// apt-get, apt and apk.
func Tools() tools.Registry {
	r := tools.Registry{
		"pip":     Pip,
		"pip3":    Pip,
		"apt-get": AptGet,
		"apt":     Apt,
		"apk":     Apk,
	}
	for minor := 8; minor <= 15; minor++ {
		r[fmt.Sprintf("pip3.%d", minor)] = Pip
	}
	return r
}
