// Package rawjson reads and replaces members of a JSON object in place,
// without decoding the rest of the document. The gateway uses it on the hot
// path to swap the "model" of a request or to find the "usage" of a response
// while forwarding everything else byte for byte.
//
// It checks structure only as far as it needs to find members: a document
// that is not valid JSON may be accepted, and is then the upstream's to
// reject.
package rawjson

import (
	"bytes"
	"encoding/json"
	"errors"
)

// ErrSyntax reports a document whose structure could not be followed.
var ErrSyntax = errors.New("rawjson: malformed JSON")

// Get returns the raw value of member key of the object obj, or nil when obj
// is not an object or has no such member.
func Get(obj []byte, key string) []byte {
	start, end, err := find(obj, key)
	if err != nil || start < 0 {
		return nil
	}
	return obj[start:end]
}

// Set returns a copy of the object obj whose member key has the raw JSON
// value val, added at the front when absent. The key is written as given, so
// it must not need escaping. obj is not modified.
func Set(obj []byte, key string, val []byte) ([]byte, error) {
	start, end, err := find(obj, key)
	if err != nil {
		return nil, err
	}
	if start >= 0 {
		out := make([]byte, 0, len(obj)-(end-start)+len(val))
		out = append(out, obj[:start]...)
		out = append(out, val...)
		return append(out, obj[end:]...), nil
	}

	open := skipSpace(obj, 0) // find succeeded, so obj[open] is '{'
	rest := obj[open+1:]
	out := make([]byte, 0, len(obj)+len(key)+len(val)+4)
	out = append(out, obj[:open+1]...)
	out = append(out, '"')
	out = append(out, key...)
	out = append(out, '"', ':')
	out = append(out, val...)
	if rest := bytes.TrimLeft(rest, " \t\r\n"); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...), nil
}

// String returns the value of a raw JSON string, or false when raw is not a
// string.
func String(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// IsNull reports whether raw is absent or the JSON literal null.
func IsNull(raw []byte) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// find returns the span of the value of the last member named key, or -1
// when there is none. RFC 8259 section 4 leaves duplicate names to the
// parser; nearly every parser keeps the last, so that is the one that
// matters to an upstream and the one a rewrite must replace.
func find(obj []byte, key string) (start, end int, err error) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return -1, -1, ErrSyntax
	}
	start, end = -1, -1
	i = skipSpace(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return start, end, nil
	}
	for i < len(obj) {
		if obj[i] != '"' {
			return -1, -1, ErrSyntax
		}
		k0 := i
		if i, err = skipString(obj, i); err != nil {
			return -1, -1, err
		}
		match := keyEqual(obj[k0:i], key)
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != ':' {
			return -1, -1, ErrSyntax
		}
		v0 := skipSpace(obj, i+1)
		if i, err = skipValue(obj, v0); err != nil {
			return -1, -1, err
		}
		if match {
			start, end = v0, i
		}
		i = skipSpace(obj, i)
		if i < len(obj) && obj[i] == '}' {
			return start, end, nil
		}
		if i >= len(obj) || obj[i] != ',' {
			return -1, -1, ErrSyntax
		}
		i = skipSpace(obj, i+1)
	}
	return -1, -1, ErrSyntax
}

// keyEqual compares a raw JSON string with key, decoding escapes only when
// the raw form has some.
func keyEqual(raw []byte, key string) bool {
	if len(raw) == len(key)+2 && string(raw[1:len(raw)-1]) == key {
		return true
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return false
	}
	s, ok := String(raw)
	return ok && s == key
}
