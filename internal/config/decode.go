package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// envPrefix marks a value to be read from the environment.
const envPrefix = "os.environ/"

// decoder walks the YAML tree and collects every problem and ignored key
// instead of stopping at the first.
type decoder struct {
	lookup   LookupFunc
	env      bool // resolve os.environ/NAME in the section being read
	problems []Problem
	ignored  []string
	refs     []modelRef
}

func (d *decoder) problem(n *yaml.Node, path, format string, args ...any) {
	p := Problem{Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line = n.Line
	}
	d.problems = append(d.problems, p)
}

func (d *decoder) ignore(path string) { d.ignored = append(d.ignored, path) }

// resolving runs fn with os.environ/NAME references resolved.
func (d *decoder) resolving(fn func()) {
	d.env = true
	fn()
	d.env = false
}

// each calls fn for every key of the mapping n, in document order, with
// the value and the key's path. It follows aliases, expands merge keys
// (<<), where keys written out win, and reports duplicate keys. A missing
// or null n is an empty mapping.
func (d *decoder) each(n *yaml.Node, path string, fn func(k string, v *yaml.Node, at string)) {
	n = deref(n)
	if isNull(n) || !d.mapping(n, path) {
		return
	}
	seen := map[string]int{}
	for _, p := range d.pairs(n, path) {
		at := join(path, p.key.Value)
		if first, dup := seen[p.key.Value]; dup {
			d.problem(p.key, at, "duplicate key (first at line %d)", first)
			continue
		}
		seen[p.key.Value] = p.key.Line
		fn(p.key.Value, p.val, at)
	}
}

// mapping reports whether n is a mapping, reporting it when not.
func (d *decoder) mapping(n *yaml.Node, path string) bool {
	n = deref(n)
	if n != nil && n.Kind != yaml.MappingNode {
		d.problem(n, path, "want a mapping, got %s", describe(n))
		return false
	}
	return true
}

type pair struct{ key, val *yaml.Node }

// pairs lists the keys of the mapping n with merge keys expanded: keys
// written out come first and merged keys follow unless already present.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	var own, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch {
		case k.Tag == "!!merge":
			merged = append(merged, d.mergeSources(v, path)...)
		case k.Kind != yaml.ScalarNode:
			d.problem(k, path, "want a string key, got %s", describe(k))
		default:
			own = append(own, pair{k, v})
		}
	}
	present := map[string]bool{}
	for _, p := range own {
		present[p.key.Value] = true
	}
	for _, p := range merged {
		if !present[p.key.Value] {
			present[p.key.Value] = true
			own = append(own, p)
		}
	}
	return own
}

// mergeSources returns the pairs that a merge key's value brings in: one
// mapping or a list of them.
func (d *decoder) mergeSources(v *yaml.Node, path string) []pair {
	switch v.Kind {
	case yaml.MappingNode:
		return d.pairs(v, path)
	case yaml.SequenceNode:
		var out []pair
		for _, m := range v.Content {
			out = append(out, d.mergeSources(deref(m), path)...)
		}
		return out
	}
	d.problem(v, path, "merge key wants a mapping, got %s", describe(v))
	return nil
}

// scalar returns the text of the scalar n and, when it came from an
// os.environ reference, the variable's name. ok is false when n is missing
// or null, and when a problem was reported.
func (d *decoder) scalar(n *yaml.Node, at, want string) (s, from string, ok bool) {
	n = deref(n)
	if isNull(n) {
		return "", "", false
	}
	if n.Kind != yaml.ScalarNode {
		d.problem(n, at, "want %s, got %s", want, describe(n))
		return "", "", false
	}
	name, isRef := strings.CutPrefix(n.Value, envPrefix)
	if !d.env || !isRef || n.Tag != "!!str" {
		return n.Value, "", true
	}
	v, set := d.lookup(name)
	if !set {
		d.problem(n, at, "environment variable %s is not set", name)
		return "", name, false
	}
	return v, name, true
}

// str returns the string at n, or "" when it is missing or invalid.
// Scalars of every type are accepted as text.
func (d *decoder) str(n *yaml.Node, at string) string {
	s, _, _ := d.scalar(n, at, "a string")
	return s
}

// required returns the trimmed string at n and reports a null or blank
// one; hint follows the word "required".
func (d *decoder) required(n *yaml.Node, at, hint string) string {
	s, _, ok := d.scalar(n, at, "a string")
	s = strings.TrimSpace(s)
	if s == "" && (ok || isNull(deref(n))) {
		d.problem(deref(n), at, "required%s", hint)
	}
	return s
}

// badValue reports a scalar that does not parse as want, quoting it only
// when it was written in the file.
func (d *decoder) badValue(n *yaml.Node, at, want, s, from string) {
	if from != "" {
		d.problem(n, at, "want %s, got the value of %s", want, from)
		return
	}
	d.problem(n, at, "want %s, got %q", want, s)
}

// count returns a non-negative integer.
func (d *decoder) count(n *yaml.Node, at string) (int64, bool) {
	s, from, ok := d.scalar(n, at, "an integer")
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		d.badValue(n, at, "an integer", s, from)
		return 0, false
	}
	if i < 0 {
		d.problem(n, at, "must not be negative")
		return 0, false
	}
	return i, true
}

// number returns a finite, non-negative number; positive asks for more
// than zero.
func (d *decoder) number(n *yaml.Node, at string, positive bool) (float64, bool) {
	s, from, ok := d.scalar(n, at, "a number")
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		d.badValue(n, at, "a number", s, from)
		return 0, false
	}
	switch {
	case positive && f <= 0:
		d.problem(n, at, "must be positive")
		return 0, false
	case f < 0:
		d.problem(n, at, "must not be negative")
		return 0, false
	}
	return f, true
}

// boolean accepts YAML 1.1 spellings too (yes, no, on, off), as LiteLLM's
// Python YAML parser does.
func (d *decoder) boolean(n *yaml.Node, at string) (bool, bool) {
	s, from, ok := d.scalar(n, at, "true or false")
	if !ok {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	d.badValue(n, at, "true or false", s, from)
	return false, false
}

// strings returns a list of strings.
func (d *decoder) strings(n *yaml.Node, at string) []string {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.problem(n, at, "want a list, got %s", describe(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, item := range n.Content {
		if s, _, ok := d.scalar(item, fmt.Sprintf("%s[%d]", at, i), "a string"); ok {
			out = append(out, s)
		}
	}
	return out
}
