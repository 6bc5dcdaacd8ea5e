package ballot

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestShareFileRoundTrip(t *testing.T) {
	k := mustKey(t)
	shares, err := Split(k.Private, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, electionID := range []int64{1, 42, -7, 1 << 62} {
		for _, s := range shares {
			f := EncodeShareFile(s, electionID, k.Public)
			for name, variant := range map[string][]byte{
				"as written":      f,
				"CRLF":            bytes.ReplaceAll(f, []byte("\n"), []byte("\r\n")),
				"text around":     append(append([]byte("Forwarded message:\n\n"), f...), "\n-- \nsent from my phone\n"...),
				"no introduction": f[bytes.Index(f, []byte("-----BEGIN")):],
			} {
				got, id, fp, err := DecodeShareFile(variant)
				if err != nil {
					t.Fatalf("election %d share %d, %s: %v", electionID, s.Index, name, err)
				}
				if got.Index != s.Index || !bytes.Equal(got.Data, s.Data) || id != electionID || fp != Fingerprint(k.Public) {
					t.Fatalf("election %d share %d, %s: decoded to other values", electionID, s.Index, name)
				}
			}
		}
	}
}

func TestShareFileIsReadable(t *testing.T) {
	k := mustKey(t)
	f := string(EncodeShareFile(Share{Index: 2, Data: make([]byte, 32)}, 42, k.Public))
	for _, want := range []string{
		"key share 2 for the secret ballot of election 42",
		"-----BEGIN QUORUM BALLOT KEY SHARE-----",
		"Election: 42\n",
		"Share: 2\n",
		"Version: 1\n",
		"Key-Fingerprint: " + Fingerprint(k.Public) + "\n",
		"-----END QUORUM BALLOT KEY SHARE-----\n",
	} {
		if !strings.Contains(f, want) {
			t.Errorf("share file lacks %q", want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	// SHA-256("abc") begins ba7816bf8f01cfea (FIPS 180-2 example).
	if got := Fingerprint([]byte("abc")); got != "ba7816bf8f01cfea" {
		t.Fatalf("Fingerprint(abc) = %s", got)
	}
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(Fingerprint(mustKey(t).Public)) {
		t.Fatal("fingerprint is not 16 hex digits")
	}
}

func TestDecodeShareFileRefuses(t *testing.T) {
	k := mustKey(t)
	s := Share{Index: 3, Data: bytes.Repeat([]byte{0xa5}, 32)}
	good := string(EncodeShareFile(s, 42, k.Public))
	replace := func(old, new string) []byte {
		if !strings.Contains(good, old) {
			t.Fatalf("share file lacks %q", old)
		}
		return []byte(strings.Replace(good, old, new, 1))
	}
	block := good[strings.Index(good, "-----BEGIN"):]
	body := block[strings.Index(block, "\n\n")+2 : strings.Index(block, "-----END")]
	damagedBody := []byte(body)
	damagedBody[3] ^= 0x01 // another base64 letter
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"empty", nil},
		{"no block", []byte("just some words\n")},
		{"other block type", []byte(strings.ReplaceAll(good, "QUORUM BALLOT KEY SHARE", "CERTIFICATE"))},
		{"other election", replace("Election: 42", "Election: 43")},
		{"election with a leading zero", replace("Election: 42", "Election: 042")},
		{"election not a number", replace("Election: 42", "Election: forty-two")},
		{"other share index", replace("Share: 3", "Share: 4")},
		{"share index 0", replace("Share: 3", "Share: 0")},
		{"share index 256", replace("Share: 3", "Share: 256")},
		{"other fingerprint", replace("Key-Fingerprint: "+Fingerprint(k.Public), "Key-Fingerprint: 0000000000000000")},
		{"upper-case fingerprint", replace("Key-Fingerprint: "+Fingerprint(k.Public), "Key-Fingerprint: "+strings.ToUpper(Fingerprint(k.Public)))},
		{"version 2", replace("Version: 1", "Version: 2")},
		{"no version", replace("Version: 1\n", "")},
		{"extra header", replace("Version: 1\n", "Version: 1\nComment: hello\n")},
		{"damaged data", []byte(strings.Replace(good, body, string(damagedBody), 1))},
		{"damaged check", replace("Check: ", "Check: 0")},
		{"no data", []byte(strings.Replace(good, body, "", 1))},
		{"too large", append([]byte(good), make([]byte, shareFileMaxLen)...)},
	} {
		if _, _, _, err := DecodeShareFile(tc.file); !errors.Is(err, ErrBadShare) {
			t.Errorf("%s: got %v, want ErrBadShare", tc.name, err)
		}
	}
}
