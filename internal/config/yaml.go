package config

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseYAML returns the root node of data, or nil for an empty document.
func parseYAML(data []byte) (*yaml.Node, *Problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p := syntaxProblem(err)
		return nil, &p
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// syntaxProblem turns a YAML parser error, "yaml: line 3: did not find
// expected key", into a Problem with the line the parser gives. For some
// errors that is the line where the enclosing block starts rather than
// the offending one; the parser offers nothing better.
func syntaxProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{Message: "invalid YAML: " + msg}
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return p
	}
	num, text, ok := strings.Cut(rest, ": ")
	if line, err := strconv.Atoi(num); ok && err == nil {
		p.Line, p.Message = line, "invalid YAML: "+text
	}
	return p
}

// anyValue converts n into plain Go values (map[string]any, []any, string,
// int, float64, bool, nil) for the parameters passed through as they are.
func (d *decoder) anyValue(n *yaml.Node, at string) any {
	n = deref(n)
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.MappingNode:
		m := map[string]any{}
		d.each(n, at, func(k string, v *yaml.Node, kat string) { m[k] = d.anyValue(v, kat) })
		return m
	case n.Kind == yaml.SequenceNode:
		list := make([]any, len(n.Content))
		for i, item := range n.Content {
			list[i] = d.anyValue(item, fmt.Sprintf("%s[%d]", at, i))
		}
		return list
	case n.Tag == "!!str":
		s, _, _ := d.scalar(n, at, "a value")
		return s
	}
	var v any
	if err := n.Decode(&v); err != nil {
		d.problem(n, at, "invalid %s value", n.ShortTag())
	}
	return v
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// describe names the kind of n for a problem message, without its value.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	}
	return "a " + strings.TrimPrefix(n.Tag, "!!") + " value"
}

// join appends key k to path.
func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
