package gateway_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/litellm-go/gateway/internal/server/servertest"
)

// sdkCredentials are the credentials a developer may hand an SDK. Each
// returns the token to use against the gateway started by routeGateway.
var sdkCredentials = []struct {
	name  string
	token func(t *testing.T, g *servertest.Gateway, key string) string
}{
	{"virtual key", func(_ *testing.T, _ *servertest.Gateway, key string) string { return key }},
	{"master key", func(_ *testing.T, g *servertest.Gateway, _ string) string { return g.MasterKey }},
	{"CLI session token", func(t *testing.T, g *servertest.Gateway, _ string) string {
		// A user with the virtual key's models, logged in on the built-in page.
		g.MustDo(t, 200, "POST", "/user/new", g.MasterKey, map[string]any{
			"user_email": "sdk@example.com", "password": "sdk-password", "auto_create_key": false,
			"models": []string{"gpt-up", "claude-up", "embed-up"}})
		return g.Login(t, "sdk@example.com", "sdk-password", "")
	}},
}

// TestOpenAISDK drives the gateway with OpenAI's official Go SDK.
func TestOpenAISDK(t *testing.T) {
	g, _, _, key := routeGateway(t)
	for _, cred := range sdkCredentials {
		t.Run(cred.name, func(t *testing.T) {
			client := openai.NewClient(option.WithBaseURL(g.URL+"/v1/"),
				option.WithAPIKey(cred.token(t, g, key)), option.WithMaxRetries(0))
			ctx := context.Background()

			t.Run("models", func(t *testing.T) {
				page, err := client.Models.List(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, m := range page.Data {
					ids = append(ids, m.ID)
				}
				if !slices.Contains(ids, "gpt-up") || !slices.Contains(ids, "claude-up") {
					t.Errorf("models = %v", ids)
				}
				m, err := client.Models.Get(ctx, "claude-up")
				if err != nil || m.ID != "claude-up" || m.OwnedBy != "anthropic" {
					t.Errorf("get claude-up: %+v, %v", m, err)
				}
				var apiErr *openai.Error
				if _, err := client.Models.Get(ctx, "no-such-model"); !errors.As(err, &apiErr) ||
					apiErr.StatusCode != 404 || apiErr.Code != "model_not_found" {
					t.Errorf("get no-such-model: %v, want a 404 model_not_found", err)
				}
			})
			for _, model := range []string{"gpt-up", "claude-up"} {
				params := openai.ChatCompletionNewParams{Model: model,
					Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}}
				t.Run("chat "+model, func(t *testing.T) {
					c, err := client.Chat.Completions.New(ctx, params)
					if err != nil {
						t.Fatal(err)
					}
					if len(c.Choices) != 1 || c.Choices[0].Message.Content != answer ||
						c.Usage.TotalTokens != promptTokens+completionTokens {
						t.Errorf("completion = %+v", c)
					}
				})
				t.Run("stream "+model, func(t *testing.T) {
					params.StreamOptions.IncludeUsage = openai.Bool(true)
					stream := client.Chat.Completions.NewStreaming(ctx, params)
					var acc openai.ChatCompletionAccumulator
					for stream.Next() {
						acc.AddChunk(stream.Current())
					}
					if err := stream.Err(); err != nil {
						t.Fatal(err)
					}
					if len(acc.Choices) != 1 || acc.Choices[0].Message.Content != answer ||
						acc.Usage.TotalTokens != promptTokens+completionTokens {
						t.Errorf("streamed completion = %+v", acc.ChatCompletion)
					}
				})
			}
			t.Run("embeddings", func(t *testing.T) {
				e, err := client.Embeddings.New(ctx, openai.EmbeddingNewParams{Model: "embed-up",
					Input: openai.EmbeddingNewParamsInputUnion{OfString: openai.String("hi")}})
				if err != nil {
					t.Fatal(err)
				}
				if len(e.Data) != 1 || !slices.Equal(e.Data[0].Embedding, []float64{0.5, -0.5}) {
					t.Errorf("embeddings = %+v", e.Data)
				}
			})
			t.Run("responses", func(t *testing.T) {
				r, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-up",
					Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hi")}})
				if err != nil {
					t.Fatal(err)
				}
				if r.OutputText() != answer {
					t.Errorf("output text = %q", r.OutputText())
				}
			})
			t.Run("model not allowed", func(t *testing.T) {
				_, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "nope",
					Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")}})
				var apiErr *openai.Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
					t.Errorf("error = %v, want a 404 API error", err)
				}
			})
		})
	}
}

// TestAnthropicSDK drives /v1/messages with Anthropic's official Go SDK,
// against an Anthropic deployment (passed through) and an OpenAI one
// (translated).
func TestAnthropicSDK(t *testing.T) {
	g, _, ant, key := routeGateway(t)
	for _, cred := range sdkCredentials {
		t.Run(cred.name, func(t *testing.T) {
			client := anthropic.NewClient(anthropicopt.WithBaseURL(g.URL),
				anthropicopt.WithAPIKey(cred.token(t, g, key)), anthropicopt.WithMaxRetries(0))
			ctx := context.Background()
			for _, model := range []string{"claude-up", "gpt-up"} {
				params := anthropic.MessageNewParams{Model: model, MaxTokens: 100,
					System:   []anthropic.TextBlockParam{{Text: "Be brief."}},
					Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Hi"))}}
				t.Run("message "+model, func(t *testing.T) {
					m, err := client.Messages.New(ctx, params)
					if err != nil {
						t.Fatal(err)
					}
					checkMessage(t, m)
				})
				t.Run("stream "+model, func(t *testing.T) {
					stream := client.Messages.NewStreaming(ctx, params)
					var m anthropic.Message
					for stream.Next() {
						if err := m.Accumulate(stream.Current()); err != nil {
							t.Fatal(err)
						}
					}
					if err := stream.Err(); err != nil {
						t.Fatal(err)
					}
					checkMessage(t, &m)
				})
			}
			if got := ant.last(t).header.Get("X-Api-Key"); got != "sk-provider-secret-2" {
				t.Errorf("Anthropic upstream got x-api-key %q, want the deployment's key", got)
			}
			t.Run("count tokens", func(t *testing.T) {
				count := func(model string) int64 {
					c, err := client.Messages.CountTokens(ctx, anthropic.MessageCountTokensParams{
						Model: model, Messages: []anthropic.MessageParam{
							anthropic.NewUserMessage(anthropic.NewTextBlock("How many tokens is this?"))}})
					if err != nil {
						t.Fatalf("%s: %v", model, err)
					}
					return c.InputTokens
				}
				if n := count("claude-up"); n != countedTokens {
					t.Errorf("claude-up: %d tokens, want the upstream's %d", n, countedTokens)
				}
				if got := ant.last(t); got.path != "/v1/messages/count_tokens" ||
					got.body["model"] != "claude-up-2025" {
					t.Errorf("Anthropic upstream got %s for model %v", got.path, got.body["model"])
				}
				if n := count("gpt-up"); n < 5 || n > 50 {
					t.Errorf("gpt-up: %d tokens estimated for a one-line message", n)
				}
			})
			t.Run("model not allowed", func(t *testing.T) {
				_, err := client.Messages.New(ctx, anthropic.MessageNewParams{Model: "secret-model",
					MaxTokens: 10, Messages: []anthropic.MessageParam{
						anthropic.NewUserMessage(anthropic.NewTextBlock("Hi"))}})
				var apiErr *anthropic.Error
				want := 403
				if cred.name == "master key" {
					want = 200 // the master key may use every model
				}
				if want == 200 && err != nil || want != 200 && (!errors.As(err, &apiErr) ||
					apiErr.StatusCode != want || !strings.Contains(err.Error(), "secret-model")) {
					t.Errorf("error = %v, want status %d", err, want)
				}
			})
		})
	}
}

func checkMessage(t *testing.T, m *anthropic.Message) {
	t.Helper()
	var text strings.Builder
	for _, b := range m.Content {
		text.WriteString(b.Text)
	}
	if text.String() != answer || m.StopReason != anthropic.StopReasonEndTurn ||
		m.Usage.OutputTokens != completionTokens {
		t.Errorf("message = %+v", m)
	}
}

// TestOpenAISDKMockResponses reads mock_response answers of the Responses
// API with OpenAI's official Go SDK, whole and streamed.
func TestOpenAISDKMockResponses(t *testing.T) {
	g := gatewayWith(t, `
model_list:
  - {model_name: mock-up, litellm_params: {model: openai/gpt-4o, mock_response: "Hello from the mock"}}
  - {model_name: mock-limited, litellm_params: {model: openai/gpt-4o, mock_response: litellm.RateLimitError}}
`, nil)
	client := openai.NewClient(option.WithBaseURL(g.URL+"/v1/"),
		option.WithAPIKey(g.MasterKey), option.WithMaxRetries(0))
	ctx := context.Background()
	params := responses.ResponseNewParams{Model: "mock-up",
		Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
			responses.ResponseInputItemParamOfMessage("Say hello to me", responses.EasyInputMessageRoleUser),
		}}}

	t.Run("whole", func(t *testing.T) {
		r, err := client.Responses.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		if r.OutputText() != "Hello from the mock" || r.Status != responses.ResponseStatusCompleted ||
			r.Usage.InputTokens != 4 || r.Usage.TotalTokens != r.Usage.InputTokens+r.Usage.OutputTokens {
			t.Errorf("response = %+v", r)
		}
	})
	t.Run("stream", func(t *testing.T) {
		stream := client.Responses.NewStreaming(ctx, params)
		var text strings.Builder
		var final responses.Response
		seq := int64(-1)
		for stream.Next() {
			ev := stream.Current()
			if ev.SequenceNumber != seq+1 {
				t.Errorf("event %s has sequence_number %d after %d", ev.Type, ev.SequenceNumber, seq)
			}
			seq = ev.SequenceNumber
			switch ev := ev.AsAny().(type) {
			case responses.ResponseTextDeltaEvent:
				text.WriteString(ev.Delta)
			case responses.ResponseCompletedEvent:
				final = ev.Response
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if text.String() != "Hello from the mock" || final.OutputText() != text.String() ||
			final.Usage.InputTokens != 4 || final.Usage.TotalTokens == 0 {
			t.Errorf("streamed text %q, final response %+v", text.String(), final)
		}
	})
	t.Run("mock error", func(t *testing.T) {
		_, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: "mock-limited",
			Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hi")}})
		var apiErr *openai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
			t.Errorf("error = %v, want a 429 API error", err)
		}
	})
}
