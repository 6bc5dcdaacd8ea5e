package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// searchWords is a vocabulary for generated reports; earlier words are
// drawn more often, as in real text.
var searchWords = strings.Fields(`the committee agreed report members party council councillors leader deputy general secretary
budget membership selection candidates campaign local government elections policy housing social care
branch region conference rules equality disputes finance accounts reserve staff training vote motion
amendment consultation affiliates union workers pay services transport schools health hospital
devolution scotland wales london north south east west youth women disabled lgbt bame officers
treasurer chair minutes agenda hustings nomination ballot turnout returning officer scrutineer
parliament government minister shadow cabinet opposition economy growth investment energy climate
railways water ownership tax welfare pensions benefits universal credit poverty food banks rents
planning homes landlords tenants councils cuts funding settlement reserves precept levy grant`)

// searchVocabulary is the words of generated reports: the words above,
// then made-up ones, 6,000 in all, drawn with Zipf's law as words are in
// English text (the first hundred or so make up half of a text).
var searchVocabulary = func() []string {
	syll := strings.Fields("ba ke ri mo tu la ne si po da ve lo ra mi su fe no ta ge pi")
	v := append([]string{}, searchWords...)
	for i := 0; len(v) < 6000; i++ {
		v = append(v, syll[i%20]+syll[(i/20)%20]+syll[(i/400)%20]+"n")
	}
	return v
}()

// searchCorpus fills a database with n published reports of about 600
// words each.
func searchCorpus(tb testing.TB, db *store.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	if err := db.EnsureSearchIndex(ctx); err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.07, 2, uint64(len(searchVocabulary)-1))
	docs := make([]store.SearchDocument, 0, n)
	for i := range n {
		var b strings.Builder
		for w := range 600 {
			if w > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(searchVocabulary[zipf.Uint64()])
			if w%15 == 14 {
				b.WriteString(".")
			}
		}
		year := 2010 + i%16
		docs = append(docs, store.SearchDocument{Kind: "report", RefID: int64(i + 1), BodyID: int64(1 + i%3), PersonID: int64(1 + i%40), Year: year,
			Title: fmt.Sprintf("Report %d: %s and %s", i, searchVocabulary[zipf.Uint64()], searchVocabulary[zipf.Uint64()]), Content: b.String(),
			URL: fmt.Sprintf("/reports/r%d", i), PublishedAt: time.Date(year, time.Month(1+i%12), 1+i%28, 18, 0, 0, 0, time.UTC)})
	}
	err := db.InTx(ctx, func(tx *store.Tx) error { return tx.BulkPutSearchDocuments(ctx, docs) })
	if err != nil {
		tb.Fatal(err)
	}
}

// searchQueries mixes what visitors type: common and rare words, several
// words, phrases, alternatives, exclusions and filters.
var searchQueries = []store.SearchQuery{
	{Text: "council"}, {Text: "housing"}, {Text: "landlords tenants"}, {Text: "universal credit"}, {Text: `"social care"`},
	{Text: "hustings OR ballot"}, {Text: "budget -reserve"}, {Text: "scrutineer", Year: 2020}, {Text: "railways ownership", BodyID: 2},
	{Text: "precept", PersonID: 7}, {Text: "the committee agreed"}, {Text: "levy grant settlement"}, {Text: "climat"},
}

// BenchmarkSearch10k runs the queries over 10,000 reports as the search
// page does (the first page of results, the number found and every
// snippet with its words marked) and reports the 50th and 95th
// percentiles of their times, on each engine: wall time, and processor
// time (this process's and, on PostgreSQL, the server's), which a
// loaded machine inflates less. With -v it also logs the medians of each
// query, to show which kind of query is slow.
func BenchmarkSearch10k(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		if engine == store.Postgres && os.Getenv(testkit.PostgresEnv) == "" {
			b.Log("PostgreSQL benchmark skipped: set " + testkit.PostgresEnv)
			continue
		}
		// The corpus is loaded once per engine, not once per b.N tried.
		var db *store.DB
		if engine == store.SQLite {
			db = testkit.SQLite(b)
		} else {
			db = testkit.Postgres(b)
		}
		searchCorpus(b, db, 10_000)
		if engine == store.Postgres {
			if _, err := db.Exec(context.Background(), `VACUUM ANALYZE search_documents`); err != nil {
				b.Fatal(err)
			}
		}
		svc := &report.Service{DB: db}
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			if _, _, err := svc.Search(ctx, searchQueries[0]); err != nil {
				b.Fatal(err)
			}
			cpu := newCPUMeter(ctx, db)
			times := make([]time.Duration, 0, b.N)
			cpuTimes := make([]time.Duration, 0, b.N)
			perQuery := make([][]time.Duration, len(searchQueries))
			perQueryCPU := make([][]time.Duration, len(searchQueries))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := searchQueries[i%len(searchQueries)]
				q.Page = store.Page{Size: 20}
				cpuStart := cpu.now()
				start := time.Now()
				hits, _, err := svc.Search(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(hits) == 0 {
					b.Fatalf("%q found nothing", q.Text)
				}
				d := time.Since(start)
				c := cpu.now() - cpuStart
				times = append(times, d)
				cpuTimes = append(cpuTimes, c)
				perQuery[i%len(searchQueries)] = append(perQuery[i%len(searchQueries)], d)
				perQueryCPU[i%len(searchQueries)] = append(perQueryCPU[i%len(searchQueries)], c)
			}
			b.StopTimer()
			b.ReportMetric(percentile(times, 0.50), "p50-ms")
			b.ReportMetric(percentile(times, 0.95), "p95-ms")
			b.ReportMetric(percentile(cpuTimes, 0.50), "cpu-p50-ms")
			b.ReportMetric(percentile(cpuTimes, 0.95), "cpu-p95-ms")
			for i, ts := range perQuery {
				if b.N >= len(searchQueries) {
					q := searchQueries[i]
					b.Logf("%-24q body %d person %d year %d: median %.2f ms, processor %.2f ms", q.Text, q.BodyID, q.PersonID, q.Year,
						percentile(ts, 0.5), percentile(perQueryCPU[i], 0.5))
				}
			}
		})
	}
}

// percentile returns the p-th quantile of times in milliseconds.
func percentile(times []time.Duration, p float64) float64 {
	ts := slices.Clone(times)
	slices.Sort(ts)
	return float64(ts[min(len(ts)-1, int(p*float64(len(ts))))].Microseconds()) / 1000
}
