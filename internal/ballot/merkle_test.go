package ballot

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"testing"
)

// The RFC 6962 reference data used by Certificate Transparency
// implementations: eight leaf inputs and the tree head after each.
var rfc6962Inputs = []string{
	"", "00", "10", "2021", "3031", "40414243",
	"5051525354555657", "606162636465666768696a6b6c6d6e6f",
}

var rfc6962Roots = []string{
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // empty tree: SHA-256("")
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

func rfc6962Leaves(t *testing.T) [][32]byte {
	leaves := make([][32]byte, len(rfc6962Inputs))
	for i, in := range rfc6962Inputs {
		data, err := hex.DecodeString(in)
		if err != nil {
			t.Fatal(err)
		}
		leaves[i] = sha256.Sum256(append([]byte{0x00}, data...))
	}
	return leaves
}

func mustHex32(t *testing.T, s string) [32]byte {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad hex %q", s)
	}
	return [32]byte(b)
}

func TestMerkleRootRFC6962(t *testing.T) {
	leaves := rfc6962Leaves(t)
	for n := 0; n <= len(leaves); n++ {
		got := MerkleRoot(leaves[:n])
		if hex.EncodeToString(got[:]) != rfc6962Roots[n] {
			t.Errorf("size %d: root %x, want %s", n, got, rfc6962Roots[n])
		}
	}
}

// Two hand computations straight from the definitions in RFC 6962 2.1.
func TestMerkleRootByHand(t *testing.T) {
	a, b, c := sha256.Sum256([]byte{0, 'a'}), sha256.Sum256([]byte{0, 'b'}), sha256.Sum256([]byte{0, 'c'})
	node := func(l, r [32]byte) [32]byte { return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...)) }
	if MerkleRoot([][32]byte{a}) != a {
		t.Error("the root of one leaf is not the leaf")
	}
	if MerkleRoot([][32]byte{a, b}) != node(a, b) {
		t.Error("two leaves")
	}
	if MerkleRoot([][32]byte{a, b, c}) != node(node(a, b), c) {
		t.Error("three leaves: not split at 2")
	}
}

func TestInclusionProofRFC6962(t *testing.T) {
	leaves := rfc6962Leaves(t)
	root := mustHex32(t, rfc6962Roots[8])
	for _, tc := range []struct {
		index int
		proof []string
	}{
		{0, []string{
			"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
		}},
		{5, []string{
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		}},
	} {
		got, err := InclusionProof(leaves, tc.index)
		if err != nil {
			t.Fatal(err)
		}
		want := make([][32]byte, len(tc.proof))
		for i, h := range tc.proof {
			want[i] = mustHex32(t, h)
		}
		if !slices.Equal(got, want) {
			t.Errorf("leaf %d: proof differs from the reference", tc.index)
		}
		if !VerifyInclusion(leaves[tc.index], tc.index, 8, want, root) {
			t.Errorf("leaf %d: reference proof does not verify", tc.index)
		}
	}
}

// referenceRoot is MTH from RFC 6962 2.1, recursively.
func referenceRoot(d [][32]byte) [32]byte {
	switch len(d) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return d[0]
	}
	k := 1
	for 2*k < len(d) {
		k *= 2
	}
	return hashChildren(referenceRoot(d[:k]), referenceRoot(d[k:]))
}

func testLeaves(n int) [][32]byte {
	leaves := make([][32]byte, n)
	for i := range leaves {
		leaves[i] = sha256.Sum256(binary.BigEndian.AppendUint32([]byte{0}, uint32(i)))
	}
	return leaves
}

func TestMerkleRootMatchesDefinition(t *testing.T) {
	all := testLeaves(300)
	for n := 0; n <= len(all); n++ {
		if MerkleRoot(all[:n]) != referenceRoot(all[:n]) {
			t.Fatalf("size %d: root differs from RFC 6962's definition", n)
		}
	}
	for _, n := range []int{1023, 1024, 1025, 4097} {
		leaves := testLeaves(n)
		if MerkleRoot(leaves) != referenceRoot(leaves) {
			t.Fatalf("size %d: root differs from RFC 6962's definition", n)
		}
	}
}

func TestMerkleRootLeavesInputAlone(t *testing.T) {
	leaves := testLeaves(7)
	before := slices.Clone(leaves)
	MerkleRoot(leaves)
	if !slices.Equal(leaves, before) {
		t.Fatal("MerkleRoot changed its input")
	}
}

func TestInclusionProofsEverySize(t *testing.T) {
	all := testLeaves(33)
	for size := 1; size <= len(all); size++ {
		leaves := all[:size]
		root := MerkleRoot(leaves)
		for i := range size {
			proof, err := InclusionProof(leaves, i)
			if err != nil {
				t.Fatal(err)
			}
			if !VerifyInclusion(leaves[i], i, size, proof, root) {
				t.Fatalf("size %d leaf %d: proof does not verify", size, i)
			}
			// Nothing else verifies.
			other := leaves[(i+1)%size]
			if size > 1 && VerifyInclusion(other, i, size, proof, root) {
				t.Fatalf("size %d leaf %d: another leaf verifies", size, i)
			}
			if VerifyInclusion(leaves[i], i, size, proof, all[0]) && root != all[0] {
				t.Fatalf("size %d leaf %d: verifies against another root", size, i)
			}
			for _, j := range []int{i - 1, i + 1, -1, size} {
				if j != i && VerifyInclusion(leaves[i], j, size, proof, root) {
					t.Fatalf("size %d leaf %d: verifies at index %d", size, i, j)
				}
			}
			// (A proof may also verify under another tree size with the same
			// path shape, e.g. leaf 0 of 3 and of 4: RFC 9162 binds the size
			// through the signed tree head, and the board publishes it.)
			for p := range proof {
				bad := slices.Clone(proof)
				bad[p][p%32] ^= 1
				if VerifyInclusion(leaves[i], i, size, bad, root) {
					t.Fatalf("size %d leaf %d: a damaged proof verifies", size, i)
				}
			}
			if len(proof) > 0 && VerifyInclusion(leaves[i], i, size, proof[:len(proof)-1], root) {
				t.Fatalf("size %d leaf %d: a shortened proof verifies", size, i)
			}
			if VerifyInclusion(leaves[i], i, size, append(slices.Clone(proof), root), root) {
				t.Fatalf("size %d leaf %d: a lengthened proof verifies", size, i)
			}
		}
	}
}

func TestInclusionProofRefuses(t *testing.T) {
	leaves := testLeaves(4)
	for _, i := range []int{-1, 4, 100} {
		if _, err := InclusionProof(leaves, i); err == nil {
			t.Errorf("index %d: a proof", i)
		}
	}
	if _, err := InclusionProof(nil, 0); err == nil {
		t.Error("empty tree: a proof")
	}
	if VerifyInclusion(leaves[0], 0, 0, nil, leaves[0]) {
		t.Error("size 0 verifies")
	}
}

func TestLeafHash(t *testing.T) {
	var tr Tracker
	for i := range tr {
		tr[i] = byte(0xa0 + i)
	}
	// Built by hand from the documented encoding.
	data := []byte{0x00, 0x01}
	data = append(data, tr[:]...)
	data = append(data, 0, 0, 0, 2)
	data = append(data, 0, 0, 0, 5)
	data = append(data, "Alice"...)
	data = append(data, 0, 0, 0, 7)
	data = append(data, "Bryn é"...) // 7 bytes of UTF-8
	if got := LeafHash(tr, []string{"Alice", "Bryn é"}); got != sha256.Sum256(data) {
		t.Fatal("LeafHash differs from the documented encoding")
	}
	if got := LeafHash(tr, nil); got != sha256.Sum256(append(append([]byte{0, 1}, tr[:]...), 0, 0, 0, 0)) {
		t.Fatal("LeafHash of a blank ballot differs from the documented encoding")
	}
	// Unambiguous: different ballots never share an encoding.
	distinct := map[[32]byte]string{}
	other := tr
	other[15] ^= 1
	for name, h := range map[string][32]byte{
		"A,BC":    LeafHash(tr, []string{"A", "BC"}),
		"AB,C":    LeafHash(tr, []string{"AB", "C"}),
		"ABC":     LeafHash(tr, []string{"ABC"}),
		"C,AB":    LeafHash(tr, []string{"C", "AB"}),
		"empty":   LeafHash(tr, nil),
		"'' name": LeafHash(tr, []string{""}),
		"tracker": LeafHash(other, []string{"A", "BC"}),
	} {
		if prev, ok := distinct[h]; ok {
			t.Fatalf("%s and %s have the same leaf hash", name, prev)
		}
		distinct[h] = name
	}
}
