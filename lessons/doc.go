// Package lessons defines the lesson format, loads lesson packs from the
// embedded pack or a teacher's folder, and embeds the built-in pack.
package lessons
