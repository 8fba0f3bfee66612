package messages

import (
	"errors"
	"strings"
	"testing"
)

func TestEstimateTokens(t *testing.T) {
	const tool = `{"name":"search","input_schema":{"type":"object"}}`
	body := `{"model":"m","system":"You are terse.",` +
		`"tools":[` + tool + `],"messages":[` +
		`{"role":"user","content":"Hello there"},` +
		`{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"search","input":{"q":"x"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"result!"},` +
		`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}`
	got, err := EstimateTokens([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	// Text: the system prompt (14 bytes), "Hello there" (11), the tool
	// use's name and input (6 + 9), the tool result (7) and the tool
	// definition; then 4 tokens a message, 8 a tool, 1,600 an image.
	text := 14 + 11 + 6 + 9 + 7 + len(tool)
	want := int64((text+3)/4 + 3*tokensPerMessage + tokensPerTool + tokensPerImage)
	if got != want {
		t.Errorf("EstimateTokens = %d, want %d", got, want)
	}

	longer, err := EstimateTokens([]byte(`{"messages":[{"role":"user","content":"` +
		strings.Repeat("a", 4000) + `"}]}`))
	if err != nil || longer != 1000+tokensPerMessage {
		t.Errorf("4,000 bytes of text: %d tokens, %v; want %d", longer, err, 1000+tokensPerMessage)
	}

	for name, bad := range map[string]string{
		"not JSON":           `{"messages":`,
		"no messages":        `{"model":"m","messages":[]}`,
		"content not blocks": `{"messages":[{"role":"user","content":42}]}`,
		"bad system":         `{"system":7,"messages":[{"role":"user","content":"hi"}]}`,
		"bad tool result":    `{"messages":[{"role":"user","content":[{"type":"tool_result","content":7}]}]}`,
	} {
		if n, err := EstimateTokens([]byte(bad)); err == nil {
			t.Errorf("%s: %d tokens, want an error", name, n)
		}
	}
	if _, err := EstimateTokens([]byte(`{"messages":[]}`)); !errors.Is(err, ErrNoMessages) {
		t.Errorf("no messages: err = %v, want ErrNoMessages", err)
	}
}
