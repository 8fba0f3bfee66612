package provider_test

import (
	"context"
	"fmt"
	"os"

	"github.com/litellm-go/gateway/internal/gateway/provider"
)

// The gateway's request path: pick the adapter once, then for each client
// request send it, copy the answer (event by event for a stream) and count
// the usage.
func Example() {
	text := "Hello there"
	d := &provider.Deployment{Provider: "openai", UpstreamModel: "gpt-4o", MockResponse: &text}
	a, err := provider.For(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	body := []byte(`{"model":"demo","stream":true,"messages":[{"role":"user","content":"Hi"}]}`)
	resp, err := a.Do(context.Background(), d, &provider.Request{Op: provider.OpChat, Body: body, Stream: true})
	if err != nil {
		fmt.Println(err) // an *UpstreamError says whether to retry
		return
	}
	defer resp.Close()
	if _, err := resp.WriteTo(os.Stdout); err != nil {
		fmt.Println(err)
	}
	fmt.Println(resp.Header.Get("Content-Type"), resp.Usage.TotalTokens)
}
