package count

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"
	"testing/iotest"
)

// TestReadBLTByteAtATime: the reader must not depend on how the source
// splits its data (a pipe or network stream hands over odd-sized pieces).
func TestReadBLTByteAtATime(t *testing.T) {
	for _, name := range []string{"testdata/variants.blt", "testdata/gender_stv.blt", "testdata/stv_truncation.blt"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := ReadBLT(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		bytewise, err := ReadBLT(iotest.OneByteReader(bytes.NewReader(data)))
		if err != nil {
			t.Fatalf("%s one byte at a time: %v", name, err)
		}
		if !reflect.DeepEqual(whole, bytewise) {
			t.Errorf("%s: reading one byte at a time gave a different election", name)
		}
		dataErr, err := ReadBLT(iotest.DataErrReader(bytes.NewReader(data)))
		if err != nil || !reflect.DeepEqual(whole, dataErr) {
			t.Errorf("%s: data with the final read's EOF: %v", name, err)
		}
	}
}

func TestReadBLTSourceError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ReadBLT(iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the source's error", err)
	}
	half := iotest.TimeoutReader(iotest.OneByteReader(bytes.NewReader([]byte("3 1\n1 1 0\n"))))
	if _, err := ReadBLT(half); err == nil {
		t.Error("a failing source must not give an election")
	}
}
