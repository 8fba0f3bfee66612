package config

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Problem is one mistake found in the configuration.
type Problem struct {
	// Path is the key path, such as "model_list[2].litellm_params.model",
	// or the environment variable at fault, such as "LITELLM_MASTER_KEY".
	// It is empty for YAML syntax errors.
	Path string
	// Line is the line of the file, or 0 when the problem has none.
	Line int
	// Message says what is wrong, in lower case.
	Message string
}

// String returns "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError reports every problem found in a configuration.
type ValidationError struct {
	// File is the path given to Load, empty after Parse.
	File string
	// Problems are in the order of their lines, those without a line last.
	Problems []Problem
}

// Error lists the problems one per line, each as "file:line: path:
// message".
func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.where(p.Line))
		b.WriteString(p.String())
	}
	return b.String()
}

func (e *ValidationError) where(line int) string {
	switch {
	case e.File != "" && line > 0:
		return fmt.Sprintf("%s:%d: ", e.File, line)
	case e.File != "":
		return e.File + ": "
	case line > 0:
		return fmt.Sprintf("line %d: ", line)
	}
	return ""
}

// newValidationError sorts problems by line, keeping the order in which
// they were found within a line.
func newValidationError(problems []Problem) *ValidationError {
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Compare(sortLine(a.Line), sortLine(b.Line))
	})
	return &ValidationError{Problems: problems}
}

func sortLine(line int) int {
	if line == 0 {
		return math.MaxInt
	}
	return line
}
