package store

import (
	"context"
	"database/sql"
	"net/url"
	"sync"
	"time"
)

// SQLite appends every commit to the write-ahead log and copies the log
// into the database file at a checkpoint. Left to itself, the writer runs
// a checkpoint inside a commit every thousand pages, and that commit waits
// while pages are copied and both files flushed to disk: under a stream of
// ballots a tenth of the commits took that long and held nine tenths of the
// writer's time. So a connection of its own checkpoints in the background
// instead, at checkpointEvery, without blocking the writer or the readers;
// the writer checkpoints itself only if the log grows past
// writerCheckpointPages, should the background fall far behind.

const (
	checkpointEvery       = 250 * time.Millisecond
	writerCheckpointPages = 50000 // about 200 MB of log
)

// checkpointer runs passive checkpoints until stop is closed.
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
	// mu is held during each background checkpoint, and by a caller that
	// needs the log to itself (see DB.withoutBackgroundCheckpoints).
	mu     sync.Mutex
	closed sync.Once
}

// startCheckpointer opens the background checkpoint connection of the
// SQLite database at path.
func startCheckpointer(ctx context.Context, path string) (*checkpointer, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	conn, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	conn.SetConnMaxIdleTime(0)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		// A passive checkpoint copies what it can without waiting for
		// anyone; what it leaves is copied next time. An error (the file
		// busy, the disk full) is left for the next round and, failing
		// that, for the writer's own checkpoints.
		c.mu.Lock()
		_, _ = c.conn.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		c.mu.Unlock()
	}
}

// withoutBackgroundCheckpoints runs fn while no background checkpoint
// runs: a full checkpoint that must empty the log (after a count, to
// scrub deleted envelopes) would otherwise find the log busy.
func (db *DB) withoutBackgroundCheckpoints(fn func() error) error {
	if db.checkpoints == nil {
		return fn()
	}
	db.checkpoints.mu.Lock()
	defer db.checkpoints.mu.Unlock()
	return fn()
}

// close stops the checkpoints and closes the connection; closing again
// does nothing, as closing a database twice does.
func (c *checkpointer) close() error {
	c.closed.Do(func() { close(c.stop) })
	<-c.done
	return c.conn.Close()
}
