package chat

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRequestUnions(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		stop   StringList
		choice *ToolChoice
	}{
		{"stop string", `{"stop":"END"}`, StringList{"END"}, nil},
		{"stop array", `{"stop":["a","b"]}`, StringList{"a", "b"}, nil},
		{"stop null", `{"stop":null}`, nil, nil},
		{"choice mode", `{"tool_choice":"required"}`, nil, &ToolChoice{Mode: "required"}},
		{"choice function", `{"tool_choice":{"type":"function","function":{"name":"f"}}}`,
			nil, &ToolChoice{Mode: ToolChoiceFunction, Name: "f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Request
			if err := json.Unmarshal([]byte(tt.body), &r); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.stop, r.Stop); diff != "" {
				t.Errorf("stop (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.choice, r.ToolChoice); diff != "" {
				t.Errorf("tool_choice (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToolChoiceRoundTrip(t *testing.T) {
	for _, in := range []string{`"auto"`, `"none"`, `{"type":"function","function":{"name":"f"}}`} {
		var c ToolChoice
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != in {
			t.Errorf("round trip of %s gave %s", in, out)
		}
	}
	var c ToolChoice
	if err := json.Unmarshal([]byte(`{"type":"function"}`), &c); err == nil {
		t.Error("a function choice without a name was accepted")
	}
}

func TestParts(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []Part
	}{
		{"string", `"hi"`, []Part{{Type: "text", Text: "hi"}}},
		{"null", `null`, nil},
		{"absent", ``, nil},
		{"array", `[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]`,
			[]Part{{Type: "text", Text: "a"}, {Type: "image_url", ImageURL: &ImageURL{URL: "https://x/y.png"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Message{Role: "user", Content: json.RawMessage(tt.content)}
			got, err := m.Parts()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parts (-want +got):\n%s", diff)
			}
		})
	}
}
