package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sharedBLT = "../../../shared/testdata/blt"

func runCount(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cmdCount(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCountCommand(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "capital.blt")
	os.WriteFile(small, []byte("4 1\n42 1 2 3 4 0\n26 2 3 4 1 0\n15 3 4 2 1 0\n17 4 3 2 1 0\n0\n\"Memphis\"\n\"Nashville\"\n\"Chattanooga\"\n\"Knoxville\"\n\"Capital\"\n"), 0o644)
	board := filepath.Join(dir, "capital.download")
	os.WriteFile(board, []byte(`{"election":"Capital","method":"fptp","seats":1,"seed":"7","quota_rules":[],"candidates":[{"name":"Memphis"},{"name":"Nashville"}],`+
		`"ballots":[{"tracker":"a","ranking":["Nashville"]},{"tracker":"b","ranking":["Memphis","Nashville"]},{"tracker":"c","ranking":["Nashville"]}]}`), 0o644)
	csvFile := filepath.Join(dir, "ballots.csv")
	os.WriteFile(csvFile, []byte("p1,p2\nAnn,Bob\nBob,Ann\nAnn,\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"help", []string{"--help"}, 0, "Usage: quorum count"},
		{"irv text", []string{small}, 0, "Knoxville (stage 3)"},
		{"fptp", []string{"--method", "fptp", small}, 0, "1. Memphis"},
		{"flags after file", []string{small, "--method", "fptp"}, 0, "1. Memphis"},
		{"json", []string{"--format", "json", small}, 0, `"elected": [`},
		{"svg", []string{"--format", "svg", small}, 0, "<title id=\"count-title\">"},
		{"csv", []string{csvFile}, 0, "1. Ann"},
		{"csv to blt", []string{"--format", "blt", csvFile}, 0, "\"Ann\"\n\"Bob\""},
		{"board by content", []string{board}, 0, "From the file: method fptp, seats 1, seed 7, no quota rule"},
		{"board counted", []string{board}, 0, "1. Nashville"},
		{"board without a root", []string{board}, 0, "The file gives no Merkle root"},
		{"board overridden", []string{"--method", "irv", "--seed", "9", board}, 0, "From the command line: method irv, seed 9."},
		{"board to blt", []string{"--format", "blt", board}, 0, "2 1\n"},
		{"blt read as a board", []string{"--input", "json", small}, 2, ""},
		{"unknown input", []string{"--input", "xml", small}, 2, ""},
		{"unknown method", []string{"--method", "borda", small}, 2, ""},
		{"unknown flag", []string{"--bogus", small}, 2, ""},
		{"no file", nil, 2, ""},
		{"missing file", []string{filepath.Join(dir, "nope.blt")}, 2, ""},
		{"bad quota", []string{"--quota", "gender", small}, 2, ""},
		{"bad format", []string{"--format", "pdf", small}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCount(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errOut)
			}
			if !strings.Contains(out, tt.contains) {
				t.Errorf("output lacks %q:\n%s", tt.contains, out)
			}
			if code == 2 && (strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "quorum count: ")) {
				t.Errorf("usage error should be one line, got %q", errOut)
			}
		})
	}
}

func TestCountCommandEdinburghJSON(t *testing.T) {
	file := filepath.Join(sharedBLT, "edinburgh_2012_forth.blt")
	if _, err := os.Stat(file); err != nil {
		t.Skipf("shared test elections not found at %s", sharedBLT)
	}
	code, out, errOut := runCount(t, "--format", "json", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Method  string   `json:"method"`
		Seats   int      `json:"seats"`
		Ballots int      `json:"ballots"`
		Quota   float64  `json:"quota"`
		Elected []string `json:"elected"`
		Rounds  []struct {
			Round     int                `json:"round"`
			Tallies   map[string]float64 `json:"tallies"`
			Exhausted float64            `json:"exhausted"`
		} `json:"rounds"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Method != "scottish-stv" || got.Seats != 4 || got.Ballots != 8097 || got.Quota != 1620 || len(got.Rounds) != 8 {
		t.Errorf("unexpected summary %+v", got)
	}
	if got.Rounds[1].Tallies["Steve CARDOWNIE (SNP)"] != 1407.36294 {
		t.Errorf("stage 2 Cardownie = %v", got.Rounds[1].Tallies["Steve CARDOWNIE (SNP)"])
	}
	if !strings.Contains(out, `"Steve CARDOWNIE (SNP)": 1407.36294`) {
		t.Error("tallies should be written with exactly five decimal places")
	}
}
