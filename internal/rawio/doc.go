// Package rawio reads and writes TCP connections with raw system calls,
// which the Go scheduler is not told about.
//
// A goroutine that makes a system call through the syscall package tells
// the scheduler, and when all the process's threads were idle, that wakes
// the runtime's monitor thread (sysmon), which then polls every 20 µs
// until they are idle again. A gateway serving one request at a time goes
// idle twice a request, while its upstream and its client work, so every
// request paid for those wake-ups: twice the context switches of the
// reads and writes themselves. Reads and writes of non-blocking sockets
// return at once and need no such care. Wrap's connections make them with
// syscall.RawSyscall inside the connection's syscall.RawConn, whose poller
// still parks the goroutine until the socket is ready and still honours
// deadlines and Close.
//
// Under the race detector, Wrap returns its connection as it is: raw
// system calls would hide from it the ordering that data sent through a
// socket gives the goroutines at its two ends.
package rawio
