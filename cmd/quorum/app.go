package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"quorum/internal/auth"
	"quorum/internal/config"
	"quorum/internal/election"
	"quorum/internal/housekeeping"
	"quorum/internal/jobs"
	"quorum/internal/nomination"
	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/web"
)

// app is a wired Quorum: services, the job runner and the web server.
type app struct {
	cfg    config.Config
	db     *store.DB
	log    *slog.Logger
	queue  *jobs.Queue
	runner *jobs.Runner
	web    *web.Server
	// demoElections makes election services on other clocks, for loading
	// the demo's past elections.
	demoElections func(clock func() time.Time) *election.Service
	// demoNominations makes a nominations service feeding a given elections
	// service, for the demo's past and open nomination periods.
	demoNominations func(*election.Service) *nomination.Service
	reports         *report.Service
}

// newApp wires every service on an open, migrated database.
func newApp(cfg config.Config, db *store.DB, log *slog.Logger, demo bool) (*app, error) {
	queue := jobs.NewQueue(db, nil)
	runner := jobs.NewRunner(queue, jobs.Config{Workers: cfg.Workers, Logger: log})
	keeper := &housekeeping.Housekeeper{DB: db, Queue: queue, Log: log}
	keeper.Register(runner)
	if err := keeper.ScheduleNext(context.Background()); err != nil {
		return nil, fmt.Errorf("schedule housekeeping: %w", err)
	}
	mailer, err := newMailer(cfg, db, queue, runner, log)
	if err != nil {
		return nil, err
	}
	authSvc := &auth.Service{DB: db, Mail: mailer, BaseURL: cfg.BaseURL, Issuer: cfg.SiteName}
	newElections := func(clock func() time.Time) *election.Service {
		return election.New(db, mailer.svc, queue, election.Config{BaseURL: cfg.BaseURL, AllowDemoShares: demo, Logger: log, Now: clock})
	}
	elections := newElections(nil)
	elections.Register(runner)
	nominations := nomination.New(db, mailer.svc, queue, elections, nomination.Config{BaseURL: cfg.BaseURL, Logger: log})
	nominations.Register(runner)
	orgSvc := &org.Service{DB: db}
	reports, err := report.NewService(context.Background(), db, queue, mailer.svc, report.Config{SiteName: cfg.SiteName, BaseURL: cfg.BaseURL,
		MailFrom: cfg.MailFrom, SMTPURL: cfg.SMTPURL, Log: log})
	if err != nil {
		return nil, err
	}
	reports.Register(runner)
	var code func(time.Time) string
	if demo {
		code = demoCode
	}
	srv, err := web.New(web.Deps{DemoCode: code,
		DB: db, Auth: authSvc, Org: orgSvc, Elections: elections, Nominations: nominations, Jobs: queue, Reports: reports, Log: log, Location: cfg.Location,
		SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, SecureCookies: cfg.SecureCookies, Demo: demo,
	})
	if err != nil {
		return nil, err
	}
	return &app{cfg: cfg, db: db, log: log, queue: queue, runner: runner, web: srv, demoElections: newElections, reports: reports,
		demoNominations: func(e *election.Service) *nomination.Service {
			return nomination.New(db, mailer.svc, queue, e, nomination.Config{BaseURL: cfg.BaseURL, Logger: log})
		}}, nil
}

// listen opens the server's socket, so the caller can print the address
// only once it is really listening.
func (a *app) listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", a.cfg.Listen, err)
	}
	return ln, nil
}

// serve runs the web server and the job runner until ctx ends, then shuts
// both down, letting requests and jobs in flight finish.
func (a *app) serve(ctx context.Context, ln net.Listener, stderr io.Writer) int {
	srv := &http.Server{
		Handler:           a.web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	runCtx, stopRunner := context.WithCancel(context.Background())
	runnerDone := make(chan struct{})
	go func() {
		defer close(runnerDone)
		_ = a.runner.Run(runCtx)
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	code := exitOK
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "quorum: %v\n", err)
			code = exitFail
		}
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), config.ShutdownGrace)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	stopRunner()
	<-runnerDone
	return code
}
