// Command learn is an interactive Docker playground for the terminal.
package main

import (
	"os"

	"github.com/layerlab/learn/iostreams"
)

func main() {
	os.Exit(run(os.Args[1:], iostreams.System()))
}
