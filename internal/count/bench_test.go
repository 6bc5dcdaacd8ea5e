package count

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// GenerateBenchBLT writes a reproducible .blt file of ballots one per line
// (weight 1, the slowest layout to read): 12 candidates in four parties, 3
// seats, partial rankings that tend to follow party lines, as real STV
// ballots do. It is a test helper, so generated files never enter the repo.
func GenerateBenchBLT(w io.Writer, ballots int, seed uint64) error {
	const candidates, seats = 12, 3
	rng := rand.New(rand.NewPCG(seed, 12))
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "%d %d\n", candidates, seats)
	popularity := []float64{22, 7, 4, 8, 6, 3, 5, 4, 2, 3, 2, 1} // first-preference appeal
	var total float64
	for _, p := range popularity {
		total += p
	}
	line := make([]byte, 0, 64)
	for range ballots {
		// First preference by appeal, then mostly the same party (3 each).
		x := rng.Float64() * total
		first := 0
		for ; first < candidates-1 && x >= popularity[first]; first++ {
			x -= popularity[first]
		}
		used := [candidates]bool{}
		ranking := []int{first}
		used[first] = true
		length := 1 + rng.IntN(candidates)
		if rng.IntN(3) == 0 {
			length = 1 + rng.IntN(3) // many voters stop early
		}
		for len(ranking) < length {
			var next int
			party := ranking[len(ranking)-1] / 3
			if rng.IntN(4) != 0 {
				next = party*3 + rng.IntN(3)
			} else {
				next = rng.IntN(candidates)
			}
			if used[next] {
				next = rng.IntN(candidates)
				if used[next] {
					continue
				}
			}
			used[next] = true
			ranking = append(ranking, next)
		}
		line = append(line[:0], '1')
		for _, c := range ranking {
			line = append(line, ' ')
			line = strconv.AppendInt(line, int64(c+1), 10)
		}
		line = append(line, " 0\n"...)
		bw.Write(line)
	}
	bw.WriteString("0\n")
	for i := range candidates {
		fmt.Fprintf(bw, "\"Candidate %c (Party %d)\"\n", 'A'+i, i/3+1)
	}
	bw.WriteString("\"Benchmark: one million ballots\"\n")
	return bw.Flush()
}

var (
	benchOnce sync.Once
	benchFile string
	benchErr  error
)

// millionBallotFile generates the benchmark file once per test binary run.
func millionBallotFile(tb testing.TB) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "quorum-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchFile = filepath.Join(dir, "million.blt")
		f, err := os.Create(benchFile)
		if err != nil {
			benchErr = err
			return
		}
		defer f.Close()
		benchErr = GenerateBenchBLT(f, 1_000_000, 2026)
	})
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	return benchFile
}

// TestGenerateBenchFile writes the benchmark file where QUORUM_BENCH_BLT
// says, for timing the command or another counter on the same ballots.
func TestGenerateBenchFile(t *testing.T) {
	path := os.Getenv("QUORUM_BENCH_BLT")
	if path == "" {
		t.Skip("set QUORUM_BENCH_BLT=/tmp/million.blt to write the benchmark file")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := GenerateBenchBLT(f, 1_000_000, 2026); err != nil {
		t.Fatal(err)
	}
}

func benchReadCount(b *testing.B, method Method) {
	path := millionBallotFile(b)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		e, err := ReadBLT(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		res, err := Count(e, Options{Method: method})
		if err != nil || len(res.Elected) != 3 {
			b.Fatalf("count: %v", err)
		}
	}
}

// BenchmarkReadCountMillion: read and count 1,000,000 ballots end to end.
func BenchmarkReadCountMillion(b *testing.B)     { benchReadCount(b, ScottishSTV) }
func BenchmarkReadCountMillionMeek(b *testing.B) { benchReadCount(b, MeekSTV) }

// BenchmarkBaselineScanWords is the yardstick in the same run: split the
// same file into words with bufio.Scanner and parse each number, doing no
// validation, no aggregation and no count.
func BenchmarkBaselineScanWords(b *testing.B) {
	path := millionBallotFile(b)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ReportAllocs()
	for b.Loop() {
		f, _ := os.Open(path)
		sc := bufio.NewScanner(f)
		sc.Split(bufio.ScanWords)
		var sum int
		for sc.Scan() {
			if n, err := strconv.Atoi(sc.Text()); err == nil {
				sum += n
			}
		}
		f.Close()
		if sum == 0 {
			b.Fatal("nothing read")
		}
	}
}
