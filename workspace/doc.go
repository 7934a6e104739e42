// Package workspace holds a learner's workspace: the folder of lesson
// folders created by `learn init`, and the small progress file inside it.
package workspace
