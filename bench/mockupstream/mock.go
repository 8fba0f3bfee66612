// Package mockupstream is an OpenAI-format upstream for benchmarks: it
// answers chat completions with a fixed answer, whole or streamed in
// chunks at a fixed interval, after a fixed latency. Every answer is
// rendered once, when the server is built, so that a request costs little
// more than net/http's own work and the mock is never what a benchmark
// measures.
//
// Routes:
//
//	POST /v1/chat/completions, /chat/completions   a completion, or a stream
//	GET  /v1/models, /models                      the one model
//
// Use it in process as an http.Handler (New), or as a process of its own
// (Main, the mockupstream command), which keeps its CPU time apart from
// the gateway's and the load generator's.
package mockupstream

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Options shape the answers.
type Options struct {
	// Latency is waited before the response headers, as an upstream's
	// time to first token.
	Latency time.Duration
	// Chunks is the number of tokens of an answer: the content chunks of
	// a stream. Zero means DefaultChunks.
	Chunks int
	// Interval is waited between the chunks of a stream; zero sends them
	// back to back.
	Interval time.Duration
	// Model is the model named in answers; empty means DefaultModel.
	Model string
}

// Defaults of Options.
const (
	DefaultChunks = 20
	DefaultModel  = "bench-model"
)

// maxBody bounds the request bodies the mock reads.
const maxBody = 1 << 20

// Server is the mock's handler. It is safe for concurrent use.
type Server struct {
	opts  Options
	mux   *http.ServeMux
	plain []byte    // the whole answer
	size  []string  // its Content-Length
	chunk [2]stream // [0] without usage, [1] with "stream_options": {"include_usage": true}
	list  []byte    // the model list
}

// New returns a mock upstream.
func New(opts Options) *Server {
	if opts.Chunks <= 0 {
		opts.Chunks = DefaultChunks
	}
	if opts.Model == "" {
		opts.Model = DefaultModel
	}
	s := &Server{opts: opts, mux: http.NewServeMux()}
	a := newAnswer(opts.Model, opts.Chunks, time.Now().Unix())
	s.plain = a.completion()
	s.size = []string{strconv.Itoa(len(s.plain))}
	s.chunk[0] = a.stream(false)
	s.chunk[1] = a.stream(true)
	s.list = a.models()

	s.mux.HandleFunc("POST /v1/chat/completions", s.complete)
	s.mux.HandleFunc("POST /chat/completions", s.complete)
	s.mux.HandleFunc("GET /v1/models", s.models)
	s.mux.HandleFunc("GET /models", s.models)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Header values shared by every response; net/http only reads them.
var (
	jsonType   = []string{"application/json"}
	streamType = []string{"text/event-stream"}
	noCache    = []string{"no-cache"}
)

var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	bp := bodies.Get().(*[]byte)
	defer bodies.Put(bp)
	body, err := readBody(r.Body, (*bp)[:0])
	*bp = body[:0]
	if err != nil {
		http.Error(w, `{"error":{"message":"cannot read the request body","type":"invalid_request_error"}}`,
			http.StatusBadRequest)
		return
	}
	stream := boolField(body, `"stream"`)
	usage := stream && boolField(body, `"include_usage"`)

	if !s.wait(r, s.opts.Latency) {
		return
	}
	if stream {
		s.stream(w, r, &s.chunk[b2i(usage)])
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Content-Length"] = s.size
	w.Write(s.plain)
}

// stream writes the chunks of st, flushing each at its time: the first at
// once, chunk i at i intervals from the first, measured from the start so
// that sleeping late does not add up.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, st *stream) {
	h := w.Header()
	h["Content-Type"] = streamType
	h["Cache-Control"] = noCache
	rc := http.NewResponseController(w)
	start := time.Now()
	for i, c := range st.tokens {
		if i > 0 && !s.wait(r, time.Until(start.Add(time.Duration(i)*s.opts.Interval))) {
			return
		}
		if _, err := w.Write(c); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
	w.Write(st.tail)
	rc.Flush()
}

// wait sleeps for d unless the client goes away first, and reports
// whether to go on.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	w.Header()["Content-Type"] = jsonType
	w.Write(s.list)
}

// readBody appends r to buf, up to maxBody.
func readBody(r io.Reader, buf []byte) ([]byte, error) {
	lr := io.LimitedReader{R: r, N: maxBody + 1}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if len(buf) > maxBody {
				return buf, io.ErrShortBuffer
			}
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// boolField reports whether body holds key followed by a colon and true.
// Inside a JSON string every quote is escaped, so an unescaped "key"
// followed by a colon can only be a key: the mock needs two booleans and
// does not decode the request for them.
func boolField(body []byte, key string) bool {
	for {
		i := bytes.Index(body, []byte(key))
		if i < 0 {
			return false
		}
		body = body[i+len(key):]
		rest := bytes.TrimLeft(body, " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if bytes.HasPrefix(rest, []byte("true")) {
			return true
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
