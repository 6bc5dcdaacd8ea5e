package ballot

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
)

// The bulletin board's Merkle tree follows RFC 6962 / RFC 9162 section 2.1:
// a leaf hash is SHA-256(0x00 || leaf data), an interior node is
// SHA-256(0x01 || left || right), a tree of n > 1 leaves splits at the
// largest power of two smaller than n, and the empty tree's hash is
// SHA-256(""). Anyone can recompute the root from the published ballots
// with any RFC 6962 library.

const (
	leafPrefix   = 0x00
	nodePrefix   = 0x01
	leafFormatV1 = 0x01
)

// LeafHash is the RFC 6962 leaf hash of one published ballot:
// SHA-256(0x00 || leaf data), where leaf data (version 1) is
//
//	0x01                         format version
//	tracker                      16 bytes
//	uint32 big-endian            number of names
//	for each name in order:
//	    uint32 big-endian        length of the name in bytes
//	    the name                 UTF-8, exactly as published
//
// Names rather than ids, because the board shows names and a voter or
// observer must be able to recompute the leaf from what is published.
func LeafHash(tracker Tracker, ranking []string) [32]byte {
	h := sha256.New()
	var buf [4]byte
	h.Write([]byte{leafPrefix, leafFormatV1})
	h.Write(tracker[:])
	binary.BigEndian.PutUint32(buf[:], uint32(len(ranking)))
	h.Write(buf[:])
	for _, name := range ranking {
		if uint64(len(name)) > math.MaxUint32 {
			panic("ballot: candidate name longer than 4 GiB")
		}
		binary.BigEndian.PutUint32(buf[:], uint32(len(name)))
		h.Write(buf[:])
		h.Write([]byte(name))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

func hashChildren(left, right [32]byte) [32]byte {
	var buf [1 + 32 + 32]byte
	buf[0] = nodePrefix
	copy(buf[1:], left[:])
	copy(buf[33:], right[:])
	return sha256.Sum256(buf[:])
}

// MerkleRoot returns the RFC 6962 tree hash of the leaf hashes (as made by
// LeafHash: the 0x00 prefix is already applied). The empty tree's root is
// SHA-256(""). It does not modify leaves.
func MerkleRoot(leaves [][32]byte) [32]byte {
	if len(leaves) == 0 {
		return sha256.Sum256(nil)
	}
	// Pairing neighbours level by level and carrying an odd last node up
	// unchanged builds exactly RFC 6962's tree (split at the largest power
	// of two below n), without recursion.
	level := make([][32]byte, (len(leaves)+1)/2)
	n := 0
	for i := 0; i+1 < len(leaves); i += 2 {
		level[n] = hashChildren(leaves[i], leaves[i+1])
		n++
	}
	if len(leaves)%2 == 1 {
		level[n] = leaves[len(leaves)-1]
		n++
	}
	for n > 1 {
		m := 0
		for i := 0; i+1 < n; i += 2 {
			level[m] = hashChildren(level[i], level[i+1])
			m++
		}
		if n%2 == 1 {
			level[m] = level[n-1]
			m++
		}
		n = m
	}
	return level[0]
}

// InclusionProof returns the RFC 9162 inclusion proof (audit path) of the
// leaf at index in the tree of leaves: sibling hashes from the leaf upwards.
func InclusionProof(leaves [][32]byte, index int) ([][32]byte, error) {
	if index < 0 || index >= len(leaves) {
		return nil, fmt.Errorf("ballot: leaf %d is outside a tree of %d", index, len(leaves))
	}
	var proof [][32]byte
	for len(leaves) > 1 {
		k := largestPowerOfTwoBelow(len(leaves))
		if index < k {
			proof = append(proof, MerkleRoot(leaves[k:]))
			leaves = leaves[:k]
		} else {
			proof = append(proof, MerkleRoot(leaves[:k]))
			leaves = leaves[k:]
			index -= k
		}
	}
	// The path was gathered from the root down; a proof runs leaf upwards.
	for i, j := 0, len(proof)-1; i < j; i, j = i+1, j-1 {
		proof[i], proof[j] = proof[j], proof[i]
	}
	return proof, nil
}

// largestPowerOfTwoBelow returns the largest power of two strictly less
// than n, for n > 1.
func largestPowerOfTwoBelow(n int) int {
	k := 1
	for k<<1 < n {
		k <<= 1
	}
	return k
}

// VerifyInclusion reports whether proof shows that leaf is at index in the
// tree of size leaves whose root is root (RFC 9162 section 2.1.3.2).
func VerifyInclusion(leaf [32]byte, index, size int, proof [][32]byte, root [32]byte) bool {
	if index < 0 || size <= 0 || index >= size {
		return false
	}
	fn, sn := uint64(index), uint64(size-1)
	r := leaf
	for _, p := range proof {
		if sn == 0 {
			return false
		}
		if fn&1 == 1 || fn == sn {
			r = hashChildren(p, r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = hashChildren(r, p)
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && r == root
}
