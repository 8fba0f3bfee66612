package rawjson

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestGet(t *testing.T) {
	tests := []struct {
		name, obj, key, want string
	}{
		{"first", `{"model":"a","x":1}`, "model", `"a"`},
		{"after nested", `{"messages":[{"model":"no","c":"}]\"{"}],"model":"b"}`, "model", `"b"`},
		{"spaces", " {\n \"model\" : \"c\" ,\"n\":null } ", "model", `"c"`},
		{"number", `{"a":{"b":2},"n":-1.5e3}`, "n", `-1.5e3`},
		{"object", `{"usage":{"prompt_tokens":3}}`, "usage", `{"prompt_tokens":3}`},
		{"last duplicate wins", `{"model":"a","model":"b"}`, "model", `"b"`},
		{"escaped key", `{"mo\u0064el":"e"}`, "model", `"e"`},
		{"escaped quote in value", `{"s":"a\\\"b","model":"f"}`, "model", `"f"`},
		{"backslash before quote", `{"s":"a\\\\","model":"g"}`, "model", `"g"`},
		{"absent", `{"a":1}`, "model", ""},
		{"empty object", `{}`, "model", ""},
		{"not an object", `["model"]`, "model", ""},
		{"truncated", `{"model":"a`, "model", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Get([]byte(tt.obj), tt.key)); got != tt.want {
				t.Errorf("Get(%s, %q) = %s, want %s", tt.obj, tt.key, got, tt.want)
			}
		})
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name, obj, val, want string
	}{
		{"replace", `{"model":"pub","n":1}`, `"up"`, `{"model":"up","n":1}`},
		{"replace last", `{"model":"a","x":[1,2],"model":"b"}`, `"up"`, `{"model":"a","x":[1,2],"model":"up"}`},
		{"add", `{"n":1}`, `"up"`, `{"model":"up","n":1}`},
		{"add to empty", `{ }`, `"up"`, `{"model":"up" }`},
		{"add keeps spacing", ` { "n": 1 }`, `"up"`, ` {"model":"up", "n": 1 }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Set([]byte(tt.obj), "model", []byte(tt.val))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Set = %s, want %s", got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("Set produced invalid JSON %s", got)
			}
		})
	}
}

func TestSetMalformed(t *testing.T) {
	for _, obj := range []string{``, `[]`, `{"a" 1}`, `{"a":1,}`, `{"a":"x`, `{"a":1 "b":2}`} {
		if _, err := Set([]byte(obj), "model", []byte(`"x"`)); !errors.Is(err, ErrSyntax) {
			t.Errorf("Set(%q) error = %v, want ErrSyntax", obj, err)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{`"plain"`, "plain", true},
		{`"tab\tand \u00e9"`, "tab\tand é", true},
		{`12`, "", false},
		{`"`, "", false},
	}
	for _, tt := range tests {
		got, ok := String([]byte(tt.raw))
		if got != tt.want || ok != tt.ok {
			t.Errorf("String(%s) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

func BenchmarkSetModel(b *testing.B) {
	body := []byte(`{"messages":[{"role":"system","content":"You are terse."},` +
		`{"role":"user","content":"Say \"hello\" in three languages, please."}],` +
		`"model":"gpt-4o","temperature":0.2,"stream":false}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Set(body, "model", []byte(`"gpt-4o-2024-08-06"`)); err != nil {
			b.Fatal(err)
		}
	}
}
