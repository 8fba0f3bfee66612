package provider

import (
	"context"
	"net/http"
	"testing"
)

// BenchmarkRoundTrip compares h1Transport with net/http's Transport on a
// chat-sized request and answer over loopback. The server runs in the
// same process and costs the same in both.
func BenchmarkRoundTrip(b *testing.B) {
	url := benchServer(b).URL + "/v1/chat/completions"
	transports := []struct {
		name string
		rt   func() http.RoundTripper
	}{
		{"h1Transport", func() http.RoundTripper {
			tr := newH1Transport(nil)
			tr.proxy = nil
			return tr
		}},
		{"http.Transport", func() http.RoundTripper { return netTransport.Clone() }},
	}
	for _, tt := range transports {
		b.Run(tt.name, func(b *testing.B) {
			rt := tt.rt()
			defer rt.(interface{ CloseIdleConnections() }).CloseIdleConnections()
			b.ReportAllocs()
			for b.Loop() {
				benchRoundTrip(b, rt, url)
			}
		})
		b.Run(tt.name+"/parallel", func(b *testing.B) {
			rt := tt.rt()
			defer rt.(interface{ CloseIdleConnections() }).CloseIdleConnections()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					benchRoundTrip(b, rt, url)
				}
			})
		})
	}
}

// benchRoundTrip sends what the OpenAI adapter sends and reads the answer
// as it does.
func benchRoundTrip(b *testing.B, rt http.RoundTripper, url string) {
	ctx, cancel := context.WithCancel(context.Background()) // as a server's request has
	defer cancel()
	req, err := newPost(ctx, url, []byte(benchRequest))
	if err != nil {
		b.Fatal(err)
	}
	req.Header["Content-Type"] = jsonType
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := ReadAll(resp.Body, resp.ContentLength)
	resp.Body.Close()
	if err != nil || len(body) != len(benchAnswer) {
		b.Fatalf("answer of %d bytes, %v", len(body), err)
	}
}
