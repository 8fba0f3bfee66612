// Package loadgen drives HTTP load at a server on the loopback interface
// and measures it: a closed loop of workers, each with its own keep-alive
// HTTP/1.1 connection, sending one request after another for a duration
// or a number of requests. It records every request's latency in a
// fixed-size histogram, counts errors, and for streamed chat completions
// the time to the first server-sent event (TTFT) and the gaps between
// events. Search steps the concurrency upward to find the highest
// throughput a server sustains within a latency budget.
package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Target is the request every worker sends.
type Target struct {
	URL    string      // such as http://127.0.0.1:4000/v1/chat/completions
	Header http.Header // such as Authorization
	// Body is POSTed; nil sends a GET.
	Body []byte
	// Stream reads the answer as server-sent events, recording TTFT and
	// the gaps between events, and fails a stream that does not end with
	// "data: [DONE]".
	Stream bool
}

// Config bounds a run. At least one of Duration and Requests must be set.
type Config struct {
	Concurrency int           // workers, each with one connection; 0 means 1
	Duration    time.Duration // measured time; 0 means MaxDuration
	Requests    int64         // measured requests in all; 0 means no limit
	Warmup      time.Duration // unmeasured time first, on the same connections
	Timeout     time.Duration // per request; 0 means 10 s
}

// MaxDuration bounds a run whose Config gives only a request count.
const MaxDuration = time.Minute

// Result is what a run measured, after its warm-up.
type Result struct {
	Concurrency int
	Requests    int64 // completed, including errors
	Errors      int64
	// FirstError describes the first error, for the report; empty when
	// there was none.
	FirstError string
	Elapsed    time.Duration // from the end of warm-up to the last answer
	Latency    *Histogram    // request sent to the end of the answer
	TTFT       *Histogram    // streams: request sent to the first data event
	Gap        *Histogram    // streams: between consecutive token events
}

// Throughput returns completed requests per second.
func (r *Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Merge adds the counts of o, a run of the same target, to r; elapsed
// times add up, as for runs made one after the other.
func (r *Result) Merge(o *Result) {
	r.Requests += o.Requests
	r.Errors += o.Errors
	if r.FirstError == "" {
		r.FirstError = o.FirstError
	}
	r.Elapsed += o.Elapsed
	r.Latency.Merge(o.Latency)
	r.TTFT.Merge(o.TTFT)
	r.Gap.Merge(o.Gap)
}

func newResult(concurrency int) *Result {
	return &Result{Concurrency: concurrency, Latency: NewHistogram(),
		TTFT: NewHistogram(), Gap: NewHistogram()}
}

// Run sends t's request from cfg.Concurrency workers until the duration
// or the request count is reached, or ctx is done. Only errors that stop
// the run itself are returned; failed requests are counted in the result.
func Run(ctx context.Context, t Target, cfg Config) (*Result, error) {
	req, addr, err := prepare(t)
	if err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)

	start := time.Now()
	r := &run{t: t, cfg: cfg, req: req, addr: addr,
		measureFrom: start.Add(cfg.Warmup), stop: start.Add(cfg.Warmup + cfg.Duration)}
	results := make([]*Result, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range results {
		results[i] = newResult(cfg.Concurrency)
		wg.Go(func() { r.work(ctx, results[i]) })
	}
	wg.Wait()

	total := newResult(cfg.Concurrency)
	for _, w := range results {
		total.Merge(w)
	}
	total.Elapsed = time.Since(r.measureFrom)
	if total.Requests == 0 && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return total, nil
}

func withDefaults(c Config) Config {
	c.Concurrency = max(c.Concurrency, 1)
	if c.Duration <= 0 {
		c.Duration = MaxDuration
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	return c
}

// prepare checks t and renders its request. Only loopback servers are
// accepted: the tool measures a gateway on the same machine, and must
// never be pointed at a shared host.
func prepare(t Target) (req []byte, addr string, err error) {
	u, err := url.Parse(t.URL)
	if err != nil {
		return nil, "", fmt.Errorf("target: %w", err)
	}
	if u.Scheme != "http" {
		return nil, "", fmt.Errorf("target %s: only http:// is supported", t.URL)
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() || u.Port() == "" {
		return nil, "", fmt.Errorf("target %s: want a loopback IP address and port", t.URL)
	}
	return buildRequest(u.Host, u.RequestURI(), t.Header, t.Body), u.Host, nil
}

// run is the shared state of one Run.
type run struct {
	t           Target
	cfg         Config
	req         []byte
	addr        string
	measureFrom time.Time
	stop        time.Time
	claimed     atomic.Int64
}

// work is one worker: it sends requests until the run is over, recording
// those that started after the warm-up into res.
func (r *run) work(ctx context.Context, res *Result) {
	c := newConn(r.addr)
	defer c.close()
	for ctx.Err() == nil {
		begin := time.Now()
		if !begin.Before(r.stop) {
			return
		}
		measured := !begin.Before(r.measureFrom)
		if measured && r.cfg.Requests > 0 && r.claimed.Add(1) > r.cfg.Requests {
			return
		}
		err := r.once(c, begin, res, measured)
		if !measured {
			continue
		}
		res.Requests++
		if err != nil {
			res.Errors++
			if res.FirstError == "" {
				res.FirstError = err.Error()
			}
		}
	}
}

// once sends one request on c and reads the whole answer.
func (r *run) once(c *conn, begin time.Time, res *Result, measured bool) error {
	resp, err := c.roundTrip(r.req, begin.Add(r.cfg.Timeout))
	if err != nil {
		return err
	}
	var first time.Time
	if r.t.Stream && resp.StatusCode == http.StatusOK {
		gaps := res.Gap
		if !measured {
			gaps = nil
		}
		first, err = readStream(c.lines, resp.Body, gaps)
	} else {
		err = drain(resp)
	}
	end := time.Now()
	c.finish(resp, err)
	if err != nil || !measured {
		return err
	}
	res.Latency.Record(end.Sub(begin))
	if r.t.Stream {
		res.TTFT.Record(first.Sub(begin))
	}
	return nil
}

// errStatus is a response whose status was not 200.
type errStatus struct {
	code int
	body string
}

func (e *errStatus) Error() string { return fmt.Sprintf("status %d: %s", e.code, e.body) }

// drain reads a whole body, failing non-200 responses with the start of
// their body.
func drain(resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		buf := make([]byte, 300)
		n, _ := resp.Body.Read(buf)
		return &errStatus{code: resp.StatusCode, body: string(buf[:n])}
	}
	_, err := discard(resp.Body)
	return err
}
