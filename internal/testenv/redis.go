package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const redisHint = "install redis-server (apt-get install redis-server)"

// redisStartTimeout bounds how long redis-server may take to answer PING;
// it takes milliseconds.
const redisStartTimeout = 10 * time.Second

// RedisServer is a redis-server of one test, on a free port of 127.0.0.1,
// that keeps nothing on disk.
type RedisServer struct {
	Addr string // "127.0.0.1:<port>"

	t      testing.TB
	bin    string
	dir    string
	cmd    *exec.Cmd
	exited chan struct{}
}

// Redis starts a redis-server of its own for the test, which stops it when
// it ends and shows its log if it failed. A server per test, rather than
// one per test binary, lets a test stop and restart it to play an outage.
// Without redis-server on the PATH, see Require.
func Redis(t testing.TB) *RedisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		Require(t, "Redis", redisHint)
		return nil
	}
	r := &RedisServer{t: t, bin: bin, dir: t.TempDir()}
	// A port that was free a moment ago can be taken before redis-server
	// binds it; only that failure is worth another try.
	for range 3 {
		r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t)))
		if err = r.start(); !errors.Is(err, errPortTaken) {
			break
		}
	}
	if err != nil {
		t.Fatalf("testenv: start redis-server: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(r.logPath())
			t.Logf("redis-server log (%s):\n%s", r.Addr, log)
		}
	})
	t.Cleanup(r.Stop)
	return r
}

// Stop stops the server, as an outage would. It does nothing if the
// server is stopped.
func (r *RedisServer) Stop() {
	if r.cmd == nil {
		return
	}
	stopProcess(r.cmd.Process, r.exited)
	r.cmd = nil
}

// Start starts the stopped server again on the same address, empty.
func (r *RedisServer) Start() {
	r.t.Helper()
	if r.cmd != nil {
		return
	}
	if err := r.start(); err != nil {
		r.t.Fatalf("testenv: restart redis-server: %v", err)
	}
}

func (r *RedisServer) logPath() string { return filepath.Join(r.dir, "redis.log") }

// start makes one attempt to start redis-server on r.Addr.
func (r *RedisServer) start() error {
	_, port, _ := net.SplitHostPort(r.Addr)
	logFile, err := os.OpenFile(r.logPath(), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	// No daemonizing: the server is this process's child, stopped by its
	// PID.
	cmd := exec.Command(r.bin, "--port", port, "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", r.dir)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	if err := waitPong(r.Addr, exited); err != nil {
		stopProcess(cmd.Process, exited)
		log, _ := os.ReadFile(r.logPath())
		if strings.Contains(string(log), "Address already in use") {
			return errPortTaken
		}
		return fmt.Errorf("%w; log:\n%s", err, log)
	}
	r.cmd, r.exited = cmd, exited
	return nil
}

// waitPong waits until the server at addr answers PING, exits, or
// redisStartTimeout passes.
func waitPong(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(redisStartTimeout)
	for {
		if ping(addr) {
			return nil
		}
		select {
		case <-exited:
			return errors.New("redis-server exited")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING at %s after %v", addr, redisStartTimeout)
		}
	}
}

// ping reports whether the server at addr answers PING, in Redis's
// inline command form.
func ping(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && line == "+PONG\r\n"
}
