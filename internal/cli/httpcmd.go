package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

func (a *app) newHTTPCmd() *cobra.Command {
	return newGroup("http", "Send raw requests to the gateway", a.newHTTPRequestCmd())
}

func (a *app) newHTTPRequestCmd() *cobra.Command {
	var (
		data    string
		headers []string
	)
	cmd := &cobra.Command{
		Use:   "request METHOD PATH",
		Short: "Send one request and print the response body",
		Long: "Send one request to the gateway with your credential and print the response\n" +
			"body, indented when it is JSON. A status other than 2xx is reported on stderr;\n" +
			"4xx and 5xx also make the exit code non-zero.",
		Example: "  litellm-proxy http request GET /v1/models\n" +
			"  litellm-proxy http request POST /v1/chat/completions -d @request.json\n" +
			`  litellm-proxy http request POST /key/generate -d '{"models":["gpt-4o"]}'`,
		Args: exactArgs("METHOD", "PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			method, path, err := requestLine(args[0], args[1])
			if err != nil {
				return err
			}
			h, err := parseHeaders(headers)
			if err != nil {
				return err
			}
			body, err := a.requestBody(cmd, data, h)
			if err != nil {
				return err
			}
			c, err := a.client(cmd)
			if err != nil {
				return err
			}
			resp, err := c.Do(cmd.Context(), method, path, body, h)
			if err != nil {
				return err
			}
			if err := writeBody(a.stdout, resp.Body); err != nil {
				return err
			}
			switch {
			case resp.Status >= 400:
				return c.ErrorFrom(resp)
			case resp.Status < 200 || resp.Status > 299:
				fmt.Fprintf(a.stderr, "HTTP %d %s\n", resp.Status, http.StatusText(resp.Status))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&data, "data", "d", "",
		"request body: JSON text, @FILE to read a file, or @- to read stdin")
	cmd.Flags().StringArrayVarP(&headers, "header", "H", nil,
		"request header as 'Name: value'; repeat for several")
	return cmd
}

// requestLine checks the method and path. The path must be a path on the
// gateway: a full URL would send the credential to whatever host it names.
func requestLine(method, path string) (string, string, error) {
	method = strings.ToUpper(method)
	notLetter := func(r rune) bool { return r < 'A' || r > 'Z' }
	if method == "" || strings.IndexFunc(method, notLetter) >= 0 {
		return "", "", usageErrorf("METHOD %q is not an HTTP method such as GET or POST", method)
	}
	u, err := url.Parse(path)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(path, "//") {
		return "", "", usageErrorf("PATH %q must be a path on the gateway such as /v1/models; "+
			"use --base-url to choose the gateway", path)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return method, path, nil
}

// parseHeaders reads 'Name: value' pairs, as curl's -H takes them.
func parseHeaders(lines []string) (http.Header, error) {
	h := http.Header{}
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, usageErrorf("header %q is not in the form 'Name: value'", l)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	return h, nil
}

// requestBody returns the body given by -d, nil when there is none, and
// marks it as JSON unless a Content-Type header was given.
func (a *app) requestBody(cmd *cobra.Command, data string, h http.Header) (io.Reader, error) {
	if !cmd.Flags().Changed("data") {
		return nil, nil
	}
	b := []byte(data)
	switch {
	case data == "@-":
		var err error
		if b, err = io.ReadAll(a.stdin); err != nil {
			return nil, fmt.Errorf("read the request body from stdin: %w", err)
		}
	case strings.HasPrefix(data, "@"):
		var err error
		if b, err = os.ReadFile(data[1:]); err != nil {
			return nil, usageErrorf("read the request body: %v", err)
		}
	}
	if h.Get("Content-Type") == "" && json.Valid(b) {
		h.Set("Content-Type", "application/json")
	}
	return bytes.NewReader(b), nil
}

// writeBody prints a response body, indented when it is JSON and as it
// came otherwise.
func writeBody(w io.Writer, body []byte) error {
	if len(body) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if json.Indent(&buf, body, "", "  ") == nil {
		buf.WriteByte('\n')
		_, err := w.Write(buf.Bytes())
		return err
	}
	_, err := w.Write(body)
	return err
}
