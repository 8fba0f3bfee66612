package spend

import (
	"cmp"
	"slices"
)

// KnownModels returns the models of the built-in price list, sorted, each
// by a name its provider serves it under and without a provider prefix,
// such as "gpt-4o" and "claude-3-5-haiku-latest". PriceOf prices each of
// them at its list price. GET /v1/models lists them under a pattern model
// name such as "openai/*", as LiteLLM lists the models of its price list.
func KnownModels() []string { return slices.Clone(knownModels) }

var knownModels = func() []string {
	out := make([]string, 0, len(listPrices))
	for m := range listPrices {
		out = append(out, cmp.Or(servedAs[m], m))
	}
	slices.Sort(out)
	return out
}()

// servedAs are the names to list for the keys of listPrices that their
// provider does not serve: Anthropic's API takes a model's dated name or
// its "-latest" alias, never the bare family that prices it.
var servedAs = map[string]string{
	"claude-3-5-sonnet": "claude-3-5-sonnet-latest",
	"claude-3-5-haiku":  "claude-3-5-haiku-latest",
	"claude-3-7-sonnet": "claude-3-7-sonnet-latest",
	"claude-3-haiku":    "claude-3-haiku-20240307", // it has no alias
	"claude-3-opus":     "claude-3-opus-latest",
	"claude-sonnet-4":   "claude-sonnet-4-20250514",
	"claude-opus-4":     "claude-opus-4-20250514",
}
