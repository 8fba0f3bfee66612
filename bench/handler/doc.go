// Package handler holds in-process benchmarks of the gateway's HTTP
// handler serving chat completions from the mock upstream: the handler's
// own CPU time and allocations per request, without the other processes
// of a full benchmark run competing for the cores. Run them with
//
//	go test -run '^$' -bench . -benchmem ./bench/handler
//
// and add -cpuprofile to see where the time goes.
package handler
