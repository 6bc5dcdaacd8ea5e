package e2e

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

func blankJPEG(t *testing.T, shot []byte) bool {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	return uniform(img)
}

// uniform reports whether (nearly) every sampled pixel has the colour of the first.
func uniform(img image.Image) bool {
	b := img.Bounds()
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if absDiff(r, r0)+absDiff(g, g0)+absDiff(bl, b0) > 3000 {
				differ++
			}
		}
	}
	return differ < 50
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
