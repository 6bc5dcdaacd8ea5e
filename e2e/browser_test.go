// Package e2e drives the real quorum binary in a real browser (Debian's
// chromium through chromedp). The tests run when QUORUM_E2E=1; otherwise
// they skip.
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

var binary string // the quorum binary built for these tests

func TestMain(m *testing.M) {
	if os.Getenv("QUORUM_E2E") != "1" {
		fmt.Println("browser tests skipped: set QUORUM_E2E=1 (needs chromium) to run them")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "quorum-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "quorum")
	build := exec.Command("go", "build", "-o", binary, "../cmd/quorum")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Println("build quorum:", err)
		os.Exit(1)
	}
	code := testkit.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// onEachEngine runs a browser test against a demo on SQLite and, when
// QUORUM_TEST_POSTGRES names a server, on a fresh PostgreSQL schema; fn
// gets the demo's flags that choose the database.
func onEachEngine(t *testing.T, fn func(t *testing.T, engine []string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, nil) })
	t.Run("postgres", func(t *testing.T) { fn(t, []string{"--database-url", testkit.URL(t, store.Postgres)}) })
}

// demoServer runs `quorum demo` (with any extra flags) on a free port and
// returns its address and what it printed. The port is chosen here so that
// links in e-mails carry the real address.
func demoServer(t *testing.T, extra ...string) (baseURL, banner string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	args := append([]string{"demo", "--listen", addr, "--base-url", "http://" + addr, "--log-level", "warn"}, extra...)
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var b strings.Builder
	deadline := time.After(90 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("quorum demo stopped early; it printed:\n%s", b.String())
			}
			b.WriteString(line + "\n")
			if strings.HasPrefix(line, "Press Ctrl-C") {
				go func() {
					for range lines {
					}
				}()
				return "http://" + addr, b.String()
			}
		case <-deadline:
			t.Fatalf("quorum demo did not start; it printed:\n%s", b.String())
		}
	}
}

// browser starts a headless chromium with the flags this machine needs.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("QUORUM_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// checkAccessible runs axe-core on the current page and fails on serious or
// critical violations. axe is injected from QUORUM_AXE_JS (installed by
// .ci/run outside the module); without it the check is skipped with a note.
func checkAccessible(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	path := os.Getenv("QUORUM_AXE_JS")
	if path == "" {
		t.Logf("accessibility check of %s skipped: set QUORUM_AXE_JS to axe.min.js", what)
		return
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read axe: %v", err)
	}
	script := string(src) + `;
(async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})));
})()`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe on %s: %v", what, err)
	}
	var violations []map[string]any
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	for _, v := range violations {
		t.Errorf("accessibility (%s): %v %v: %v at %v", what, v["impact"], v["id"], v["help"], v["nodes"])
	}
}

// mustIn returns a function that runs browser steps in ctx and fails the
// test, saying what was being done, when one fails.
func mustIn(t *testing.T, ctx context.Context) func(what string, steps ...chromedp.Action[chromedp.Void]) {
	return func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// textIn returns a function that reads the text of the first element a
// selector finds in ctx, without the space around it.
func textIn(t *testing.T, ctx context.Context) func(sel string) string {
	return func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
}

// demoLogin finds the e-mail of a role's log-in ("Member", "Returning
// officer", …) and the password all the demo's log-ins share in the
// banner the demo printed.
func demoLogin(t *testing.T, banner, role string) (email, password string) {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(role) + `\s+(\S+@\S+)`).FindStringSubmatch(banner)
	pw := regexp.MustCompile(`password for all: (\S+)\)`).FindStringSubmatch(banner)
	if m == nil || pw == nil {
		t.Fatalf("no %s log-in in the banner:\n%s", role, banner)
	}
	return m[1], pw[1]
}

// signInDemo signs in through the sign-in page, entering the code the
// demo shows on the second-factor page when code is set, and waits for
// the message of the page after it.
func signInDemo(t *testing.T, ctx context.Context, base, email, password string, code bool) {
	t.Helper()
	must, text := mustIn(t, ctx), textIn(t, ctx)
	must("sign in as "+email, chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), password),
		chromedp.Submit(chromedp.CSS("#f-password")))
	if code {
		must("the code page", chromedp.WaitVisible(chromedp.CSS("#demo-code")))
		must("enter the code", chromedp.SendKeys(chromedp.CSS("#f-code"), text("#demo-code")), chromedp.Submit(chromedp.CSS("#f-code")))
	}
	must("signed in as "+email, chromedp.WaitVisible(chromedp.CSS(".flash")))
}

// openElection finds the first election open for voting in the list and
// returns its address.
func openElection(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	mustIn(t, ctx)("open the elections", chromedp.Navigate(base+"/elections?show=open"), chromedp.WaitVisible(chromedp.CSS("table")))
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("table a").getAttribute("href")`))
	if err != nil || !strings.HasPrefix(href, "/elections/") {
		t.Fatalf("no open election listed: %q %v", href, err)
	}
	return href
}

// memberAtOpenElection starts a demo on the engine's database, signs in
// as its member in a new browser tab and finds the election open for
// voting: the tab, the demo's address and the election's.
func memberAtOpenElection(t *testing.T, engine []string) (context.Context, string, string) {
	t.Helper()
	base, banner := demoServer(t, engine...)
	email, password := demoLogin(t, banner, "Member")
	ctx := browser(t)
	signInDemo(t, ctx, base, email, password, false)
	return ctx, base, openElection(t, ctx, base)
}
