package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
)

// CSRF issues and checks signed double-submit tokens for forms that no
// session binds yet, such as the login form.
//
// The browser holds a random value in a cookie; the form carries an HMAC
// of that value under the gateway's key. A cross-site page can neither
// read the cookie nor compute the HMAC, and one that manages to plant a
// cookie (from a sibling subdomain, say) still cannot sign it, which a
// plain double-submit cookie would not survive. Several replicas with the
// same key accept each other's tokens.
type CSRF struct {
	key  []byte
	rand io.Reader
}

// Cookie names of the CSRF value: the __Host- prefix, allowed only over
// HTTPS, also stops subdomains from setting it.
const (
	csrfCookie       = "litellm_csrf"
	csrfCookieSecure = "__Host-litellm_csrf"
	csrfValueBytes   = 32
)

// NewCSRF returns a CSRF keyed with key, which must hold at least 32
// bytes of secret. entropy is read for new cookies; nil means
// crypto/rand.Reader.
func NewCSRF(key []byte, entropy io.Reader) (*CSRF, error) {
	if len(key) < 32 {
		return nil, errors.New("new csrf: key shorter than 32 bytes")
	}
	if entropy == nil {
		entropy = rand.Reader
	}
	return &CSRF{key: key, rand: entropy}, nil
}

// Token returns the token for a form on the page being answered. It
// reuses the browser's cookie when it has one, else sets a new one; secure
// marks the cookie Secure, for a gateway served over HTTPS.
func (c *CSRF) Token(w http.ResponseWriter, r *http.Request, secure bool) (string, error) {
	if v := cookieValue(r, secure); v != "" {
		return c.sign(v), nil
	}
	b := make([]byte, csrfValueBytes)
	if _, err := io.ReadFull(c.rand, b); err != nil {
		return "", err
	}
	v := base64.RawURLEncoding.EncodeToString(b)
	name := csrfCookie
	if secure {
		name = csrfCookieSecure
	}
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: v, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode,
	})
	return c.sign(v), nil
}

// Check reports whether token, from a submitted form, belongs to the
// browser's cookie. It compares in constant time.
func (c *CSRF) Check(r *http.Request, token string, secure bool) bool {
	v := cookieValue(r, secure)
	if v == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(token), []byte(c.sign(v)))
}

func (c *CSRF) sign(v string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("litellm csrf v1\x00"))
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func cookieValue(r *http.Request, secure bool) string {
	name := csrfCookie
	if secure {
		name = csrfCookieSecure
	}
	ck, err := r.Cookie(name)
	if err != nil || len(ck.Value) > 64 {
		return ""
	}
	return ck.Value
}
