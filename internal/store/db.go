// Package store holds every SQL statement Quorum runs. Queries are written
// once in the portable subset with ? placeholders and rebound to $n for
// PostgreSQL here; where the engines differ the two versions sit side by side.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Sentinel errors; the web layer maps them to HTTP statuses in one place.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("already exists")
	ErrBadURL    = errors.New("unknown database URL")
	ErrTooNew    = errors.New("database schema is newer than this quorum binary")
	ErrNoConnect = errors.New("cannot reach the database")
)

// DB is an open database. On SQLite writes go through a single connection
// (SQLite allows one writer at a time; queuing in Go beats busy-waiting in
// the engine) while reads use a pool; on PostgreSQL both are one pool.
type DB struct {
	Engine Engine
	url    string
	w      *sql.DB
	r      *sql.DB
	// stmts caches prepared statements on SQLite, where parsing SQL is
	// a large share of a small query's cost (pgx caches on its own).
	stmts     sync.Map // stmtKey → *sql.Stmt
	stmtCount atomic.Int64
	// checkpoints copies SQLite's write-ahead log into the database file
	// in the background (nil on PostgreSQL).
	checkpoints *checkpointer
}

type stmtKey struct {
	pool *sql.DB
	q    string
}

// maxCachedStmts bounds the cache: queries built with a varying number of
// placeholders should not fill memory.
const maxCachedStmts = 2000

// prepared returns a cached prepared statement for q on pool, or nil when
// statements are not cached (PostgreSQL, or the cache is full).
func (db *DB) prepared(ctx context.Context, pool *sql.DB, q string) (*sql.Stmt, error) {
	if db.Engine != SQLite {
		return nil, nil
	}
	key := stmtKey{pool, q}
	if st, ok := db.stmts.Load(key); ok {
		return st.(*sql.Stmt), nil
	}
	if db.stmtCount.Load() >= maxCachedStmts {
		return nil, nil
	}
	st, err := pool.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(key, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	db.stmtCount.Add(1)
	return st, nil
}

// Open connects to the database named by a URL: sqlite:PATH or postgres://….
// It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		db, err = openSQLite(ctx, strings.TrimPrefix(rawURL, "sqlite:"))
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		db, err = openPostgres(ctx, rawURL)
	default:
		return nil, fmt.Errorf("%w %q: use sqlite:PATH or postgres://…", ErrBadURL, scheme(rawURL))
	}
	if err != nil {
		return nil, err
	}
	db.url = rawURL
	return db, nil
}

func scheme(rawURL string) string {
	s, _, _ := strings.Cut(rawURL, ":")
	if len(s) > 20 {
		s = s[:20]
	}
	return s + ":"
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	path = strings.TrimPrefix(path, "//")
	if path == "" {
		return nil, fmt.Errorf("%w: sqlite: needs a file path, e.g. sqlite:quorum.db", ErrBadURL)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "secure_delete(1)",
		fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpointPages)} {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "sqlite")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("%w: sqlite %s: %v", ErrNoConnect, path, err)
	}
	// Readers map the file into memory: with a busy writer every commit
	// empties their page caches, and reading pages back through the map
	// costs no system call.
	rq := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "query_only(1)", "mmap_size(1073741824)"} {
		rq.Add("_pragma", p)
	}
	rq.Set("_time_format", "sqlite")
	r, err := sql.Open("sqlite", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, err
	}
	// Keep every reader open: a connection closed for being idle costs a
	// reopen and a fresh parse of every cached statement on it.
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxIdleTime(0)
	cp, err := startCheckpointer(ctx, path)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("%w: sqlite %s: %v", ErrNoConnect, path, err)
	}
	return &DB{Engine: SQLite, w: w, r: r, checkpoints: cp}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	// Keep every connection open under load: a new one costs the server a
	// process, a cold catalogue cache and planning every statement again.
	// Connections idle for minutes are closed.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: postgres at %s: %v", ErrNoConnect, redact(dsn), unwrapPG(err))
	}
	return &DB{Engine: Postgres, w: db, r: db}, nil
}

// redact hides the password of a database URL so it can be shown, both
// the one in the address and one given as a parameter (?password=…).
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func unwrapPG(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && len(s)-i < 120 {
		return s[i+2:]
	}
	return s
}

// Close closes both pools and the cached statements.
func (db *DB) Close() error {
	db.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	var err error
	if db.checkpoints != nil {
		err = db.checkpoints.close()
	}
	if e := db.w.Close(); err == nil {
		err = e
	}
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Rebind turns ? placeholders into $1, $2… for PostgreSQL. Queries never
// contain a literal question mark, so a plain scan is enough.
func (db *DB) Rebind(q string) string {
	if db.Engine != Postgres {
		return q
	}
	return rebindDollar(q)
}

func rebindDollar(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Exec runs a write statement.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = db.Rebind(q)
	if st, err := db.prepared(ctx, db.w, q); err != nil {
		return nil, err
	} else if st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.w.ExecContext(ctx, q, args...)
}

// Query runs a read statement.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = db.Rebind(q)
	if st, err := db.prepared(ctx, db.r, q); err != nil {
		return nil, err
	} else if st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.r.QueryContext(ctx, q, args...)
}

// QueryRow runs a read statement returning one row.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = db.Rebind(q)
	if st, err := db.prepared(ctx, db.r, q); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.r.QueryRowContext(ctx, q, args...)
}

// Insert runs an INSERT and returns the new row's id. Both engines support
// RETURNING, which avoids LastInsertId (pgx does not implement it).
func (db *DB) Insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := db.w.QueryRowContext(ctx, db.Rebind(q+" RETURNING id"), args...).Scan(&id)
	return id, mapErr(err)
}

// Tx is a transaction on the writer connection.
type Tx struct {
	tx *sql.Tx
	db *DB
	// uncached are statements this transaction ran unprepared; InTx
	// prepares them once the writer connection is free again.
	uncached []string
}

// InTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise, so that nothing half-written is ever left behind.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{tx: sqlTx, db: db}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	db.cacheWriterStmts(ctx, tx.uncached)
	return nil
}

// cacheWriterStmts prepares statements a transaction ran unprepared, so the
// next transaction finds them ready. A failure only means they stay
// unprepared.
func (db *DB) cacheWriterStmts(ctx context.Context, qs []string) {
	for _, q := range qs {
		if _, err := db.prepared(ctx, db.w, q); err != nil {
			return
		}
	}
}

// Engine reports the engine of the transaction's database.
func (tx *Tx) Engine() Engine { return tx.db.Engine }

// stmt gives the transaction's own form of a statement already in the
// cache, or nil. It never prepares: on SQLite the transaction holds the
// only writer connection, so preparing through the pool would wait for
// itself. database/sql prepares a cached statement on the transaction's
// connection once and reuses it after.
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if tx.db.Engine != SQLite {
		return nil
	}
	st, ok := tx.db.stmts.Load(stmtKey{tx.db.w, q})
	if !ok {
		if len(tx.uncached) < 32 {
			tx.uncached = append(tx.uncached, q)
		}
		return nil
	}
	return tx.tx.StmtContext(ctx, st.(*sql.Stmt))
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = tx.db.Rebind(q)
	if st := tx.stmt(ctx, q); st != nil {
		r, err := st.ExecContext(ctx, args...)
		return r, mapErr(err)
	}
	r, err := tx.tx.ExecContext(ctx, q, args...)
	return r, mapErr(err)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = tx.db.Rebind(q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, q, args...)
}

// QueryRow runs a one-row query in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = tx.db.Rebind(q)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, q, args...)
}

// Insert runs an INSERT in the transaction and returns the new id.
func (tx *Tx) Insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, mapErr(err)
}

// Prepare prepares a statement for repeated use in the transaction.
func (tx *Tx) Prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.db.Rebind(q))
}

// mapErr turns driver errors into the package's sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	s := err.Error()
	if strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}

// scanIDs reads a query of one id column, closing the rows.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// one maps "no rows" from a single-row read.
func one(err error) error { return mapErr(err) }

// URL returns the URL the database was opened with.
func (db *DB) URL() string { return db.url }

// Describe returns the database's URL for people to read: a SQLite file's
// path, or a PostgreSQL URL without its password.
func (db *DB) Describe() string {
	if db.Engine == SQLite {
		return strings.TrimPrefix(db.url, "sqlite:")
	}
	return redact(db.url)
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// Savepoint runs fn inside a savepoint of the transaction: when fn fails,
// what it wrote is undone and the transaction carries on without it. name
// must be a constant identifier.
func (tx *Tx) Savepoint(ctx context.Context, name string, fn func() error) error {
	if _, err := tx.Exec(ctx, `SAVEPOINT `+name); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rerr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT `+name); rerr != nil {
			return fmt.Errorf("undoing a failed step: %v (the step: %v)", rerr, err)
		}
		if _, rerr := tx.Exec(ctx, `RELEASE SAVEPOINT `+name); rerr != nil {
			return fmt.Errorf("releasing a savepoint: %v (the step: %v)", rerr, err)
		}
		return err
	}
	_, err := tx.Exec(ctx, `RELEASE SAVEPOINT `+name)
	return err
}
