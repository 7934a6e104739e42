// Package markdown renders lesson Markdown as wrapped, optionally coloured terminal text.
package markdown
