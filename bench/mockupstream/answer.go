package mockupstream

import (
	"bytes"
	"encoding/json"
)

// answer renders the mock's fixed answer in OpenAI's shapes.
type answer struct {
	model   string
	created int64
	tokens  []string
}

// words make up the tokens of the answer, taken in turn.
var words = []string{"The ", "gateway ", "forwards ", "this ", "answer ", "from ",
	"a ", "mock ", "upstream ", "to ", "measure ", "its ", "own ", "overhead. "}

// promptTokens is the prompt size reported in usage; the mock does not
// count the request's tokens.
const promptTokens = 12

// completionID identifies every answer: a benchmark has no use for
// unique ids, and a fixed one keeps the answers prerendered.
const completionID = "chatcmpl-mockupstream"

func newAnswer(model string, n int, created int64) *answer {
	a := &answer{model: model, created: created, tokens: make([]string, n)}
	for i := range a.tokens {
		a.tokens[i] = words[i%len(words)]
	}
	return a
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func (a *answer) usage() usage {
	n := len(a.tokens)
	return usage{PromptTokens: promptTokens, CompletionTokens: n, TotalTokens: promptTokens + n}
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type choice struct {
	Index        int     `json:"index"`
	Message      message `json:"message"`
	Logprobs     any     `json:"logprobs"`
	FinishReason string  `json:"finish_reason"`
}

type completion struct {
	ID                string   `json:"id"`
	Object            string   `json:"object"`
	Created           int64    `json:"created"`
	Model             string   `json:"model"`
	Choices           []choice `json:"choices"`
	Usage             usage    `json:"usage"`
	SystemFingerprint any      `json:"system_fingerprint"`
}

// completion renders the answer of a request without "stream": true.
func (a *answer) completion() []byte {
	var content bytes.Buffer
	for _, t := range a.tokens {
		content.WriteString(t)
	}
	return mustJSON(completion{
		ID: completionID, Object: "chat.completion", Created: a.created, Model: a.model,
		Choices: []choice{{Message: message{Role: "assistant", Content: content.String()},
			FinishReason: "stop"}},
		Usage: a.usage(),
	})
}

// delta is the part of a message a chunk carries; the first chunk names
// the role.
type delta struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

type chunkChoice struct {
	Index        int     `json:"index"`
	Delta        delta   `json:"delta"`
	Logprobs     any     `json:"logprobs"`
	FinishReason *string `json:"finish_reason"`
}

// chunk is a chat.completion.chunk. Usage is omitted unless the client
// asked for it, and then it is null on every chunk but the last, as
// OpenAI sends it.
type chunk struct {
	ID                string        `json:"id"`
	Object            string        `json:"object"`
	Created           int64         `json:"created"`
	Model             string        `json:"model"`
	SystemFingerprint any           `json:"system_fingerprint"`
	Choices           []chunkChoice `json:"choices"`
	Usage             *usage        `json:"usage,omitempty"`
}

// stream is a rendered stream: one event per token, then the tail sent
// with the last one: the chunk with the finish reason, the usage chunk
// when asked for, and [DONE].
type stream struct {
	tokens [][]byte
	tail   []byte
}

// stream renders the events of a streamed answer.
func (a *answer) stream(withUsage bool) stream {
	var st stream
	for i, t := range a.tokens {
		c := a.chunk([]chunkChoice{{Delta: delta{Content: &t}}})
		if i == 0 {
			c.Choices[0].Delta.Role = "assistant"
		}
		st.tokens = append(st.tokens, event(c, withUsage))
	}
	stop := "stop"
	tail := event(a.chunk([]chunkChoice{{FinishReason: &stop}}), withUsage)
	if withUsage {
		u := a.usage()
		last := a.chunk([]chunkChoice{})
		last.Usage = &u
		tail = append(tail, event(last, false)...)
	}
	st.tail = append(tail, "data: [DONE]\n\n"...)
	return st
}

func (a *answer) chunk(choices []chunkChoice) chunk {
	return chunk{ID: completionID, Object: "chat.completion.chunk", Created: a.created,
		Model: a.model, Choices: choices}
}

// event frames c as one server-sent event. With nullUsage, c carries
// "usage": null, which the encoder's omitempty would drop.
func event(c chunk, nullUsage bool) []byte {
	b := mustJSON(c)
	if nullUsage {
		b = append(b[:len(b)-1], `,"usage":null}`...)
	}
	out := append([]byte("data: "), b...)
	return append(out, "\n\n"...)
}

type model struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

type modelList struct {
	Object string  `json:"object"`
	Data   []model `json:"data"`
}

// models renders GET /v1/models.
func (a *answer) models() []byte {
	return mustJSON(modelList{Object: "list",
		Data: []model{{ID: a.model, Object: "model", Created: a.created, OwnedBy: "mockupstream"}}})
}

// mustJSON encodes v, which is one of the fixed shapes above.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("mockupstream: encode answer: " + err.Error())
	}
	return b
}
