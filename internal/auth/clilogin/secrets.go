package clilogin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/litellm-go/gateway/internal/secret"
)

const (
	// loginPrefix starts every login id, as in LiteLLM.
	loginPrefix = "cli-"
	// secretBytes is the entropy of login ids, poll secrets, browser
	// tokens and cookies: 256 bits, beyond guessing for the 600 seconds a
	// login lives.
	secretBytes = 32
	// codeAlphabet holds the 20 consonants RFC 8628 §6.1 suggests for
	// codes typed by people: no vowels (no words), nothing that looks like
	// a digit. Eight of them carry 34.5 bits.
	codeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"
	codeLength   = 8
)

// random returns n random bytes from s.rand, URL-safe base64 encoded.
func (s *Service) random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// userCode returns a code such as "BDFG-HJKL". Bytes at or above 240 are
// drawn again, so that each letter is equally likely (240 = 12 * 20).
func (s *Service) userCode() (string, error) {
	var out strings.Builder
	buf := make([]byte, 16)
	for out.Len() < codeLength+1 {
		if _, err := io.ReadFull(s.rand, buf); err != nil {
			return "", fmt.Errorf("read random: %w", err)
		}
		for _, b := range buf {
			if b >= 240 || out.Len() == codeLength+1 {
				continue
			}
			if out.Len() == codeLength/2 {
				out.WriteByte('-')
			}
			out.WriteByte(codeAlphabet[b%20])
		}
	}
	return out.String(), nil
}

// normalizeCode uppercases a typed code and drops separators, so that
// "bdfg hjkl" and "BDFG-HJKL" are the same code.
func normalizeCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r != '-' && r != ' ' && r != '\t' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// codeHash returns the stored form of a verification code. A code has
// only 34.5 bits: a plain hash of it, if the database leaked, would give
// up every code at once by brute force. Keyed with a secret that is not
// in the database, the hash gives up nothing; online guessing is what
// remains, and five tries per login (maxCodeAttempts) of a code that
// lives ten minutes leave it at 5 in 2^34.5.
func (s *Service) codeHash(code string) string {
	m := hmac.New(sha256.New, s.codeKey)
	m.Write([]byte(normalizeCode(code)))
	return hex.EncodeToString(m.Sum(nil))
}

// codeMatches reports, in constant time, whether code is the one stored.
func (s *Service) codeMatches(code, stored string) bool {
	return stored != "" && hmac.Equal([]byte(s.codeHash(code)), []byte(stored))
}

// pollSecretMatches compares a poll secret with its stored hash in
// constant time. Poll secrets have 256 random bits, so a plain SHA-256
// (secret.HashKey) is safe to store.
func pollSecretMatches(given, stored string) bool {
	return given != "" && stored != "" && secret.Equal(secret.HashKey(given), stored)
}

// bindingHash is the stored form of the browser binding: the one-time
// token of the complete form and the value of the cookie set with it.
// Both are needed to confirm the code, so the form alone, copied out of
// the page, is useless in another browser.
func bindingHash(token, cookie string) string {
	return secret.HashKey(token + "." + cookie)
}

// validLoginID reports whether id has the shape of a login id: the
// prefix, then 16 to 128 URL-safe characters. Ours carry 43.
func validLoginID(id string) bool {
	rest, ok := strings.CutPrefix(id, loginPrefix)
	if !ok || len(rest) < 16 || len(rest) > 128 {
		return false
	}
	for _, c := range []byte(rest) {
		if !isURLSafe(c) {
			return false
		}
	}
	return true
}

func isURLSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_'
}

// sealState seals value, the nonce or the PKCE verifier of a sign-in, for
// the auth state stored under stateHash: the database holds neither in
// clear, and a sealed value opens only in the row it was sealed for.
func (s *Service) sealState(stateHash, field, value string) string {
	return base64.RawURLEncoding.EncodeToString(s.sealer.Seal([]byte(value), stateAD(stateHash, field)))
}

// openState opens a value sealed by sealState.
func (s *Service) openState(stateHash, field, sealed string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return "", secret.ErrOpen
	}
	plain, err := s.sealer.Open(b, stateAD(stateHash, field))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

func stateAD(stateHash, field string) []byte {
	return []byte("litellm-gateway auth state " + field + " " + stateHash)
}
