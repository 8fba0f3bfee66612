package provider

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"

	"github.com/litellm-go/gateway/internal/gateway/provider/chat"
	"github.com/litellm-go/gateway/internal/gateway/provider/rawjson"
)

type embeddingList struct {
	Object string      `json:"object"` // "list"
	Data   []embedding `json:"data"`
	Model  string      `json:"model"`
	Usage  struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

type embedding struct {
	Object    string `json:"object"` // "embedding"
	Index     int    `json:"index"`
	Embedding any    `json:"embedding"` // []float32, or base64 of little-endian float32s
}

// embeddings answers with one small unit vector per input, derived from
// the input's text so that equal inputs embed equally.
func (m *mock) embeddings(in *mockRequest) (*Response, error) {
	inputs := splitInputs(in.Input)
	if len(inputs) == 0 {
		return nil, badRequest("mock", "embeddings need an input")
	}
	dims := in.Dimensions
	if dims <= 0 || dims > 4096 {
		dims = 8
	}
	out := embeddingList{Object: "list", Model: in.Model, Data: make([]embedding, len(inputs))}
	for i, text := range inputs {
		vec := vector(text, dims)
		out.Data[i] = embedding{Object: "embedding", Index: i, Embedding: vec}
		if in.EncodingFormat == "base64" {
			out.Data[i].Embedding = encodeVector(vec)
		}
	}
	out.Usage.PromptTokens, out.Usage.TotalTokens = in.prompt, in.prompt
	body, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return wholeMock(body, chat.Usage{PromptTokens: in.prompt, TotalTokens: in.prompt}), nil
}

// splitInputs returns each input of a string, an array of strings, or
// token arrays (kept as their JSON text).
func splitInputs(raw json.RawMessage) []string {
	if s, ok := rawjson.String(raw); ok {
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	if len(list) > 0 && list[0][0] != '"' && list[0][0] != '[' {
		return []string{string(raw)} // one array of token ids
	}
	out := make([]string, len(list))
	for i, item := range list {
		if s, ok := rawjson.String(item); ok {
			out[i] = s
		} else {
			out[i] = string(item)
		}
	}
	return out
}

func vector(text string, dims int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(text))
	x := h.Sum64() | 1
	vec := make([]float32, dims)
	var norm float64
	for i := range vec {
		x ^= x << 13 // xorshift64: cheap, deterministic noise
		x ^= x >> 7
		x ^= x << 17
		vec[i] = float32(x>>11)/float32(1<<53)*2 - 1
		norm += float64(vec[i]) * float64(vec[i])
	}
	for i := range vec {
		vec[i] /= float32(math.Sqrt(norm))
	}
	return vec
}

func encodeVector(vec []float32) string {
	b := make([]byte, 4*len(vec))
	for i, f := range vec {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return base64.StdEncoding.EncodeToString(b)
}
