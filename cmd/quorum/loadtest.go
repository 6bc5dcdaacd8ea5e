package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"quorum/internal/loadtest"
)

const loadtestUsage = `
Usage: quorum loadtest vote [flags]

Measures casting under load, the way voters load it: over HTTP with
signed-in sessions. It fills a fresh database (a temporary SQLite file, or
the PostgreSQL database named by --database-url, which must be empty) with
--voters voters and an open election, serves the site in this process on a
loopback port, and has every voter cast one ballot with at most
--concurrency casts in flight. It prints acknowledged ballots per second,
the latency percentiles and the CPU time this process spent per ballot
(server and load together: a figure that a busy machine disturbs less than
the rate), then checks that every acknowledged ballot is stored once.

Without --rate each voter casts as soon as a connection is free: the run
finds the most ballots per second the site can take, and the latencies
are those of a queue kept full. With --rate N voters arrive N per second,
as they do in a real election, and each latency counts from the moment
the voter arrived, so a site that falls behind shows it.
`

func cmdLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "vote" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, strings.TrimLeft(loadtestUsage, "\n"))
			return exitOK
		}
		fmt.Fprint(stderr, strings.TrimLeft(loadtestUsage, "\n"))
		return exitUsage
	}
	fs, load := newFlags("loadtest vote", loadtestUsage, stdout, stderr)
	voters := fs.Int("voters", 20000, "voters on the roll, each casting once")
	concurrency := fs.Int("concurrency", 500, "voters casting at the same moment")
	candidates := fs.Int("candidates", 12, "candidates on the ballot paper")
	rate := fs.Float64("rate", 0, "voters arriving per second (0: each as soon as a connection is free)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the casting to this file (for go tool pprof)")
	cfg, code, ok := parseSettings(fs, load, args[1:], stderr)
	if !ok {
		return code
	}
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "database-url" {
			given = true
		}
	})
	if !given && os.Getenv("QUORUM_DATABASE_URL") == "" {
		dir, err := os.MkdirTemp("", "quorum-loadtest-")
		if err != nil {
			fmt.Fprintf(stderr, "quorum: %v\n", err)
			return exitFail
		}
		defer os.RemoveAll(dir)
		cfg.DatabaseURL = "sqlite:" + filepath.Join(dir, "loadtest.db")
	}
	db, code := openDB(ctx, cfg.DatabaseURL, stderr)
	if db == nil {
		return code
	}
	defer db.Close()
	if n, err := db.ActiveMembers(ctx, 0, time.Now()); err != nil || n > 0 {
		fmt.Fprintln(stderr, "quorum: the load test needs an empty database; it writes thousands of test voters")
		return exitUsage
	}
	cfg.Workers = 1
	log := newLogger("error", stderr)
	a, err := newApp(cfg, db, log, false)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "preparing %d voters on %s…\n", *voters, db.Engine)
	prep := time.Now()
	f, err := loadtest.PrepareVote(ctx, db, a.demoElections(nil), *voters, *candidates)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stderr, "prepared in %.1fs; casting with %d at once…\n", time.Since(prep).Seconds(), *concurrency)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitFail
	}
	srv := &http.Server{Handler: a.web, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "quorum: %v\n", err)
			return exitUsage
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			fmt.Fprintf(stderr, "quorum: %v\n", err)
			return exitFail
		}
	}
	cpuBefore := loadtest.ProcessCPU()
	res := loadtest.RunVoteAt(ctx, "http://"+ln.Addr().String(), f, *concurrency, *rate)
	cpuUsed := loadtest.ProcessCPU() - cpuBefore
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	stored, err := db.CountEnvelopes(ctx, f.ElectionID)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitFail
	}
	arrivals := "each as soon as a connection is free"
	if *rate > 0 {
		arrivals = fmt.Sprintf("arriving %.0f per second", *rate)
	}
	fmt.Fprintf(stdout, "engine %s, %d voters %s, at most %d at once, %d candidates\n", db.Engine, *voters, arrivals, *concurrency, *candidates)
	fmt.Fprintf(stdout, "acknowledged %d ballots in %.2fs: %.0f ballots/s\n", res.Acknowledged, res.Elapsed.Seconds(), res.PerSecond())
	fmt.Fprintf(stdout, "latency p50 %s, p95 %s, p99 %s, max %s\n", ms(res.P50), ms(res.P95), ms(res.P99), ms(res.Max))
	if res.Acknowledged > 0 {
		fmt.Fprintf(stdout, "CPU %.2fms per ballot (server and load together, on %d cores)\n", float64(cpuUsed.Microseconds())/1000/float64(res.Acknowledged), runtime.NumCPU())
	}
	fmt.Fprintf(stdout, "failed %d; envelopes stored %d\n", res.Failed, stored)
	if res.Failed > 0 {
		fmt.Fprintf(stdout, "first failure: %s\n", res.FirstError)
	}
	if stored != res.Acknowledged || res.Failed > 0 {
		fmt.Fprintln(stderr, "quorum: the stored envelopes do not match the acknowledged ballots")
		return exitFail
	}
	return exitOK
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
