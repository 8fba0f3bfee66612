package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumEnv names the environment variable that holds the path of the
// Chromium binary. Without it, Browser uses /usr/bin/chromium, then
// chromium on the PATH.
const ChromiumEnv = "LITELLM_TEST_CHROMIUM"

const chromiumHint = "apt-get install -y --no-install-recommends chromium, or set " +
	ChromiumEnv

const (
	// browserTimeout bounds the whole life of a browser, so that no
	// forgotten wait outlives it.
	browserTimeout = 5 * time.Minute
	// browserStartTimeout bounds the start of Chromium.
	browserStartTimeout = time.Minute
	// ActionTimeout bounds each step of the helpers of this file.
	ActionTimeout = 30 * time.Second
)

// Browser starts a headless Chromium with a profile of its own and returns
// a chromedp context for its first tab. The browser stops when the test
// ends; if the test failed, the page's address and text and Chromium's
// output are logged first. The context has a deadline, and the helpers of
// this package bound each step with ActionTimeout. Without Chromium, see
// Require.
func Browser(t testing.TB) context.Context {
	t.Helper()
	bin, err := chromiumBinary()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if bin == "" {
		Require(t, "Chromium", chromiumHint)
		return nil
	}

	dir := t.TempDir()
	output, err := os.Create(filepath.Join(dir, "chromium.log"))
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	base, cancelBase := context.WithTimeout(context.Background(), browserTimeout)
	opts := chromiumOptions(bin, dir, output)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelTab()
		cancelAlloc() // waits until Chromium has exited
		cancelBase()
		output.Close()
	}

	if err := startBrowser(ctx); err != nil {
		stop()
		log, _ := os.ReadFile(output.Name())
		t.Fatalf("testenv: start Chromium %s: %v; output:\n%s", bin, err, log)
	}
	t.Cleanup(func() {
		if t.Failed() {
			logPage(t, ctx)
		}
		stop()
		if t.Failed() {
			log, _ := os.ReadFile(output.Name())
			t.Logf("Chromium output:\n%s", log)
		}
	})
	return ctx
}

// chromiumPaths are where Browser looks for Chromium without
// $LITELLM_TEST_CHROMIUM: Debian's package, then the PATH.
var chromiumPaths = []string{"/usr/bin/chromium", "chromium"}

// chromiumBinary returns the path of Chromium, or "" if there is none. A
// binary named by $LITELLM_TEST_CHROMIUM must exist.
func chromiumBinary() (string, error) {
	if bin := os.Getenv(ChromiumEnv); bin != "" {
		if _, err := exec.LookPath(bin); err != nil {
			return "", fmt.Errorf("%s: %w", ChromiumEnv, err)
		}
		return bin, nil
	}
	for _, name := range chromiumPaths {
		if bin, err := exec.LookPath(name); err == nil {
			return bin, nil
		}
	}
	return "", nil
}

// chromiumOptions are chromedp's defaults with the flags that keep
// Chromium quiet on a machine that reaches no network: without them it
// keeps trying to reach Google's services and fills its log with
// connection errors.
func chromiumOptions(bin, dir string, output *os.File) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.CombinedOutput(output),
		chromedp.Headless,
		chromedp.NoSandbox, // root, and containers, have no usable sandbox
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
}

// startBrowser starts Chromium and opens the tab of ctx. The first action
// on a chromedp context binds the browser's life to the context it gets,
// so it gets ctx itself, and the deadline is kept apart.
func startBrowser(ctx context.Context) error {
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		return err
	case <-time.After(browserStartTimeout):
		return fmt.Errorf("not started after %v", browserStartTimeout)
	}
}

// logPage logs the address and the text of the page that the browser
// shows, to tell where a failed test left it.
func logPage(t testing.TB, ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Logf("browser page: %v", err)
		return
	}
	text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	t.Logf("browser page %s:\n%s", url, text)
}

// FillAndSubmit opens url in the browser of ctx, unless url is empty, types
// each value of fields into the field that its key selects (CSS), clicks
// the element that submit selects (CSS) and waits until the next page has
// loaded. Each step is bounded by ActionTimeout.
func FillAndSubmit(ctx context.Context, url string, fields map[string]string,
	submit string) error {
	if url != "" {
		if err := step(ctx, chromedp.Navigate(url)); err != nil {
			return fmt.Errorf("open %s: %w", url, err)
		}
	}
	for sel, value := range fields {
		err := step(ctx,
			chromedp.WaitVisible(chromedp.CSS(sel)),
			chromedp.Clear(chromedp.CSS(sel)),
			chromedp.SendKeys(chromedp.CSS(sel), value),
		)
		if err != nil {
			return fmt.Errorf("fill %s: %w", sel, err)
		}
	}

	sctx, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	_, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(submit)))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no page loaded within %v: %w", ActionTimeout, err)
		}
		return fmt.Errorf("submit with %s: %w", submit, err)
	}
	return nil
}

// step runs actions in the browser of ctx within ActionTimeout.
func step(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, ActionTimeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}
