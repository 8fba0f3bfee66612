package router

import (
	"errors"
	"net/http"
	"strings"

	"github.com/litellm-go/gateway/internal/config"
	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// fallbacksFor returns the groups to try, in order, after the group of rt
// failed with err, as LiteLLM's router picks them:
//   - for a request too long for the model, context_window_fallbacks;
//   - for a refusal on content policy grounds, content_policy_fallbacks,
//     or when that is unset, what fallbacks gives;
//   - for errors another model may not have, the group's entry in
//     fallbacks, else default_fallbacks, else fallbacks' "*" entry;
//   - for the others, none.
//
// A group's entry is the one keyed by its name or, for a name a pattern
// serves, by the pattern (such as "openai/*").
func (r *Router) fallbacksFor(rt *route, err error) []string {
	s := &r.settings
	switch {
	case isContextWindow(err):
		return entryFor(s.ContextWindowFallbacks, rt)
	case isContentPolicy(err) && s.ContentPolicyFallbacks != nil:
		return entryFor(s.ContentPolicyFallbacks, rt)
	case !isRetryable(err) && !isContentPolicy(err):
		return nil
	}
	if list, ok := ownEntry(s.Fallbacks, rt); ok {
		return list
	}
	if len(s.DefaultFallbacks) > 0 {
		return s.DefaultFallbacks
	}
	return anyEntry(s.Fallbacks)
}

// entryFor returns the entry of rt's group in a fallback list, else the
// list's "*" entry.
func entryFor(list []map[string][]string, rt *route) []string {
	if v, ok := ownEntry(list, rt); ok {
		return v
	}
	return anyEntry(list)
}

// ownEntry returns the first entry keyed by rt's group, else the first
// keyed by the pattern that serves it.
func ownEntry(list []map[string][]string, rt *route) ([]string, bool) {
	for _, key := range [2]string{rt.group, rt.serving} {
		for _, m := range list {
			if v, ok := m[key]; ok {
				return v, true
			}
		}
		if rt.serving == rt.group {
			break
		}
	}
	return nil, false
}

// anyEntry returns the last entry keyed "*", which LiteLLM's
// default_fallbacks also becomes.
func anyEntry(list []map[string][]string) []string {
	var out []string
	for _, m := range list {
		if v, ok := m[config.AnyModel]; ok {
			out = v
		}
	}
	return out
}

// fallsBack reports whether a fallback group that failed with err lets
// the next one be tried.
func fallsBack(err error) bool {
	return isRetryable(err) || isContextWindow(err) || isContentPolicy(err)
}

func isRetryable(err error) bool {
	var ue *provider.UpstreamError
	return errors.As(err, &ue) && ue.Retryable
}

// isContextWindow recognizes a request too long for the model, by
// OpenAI's error code or the wording of OpenAI, Azure and Anthropic.
func isContextWindow(err error) bool {
	var ue *provider.UpstreamError
	if !errors.As(err, &ue) || ue.Status != http.StatusBadRequest && ue.Status != 413 {
		return false
	}
	if ue.Code == "context_length_exceeded" {
		return true
	}
	return containsAny(ue.Message, "context length", "context window", "maximum context",
		"prompt is too long", "context_length_exceeded")
}

// isContentPolicy recognizes a request the upstream refused on content
// policy grounds, as LiteLLM's ContentPolicyViolationError does: a 400
// with OpenAI's code content_policy_violation or Azure's content_filter,
// or the wording of OpenAI, Azure OpenAI ("ResponsibleAIPolicyViolation",
// "...content management policy") and Anthropic ("Output blocked by
// content filtering policy").
func isContentPolicy(err error) bool {
	var ue *provider.UpstreamError
	if !errors.As(err, &ue) || ue.Status != http.StatusBadRequest {
		return false
	}
	switch ue.Code {
	case "content_policy_violation", "content_filter":
		return true
	}
	return containsAny(ue.Message, "content_policy_violation", "responsibleaipolicyviolation",
		"content management policy", "content filtering policy", "content_filter_policy",
		"as a result of our safety system", "as a result of the safety system",
		"violating our usage policy")
}

// containsAny reports whether s holds one of the lower-case words, in
// any case.
func containsAny(s string, words ...string) bool {
	s = strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
