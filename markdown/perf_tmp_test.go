package markdown

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestPerfTmp(t *testing.T) {
	cases := map[string]string{
		"longtext":  strings.Repeat("word ", 20000),
		"quotes":    strings.Repeat(">", 2000) + " x",
		"lists":     strings.Repeat("- ", 1000) + "x",
		"nestlist":  func() string { var b strings.Builder; for i := 0; i < 300; i++ { b.WriteString(strings.Repeat("  ", i) + "- x\n") }; return b.String() }(),
		"table":     "|" + strings.Repeat("a|", 300) + "\n|" + strings.Repeat("-|", 300) + "\n|" + strings.Repeat(strings.Repeat("x ", 100)+"|", 300) + "\n",
		"ticks":     strings.Repeat("`a` ", 20000),
		"emph":      strings.Repeat("*a **b ", 5000),
		"links":     strings.Repeat("[a](b) ", 10000),
		"cjk":       strings.Repeat("日本語", 20000),
	}
	for name, src := range cases {
		for _, w := range []int{1, 80} {
			start := time.Now()
			var buf bytes.Buffer
			Render(&buf, []byte(src), Options{Width: w, Color: true})
			t.Logf("%s w=%d: %v, %d bytes out", name, w, time.Since(start), buf.Len())
		}
	}
}
