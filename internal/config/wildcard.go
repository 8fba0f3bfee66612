package config

import (
	"regexp"
	"strings"
)

// A model_name with a '*' is a pattern, as in LiteLLM: it serves every
// model a client asks for that it matches and that no model_name or
// model_group_alias names exactly. Each '*' stands for any run of
// characters, '/' included, and what it matched fills the '*'s of the
// deployment's litellm_params.model in turn (see ExpandModel), so that
// "anthropic/*" with model "anthropic/*" sends a request for
// "anthropic/claude-3-5-haiku" upstream as "claude-3-5-haiku".

// IsPattern reports whether a model name is a pattern.
func IsPattern(name string) bool { return strings.Contains(name, "*") }

// Pattern is a compiled pattern. Its zero value matches nothing; use
// CompilePattern.
type Pattern struct {
	text    string
	re      *regexp.Regexp
	prefix  int // bytes before the first '*'
	literal int // bytes that are not '*'
}

// CompilePattern compiles a pattern. Every string is a valid pattern;
// one without a '*' matches only itself.
func CompilePattern(text string) *Pattern {
	parts := strings.Split(text, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	// Whole-name matches, unlike LiteLLM's router, which anchors its
	// expressions at the start only and so lets "*-mini" serve
	// "gpt-4o-mini-2024" as "gpt-4o". Its access checks anchor both ends,
	// as here. RE2 keeps matching linear in the name's length.
	return &Pattern{
		text:    text,
		re:      regexp.MustCompile("^" + strings.Join(parts, "(.*)") + "$"),
		prefix:  len(parts[0]),
		literal: len(text) - strings.Count(text, "*"),
	}
}

// String returns the pattern as written.
func (p *Pattern) String() string { return p.text }

// Matches reports whether name matches the pattern as a whole.
func (p *Pattern) Matches(name string) bool { return p.re != nil && p.re.MatchString(name) }

// Match returns what each '*' matched in name, and false when name does
// not match. Earlier '*'s take as much as they can, as in LiteLLM.
func (p *Pattern) Match(name string) ([]string, bool) {
	if p.re == nil {
		return nil, false
	}
	m := p.re.FindStringSubmatch(name)
	if m == nil {
		return nil, false
	}
	return m[1:], true
}

// MoreSpecific reports whether p should be tried before q when both match
// a name: the longer literal prefix first ("openai/gpt-*" before
// "openai/*" before "*"), then the more literal text. LiteLLM orders by
// the length of the pattern's expression, which agrees in the common cases.
func (p *Pattern) MoreSpecific(q *Pattern) bool {
	if p.prefix != q.prefix {
		return p.prefix > q.prefix
	}
	return p.literal > q.literal
}

// ExpandModel returns the litellm_params.model of a pattern's deployment
// for one request: each '*' of model replaced by the next of matched,
// what the '*'s of the model_name matched in the name asked for. As in
// LiteLLM, a model without a '*' is used as it is, and one with fewer
// '*'s than there are matches is replaced by the name itself.
func ExpandModel(model string, matched []string, name string) string {
	stars := strings.Count(model, "*")
	switch {
	case stars == 0:
		return model
	case len(matched) > stars:
		return name
	}
	var b strings.Builder
	for i, part := range strings.Split(model, "*") {
		switch {
		case i == 0:
		case i <= len(matched):
			b.WriteString(matched[i-1])
		default:
			b.WriteByte('*') // more '*'s than matches: left as they are
		}
		b.WriteString(part)
	}
	return b.String()
}
