package clilogin

import (
	"bytes"
	"strings"
	"testing"
)

// TestUserCodeRejectsBiasedBytes: bytes from 240 up would favour the
// first letters of the alphabet, so they are skipped.
func TestUserCodeRejectsBiasedBytes(t *testing.T) {
	in := append(bytes.Repeat([]byte{255, 240}, 4), 0, 1, 19, 20, 239, 21, 22, 23)
	s := &Service{rand: bytes.NewReader(append(in, make([]byte, 16)...))}
	code, err := s.userCode()
	if err != nil {
		t.Fatal(err)
	}
	// 0→B 1→C 19→Z 20→B | 239→Z (239%20=19) 21→C 22→D 23→F
	if code != "BCZB-ZCDF" {
		t.Errorf("userCode = %q, want BCZB-ZCDF", code)
	}
	if _, err := (&Service{rand: strings.NewReader("")}).userCode(); err == nil {
		t.Error("userCode without entropy succeeded")
	}
}

func TestCodeHash(t *testing.T) {
	s := &Service{codeKey: []byte("k")}
	h := s.codeHash("BCDF-GHJK")
	for _, typed := range []string{"BCDF-GHJK", "bcdfghjk", " bcdf ghjk ", "BcDf-gHjK"} {
		if !s.codeMatches(typed, h) {
			t.Errorf("%q does not match", typed)
		}
	}
	for _, typed := range []string{"", "BCDF-GHJL", "BCDFGHJ"} {
		if s.codeMatches(typed, h) {
			t.Errorf("%q matches", typed)
		}
	}
	if other := (&Service{codeKey: []byte("other")}).codeHash("BCDF-GHJK"); other == h {
		t.Error("the hash does not depend on the key")
	}
}
