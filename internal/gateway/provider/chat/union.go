package chat

import (
	"encoding/json"
	"errors"
	"fmt"
)

// StringList is a field that the wire format allows as one string or an
// array of strings, such as "stop".
type StringList []string

// UnmarshalJSON accepts a string, an array of strings, or null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*l = nil
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = StringList{s}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// Tool choice modes.
const (
	ToolChoiceAuto     = "auto"
	ToolChoiceNone     = "none"
	ToolChoiceRequired = "required"
	ToolChoiceFunction = "function" // call the function named in ToolChoice.Name
)

// ToolChoice is a request's tool_choice: one of the strings "auto", "none"
// and "required", or an object naming one function.
type ToolChoice struct {
	Mode string
	Name string // with ToolChoiceFunction
}

type namedChoice struct {
	Type     string `json:"type"`
	Function struct {
		Name string `json:"name"`
	} `json:"function"`
}

// UnmarshalJSON accepts both wire forms.
func (c *ToolChoice) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &c.Mode)
	}
	var n namedChoice
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	if n.Type != "function" || n.Function.Name == "" {
		return errors.New(`tool_choice object needs type "function" and a function name`)
	}
	c.Mode, c.Name = ToolChoiceFunction, n.Function.Name
	return nil
}

// MarshalJSON writes the wire form of c.
func (c ToolChoice) MarshalJSON() ([]byte, error) {
	switch c.Mode {
	case ToolChoiceAuto, ToolChoiceNone, ToolChoiceRequired:
		return json.Marshal(c.Mode)
	case ToolChoiceFunction:
		var n namedChoice
		n.Type, n.Function.Name = "function", c.Name
		return json.Marshal(n)
	}
	return nil, fmt.Errorf("unknown tool_choice mode %q", c.Mode)
}
