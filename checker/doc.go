// Package checker holds check scripts: the fenced `check` blocks of a
// lesson step, parsed into actions (docker commands, edits, learner
// scripts) and expectations (what was CACHED, what a container printed,
// what an image holds), with their hints and points.
package checker
