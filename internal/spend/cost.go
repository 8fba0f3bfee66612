package spend

import (
	"strings"

	"github.com/litellm-go/gateway/internal/config"
)

// Price is what a model charges per token, in US dollars.
type Price struct {
	Input  float64 // per prompt token
	Output float64 // per completion token
}

// Cost returns what a request cost in US dollars: promptTokens and
// completionTokens at the deployment's model_info prices when it has any,
// else at the built-in list price of model (see PriceOf), else 0 and
// false.
func Cost(info config.ModelInfo, model string, promptTokens, completionTokens int64) (
	float64, bool) {
	p, ok := PriceOf(info, model)
	if !ok {
		return 0, false
	}
	return float64(promptTokens)*p.Input + float64(completionTokens)*p.Output, true
}

// PriceOf returns the price of a deployment: model_info's
// input_cost_per_token and output_cost_per_token when either is set (the
// other then counts as free), else the built-in list price of model. model
// is the upstream model, such as "gpt-4o", "openai/gpt-4o-2024-08-06" or
// "anthropic/claude-3-5-sonnet-latest"; a provider prefix and a date or
// "latest" suffix are ignored.
//
// The gateway can estimate a request's cost before it runs from it, as
// max_tokens times Output.
func PriceOf(info config.ModelInfo, model string) (Price, bool) {
	if info.InputCostPerToken != nil || info.OutputCostPerToken != nil {
		var p Price
		if info.InputCostPerToken != nil {
			p.Input = *info.InputCostPerToken
		}
		if info.OutputCostPerToken != nil {
			p.Output = *info.OutputCostPerToken
		}
		return p, true
	}
	p, ok := listPrices[baseModel(model)]
	return p, ok
}

// perMillion converts prices per million tokens, as providers publish
// them, to prices per token.
func perMillion(input, output float64) Price { return Price{input / 1e6, output / 1e6} }

// listPrices are the providers' list prices of common models, for
// deployments whose model_info gives none. Taken from the OpenAI and
// Anthropic pricing pages as of 2025-06; standard tier, without cached or
// batch discounts. Set model_info prices to override them.
var listPrices = map[string]Price{
	"gpt-4o":            perMillion(2.50, 10.00),
	"gpt-4o-mini":       perMillion(0.15, 0.60),
	"gpt-4.1":           perMillion(2.00, 8.00),
	"gpt-4.1-mini":      perMillion(0.40, 1.60),
	"gpt-4.1-nano":      perMillion(0.10, 0.40),
	"gpt-4-turbo":       perMillion(10.00, 30.00),
	"gpt-3.5-turbo":     perMillion(0.50, 1.50),
	"o1":                perMillion(15.00, 60.00),
	"o3":                perMillion(2.00, 8.00),
	"o3-mini":           perMillion(1.10, 4.40),
	"o4-mini":           perMillion(1.10, 4.40),
	"claude-3-5-sonnet": perMillion(3.00, 15.00),
	"claude-3-5-haiku":  perMillion(0.80, 4.00),
	"claude-3-7-sonnet": perMillion(3.00, 15.00),
	"claude-3-haiku":    perMillion(0.25, 1.25),
	"claude-3-opus":     perMillion(15.00, 75.00),
	"claude-sonnet-4":   perMillion(3.00, 15.00),
	"claude-opus-4":     perMillion(15.00, 75.00),
}

// baseModel reduces an upstream model name to a listPrices key: lower
// case, without a provider prefix ("openai/") and without a version
// suffix: a date ("-2024-08-06", "-20241022", Vertex AI's "@20240620") or
// "-latest". Only whole suffixes are cut, so "gpt-4o-mini" never reads as
// "gpt-4o".
func baseModel(model string) string {
	m := strings.TrimSpace(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	if i := strings.IndexByte(m, '@'); i >= 0 {
		m = m[:i]
	}
	m = strings.TrimSuffix(m, "-latest")
	for _, date := range []string{"-2006-01-02", "-20060102"} {
		if n := len(m) - len(date); n > 0 && sameShape(m[n:], date) {
			m = m[:n]
			break
		}
	}
	return strings.ToLower(m)
}

// sameShape reports whether s has digits where layout has digits and the
// same other bytes.
func sameShape(s, layout string) bool {
	for i := range len(layout) {
		digit := '0' <= s[i] && s[i] <= '9'
		if wantDigit := '0' <= layout[i] && layout[i] <= '9'; digit != wantDigit ||
			!digit && s[i] != layout[i] {
			return false
		}
	}
	return true
}
