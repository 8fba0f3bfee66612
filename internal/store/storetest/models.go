package storetest

import (
	"testing"
	"time"

	"github.com/litellm-go/gateway/internal/store"
)

var modelTests = []test{
	{"create and list", testModelCreateList},
	{"empty params come back nil", testModelEmpty},
	{"errors", testModelErrors},
}

func newModel(id string, created time.Time) *store.Model {
	return &store.Model{
		ID:        id,
		Name:      "gpt-4o",
		Params:    []byte("sealed\x00\xffbytes"),
		Info:      []byte(`{"id":"` + id + `"}`),
		CreatedAt: created,
	}
}

func testModelCreateList(t *testing.T, s store.Store) {
	m2 := newModel("m2", t0)
	m3 := newModel("m3", t0.Add(time.Minute))
	m1 := newModel("m1", t0)
	for _, m := range []*store.Model{m3, m2, m1} {
		must(t, s.CreateModel(t.Context(), m))
	}

	got, err := s.ListModels(t.Context())
	must(t, err)
	wantDiff(t, "ListModels", []*store.Model{m1, m2, m3}, got)
}

func testModelEmpty(t *testing.T, s store.Store) {
	before := time.Now().Truncate(time.Microsecond)
	must(t, s.CreateModel(t.Context(), &store.Model{ID: "m1", Name: "a", Info: []byte{}}))

	got, err := s.ListModels(t.Context())
	must(t, err)
	if len(got) != 1 {
		t.Fatalf("ListModels returned %d models, want 1", len(got))
	}
	if got[0].Params != nil || got[0].Info != nil {
		t.Errorf("Params, Info = %q, %q; want nil, nil", got[0].Params, got[0].Info)
	}
	if got[0].CreatedAt.Before(before) {
		t.Errorf("CreatedAt = %v, want set by the store", got[0].CreatedAt)
	}
}

func testModelErrors(t *testing.T, s store.Store) {
	must(t, s.CreateModel(t.Context(), newModel("m1", t0)))
	wantErr(t, s.CreateModel(t.Context(), newModel("m1", t0)), store.ErrExists)
	wantErr(t, s.DeleteModel(t.Context(), "nobody"), store.ErrNotFound)

	must(t, s.DeleteModel(t.Context(), "m1"))
	got, err := s.ListModels(t.Context())
	must(t, err)
	if len(got) != 0 {
		t.Errorf("ListModels after delete returned %d models, want none", len(got))
	}
}
