package sso

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"
)

// fakeUsers finds users by lowercase email or by id.
type fakeUsers struct {
	users []LocalUser
	err   error
}

func (f *fakeUsers) UserByLogin(_ context.Context, login string) (LocalUser, error) {
	if f.err != nil {
		return LocalUser{}, f.err
	}
	for _, u := range f.users {
		if strings.EqualFold(u.Email, login) || u.ID == login {
			return u, nil
		}
	}
	return LocalUser{}, fmt.Errorf("user %q: %w", login, ErrNoUser)
}

func hash(t testing.TB, password string, cost int) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func testUsers(t testing.TB) *fakeUsers {
	return &fakeUsers{users: []LocalUser{
		{ID: "u1", Email: "jane@example.com", Role: "internal_user",
			PasswordHash: hash(t, "jane-pw", bcrypt.MinCost)},
		{ID: "u2", Email: "bob@example.com", PasswordHash: hash(t, "bob-pw", bcrypt.MinCost)},
		{ID: "u3", Email: "nopw@example.com", Role: "internal_user"},
	}}
}

// newLocalAuth is NewLocalAuth with a stand-in hash as cheap as the
// test users' hashes: bcrypt at its default cost is slow under -race.
func newLocalAuth(t *testing.T, env map[string]string, opts LocalOptions) *LocalAuth {
	t.Helper()
	l, err := NewLocalAuth(mapEnv(env), "sk-master", opts)
	if err != nil {
		t.Fatal(err)
	}
	dummy := hash(t, "nobody knows", bcrypt.MinCost)
	l.dummy = func() string { return dummy }
	return l
}

func TestLocalAuthCheck(t *testing.T) {
	users := testUsers(t)
	tests := []struct {
		name     string
		env      map[string]string
		users    Users
		login    string
		password string
		want     *LocalIdentity
		err      error
	}{
		{name: "admin with UI_PASSWORD", env: map[string]string{"UI_USERNAME": "root", "UI_PASSWORD": "ui-pw"},
			login: "root", password: "ui-pw",
			want: &LocalIdentity{UserID: "default_user_id", Role: "proxy_admin", Admin: true}},
		{name: "admin with the master key", login: "admin", password: "sk-master",
			want: &LocalIdentity{UserID: "default_user_id", Role: "proxy_admin", Admin: true}},
		{name: "master key refused once UI_PASSWORD is set", env: map[string]string{"UI_PASSWORD": "ui-pw"},
			login: "admin", password: "sk-master", err: ErrInvalidCredentials},
		{name: "admin id from PROXY_ADMIN_ID", env: map[string]string{"PROXY_ADMIN_ID": "root-id"},
			login: "admin", password: "sk-master",
			want: &LocalIdentity{UserID: "root-id", Role: "proxy_admin", Admin: true}},
		{name: "user by email", users: users, login: " Jane@Example.com ", password: "jane-pw",
			want: &LocalIdentity{UserID: "u1", Email: "jane@example.com", Role: "internal_user"}},
		{name: "user by id, without a role", users: users, login: "u2", password: "bob-pw",
			want: &LocalIdentity{UserID: "u2", Email: "bob@example.com", Role: "internal_user_viewer"}},
		{name: "wrong password", users: users, login: "jane@example.com", password: "guess",
			err: ErrInvalidCredentials},
		{name: "unknown user", users: users, login: "eve@example.com", password: "guess",
			err: ErrInvalidCredentials},
		{name: "user without a password", users: users, login: "nopw@example.com", password: "",
			err: ErrInvalidCredentials},
		{name: "admin name, user password", users: users, login: "admin", password: "jane-pw",
			err: ErrInvalidCredentials},
		{name: "no user store", login: "jane@example.com", password: "jane-pw",
			err: ErrInvalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLocalAuth(t, tt.env, LocalOptions{Users: tt.users})
			got, err := l.Check(t.Context(), tt.login, tt.password, "192.0.2.1:5000")
			if err != tt.err { // the same value whatever went wrong
				t.Fatalf("Check: %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLocalAuthStoreFailure(t *testing.T) {
	down := errors.New("database is down")
	l := newLocalAuth(t, nil, LocalOptions{Users: &fakeUsers{err: down}})
	for range 10 { // not counted as failures: no lockout
		_, err := l.Check(t.Context(), "jane@example.com", "jane-pw", "192.0.2.1:5000")
		if !errors.Is(err, down) {
			t.Fatalf("Check: %v, want %v", err, down)
		}
	}
}

func TestNewLocalAuthNeedsAPassword(t *testing.T) {
	env := mapEnv(map[string]string{"UI_USERNAME": "root"})
	if _, err := NewLocalAuth(env, "", LocalOptions{}); err == nil {
		t.Error("NewLocalAuth without UI_PASSWORD or master key: no error")
	}
}

// TestLocalAuthTiming checks that an unknown user costs a bcrypt
// comparison, as a known user with a wrong password does, and that the
// stand-in hash has the cost the gateway stores passwords with.
func TestLocalAuthTiming(t *testing.T) {
	if got, err := bcrypt.Cost([]byte(dummyHash())); err != nil || got != bcrypt.DefaultCost {
		t.Errorf("stand-in hash cost %d, %v; want %d", got, err, bcrypt.DefaultCost)
	}

	const cost = 7 // enough to stand out from a map lookup, quick under -race
	users := &fakeUsers{users: []LocalUser{{ID: "u1", Email: "jane@example.com",
		PasswordHash: hash(t, "jane-pw", cost)}}}
	l := newLocalAuth(t, nil, LocalOptions{Users: users,
		Throttle: ThrottleOptions{AccountFailures: 100, AddressFailures: 100}})
	dummy := hash(t, "nobody knows", cost)
	l.dummy = func() string { return dummy }
	fastest := func(login string) time.Duration {
		best := time.Hour
		for range 5 {
			start := time.Now()
			l.Check(t.Context(), login, "guess", "")
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := fastest("jane@example.com"), fastest("eve@example.com")
	if unknown*3 < known {
		t.Errorf("unknown user took %s, a wrong password %s: response times reveal who exists", unknown, known)
	}
}

func TestLocalAuthThrottles(t *testing.T) {
	clock := newFakeClock()
	l := newLocalAuth(t, nil, LocalOptions{Users: testUsers(t), Now: clock.Now})
	check := func(password, addr string) error {
		_, err := l.Check(t.Context(), "jane@example.com", password, addr)
		return err
	}
	for i := range 5 {
		if err := check("guess", fmt.Sprintf("192.0.2.%d:1", i)); err != ErrInvalidCredentials {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	err := check("jane-pw", "198.51.100.7:1")
	var te *ThrottledError
	if !errors.As(err, &te) || te.RetryAfter != time.Minute {
		t.Fatalf("right password during the lockout: %v, want a one-minute *ThrottledError", err)
	}
	clock.Advance(time.Minute)
	if err := check("jane-pw", "198.51.100.7:1"); err != nil {
		t.Errorf("right password after the lockout: %v", err)
	}
}
