package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stopDeadline bounds how long a child gets to exit after SIGTERM.
const stopDeadline = 10 * time.Second

// proc is a child process of the benchmark: the mock upstream or the
// gateway. Its output goes to a log file in the run's directory.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
}

// startProc starts bin with args; extra env entries are added to a
// minimal environment. stdout, when not nil, receives the process's
// standard output instead of the log.
func startProc(name, bin, dir string, args, env []string, stdout io.Writer) (*proc, error) {
	logPath := filepath.Join(dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if stdout != nil {
		cmd.Stdout = stdout
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// exited returns an error describing the exit when the process is gone.
func (p *proc) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited (%v); its log:\n%s", p.name, p.waitErr, p.logTail())
	default:
		return nil
	}
}

// stop sends SIGTERM and waits for the exit, killing the process when it
// does not exit in time.
func (p *proc) stop() error {
	if p.exited() != nil {
		return nil
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop %s: %w", p.name, err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopDeadline):
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("stop %s: no exit %v after SIGTERM; killed", p.name, stopDeadline)
	}
}

// logTail returns the end of the process's log.
func (p *proc) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	const n = 4 << 10
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// memory returns the resident set size and its high-water mark, in
// bytes, from /proc/<pid>/status.
func memory(pid int) (rss, peak int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(b)) {
		k, v, _ := strings.Cut(line, ":")
		var dst *int64
		switch k {
		case "VmRSS":
			dst = &rss
		case "VmHWM":
			dst = &peak
		default:
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("parse /proc/%d/status %s: %w", pid, k, err)
		}
		*dst = kb << 10
	}
	if rss == 0 || peak == 0 {
		return 0, 0, fmt.Errorf("/proc/%d/status has no VmRSS or VmHWM", pid)
	}
	return rss, peak, nil
}

// clockTick is the unit of the CPU times in /proc/<pid>/stat: USER_HZ,
// 100 on every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime returns the user and system CPU time a process has used, from
// /proc/<pid>/stat; pid 0 means this process.
func cpuTime(pid int) (time.Duration, error) {
	path := "/proc/self/stat"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/stat", pid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("parse %s: no command name", path)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("parse %s: too short", path)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("parse %s: %w", path, err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// buildBinaries builds the gateway (unless gateway names a binary) and the
// mock upstream into dir, from the module at root, and returns their
// paths.
func buildBinaries(ctx context.Context, root, dir, gateway string) (gw, mock, relay string, err error) {
	pkgs := []string{"./bench/cmd/mockupstream", "./bench/cmd/tcprelay"}
	if gateway == "" {
		pkgs = append(pkgs, "./cmd/litellm")
		gateway = filepath.Join(dir, "litellm")
	}
	args := append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return gateway, filepath.Join(dir, "mockupstream"), filepath.Join(dir, "tcprelay"), nil
}

// moduleRoot returns the directory of the go.mod of the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run benchrun inside the gateway's module")
	}
	return filepath.Dir(gomod), nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startListener starts the mock upstream or the TCP relay, and returns it
// with its base URL, which it prints once it listens.
func startListener(ctx context.Context, name, bin, dir string, args []string) (*proc, string, error) {
	pr, pw := io.Pipe()
	args = append([]string{"-addr", "127.0.0.1:0"}, args...)
	p, err := startProc(name, bin, dir, args, nil, pw)
	if err != nil {
		return nil, "", err
	}
	go func() {
		<-p.done
		pw.Close()
	}()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		if sc.Scan() {
			urlc <- strings.TrimPrefix(sc.Text(), "listening on ")
		}
		io.Copy(io.Discard, pr) // nothing more is printed; do not block the process
	}()
	select {
	case u := <-urlc:
		return p, u, nil
	case <-p.done:
		return nil, "", p.exited()
	case <-time.After(readyDeadline):
		p.stop()
		return nil, "", fmt.Errorf("%s did not listen within %v", name, readyDeadline)
	case <-ctx.Done():
		p.stop()
		return nil, "", ctx.Err()
	}
}
