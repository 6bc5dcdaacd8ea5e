package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // cover images may be uploaded as GIF
	"image/jpeg"
	"image/png"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// Cover images: what is accepted, and the size they are stored at.
const (
	MaxImageBytes  = 8 << 20
	maxImageSide   = 12000
	maxImagePixels = 50_000_000
	// CoverWidth is the widest a stored cover is: enough for a sharp
	// banner and for OpenGraph's 1200×630.
	CoverWidth = 1600
	// ImageTypesText lists the accepted types for a form hint.
	ImageTypesText = "JPEG, PNG or GIF, up to 8 MB"
)

var errNotImage = errors.New("not an image Quorum accepts")

// processImage checks an upload and re-encodes it at most CoverWidth wide.
// Re-encoding also drops the metadata cameras write (EXIF, with where a
// photo was taken).
func processImage(content []byte) (out []byte, contentType string, w, h int, err error) {
	if len(content) == 0 {
		return nil, "", 0, 0, errNotImage
	}
	if len(content) > MaxImageBytes {
		return nil, "", 0, 0, fmt.Errorf("the image is bigger than 8 MB")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(content))
	if err != nil {
		return nil, "", 0, 0, errNotImage
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxImageSide || cfg.Height > maxImageSide || cfg.Width*cfg.Height > maxImagePixels {
		return nil, "", 0, 0, fmt.Errorf("the image is %d×%d pixels; the largest accepted is 12000 on a side", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(content))
	if err != nil {
		return nil, "", 0, 0, errNotImage
	}
	if img.Bounds().Dx() > CoverWidth {
		img = downscale(img, CoverWidth)
	}
	var buf bytes.Buffer
	if format == "jpeg" || opaque(img) {
		contentType = "image/jpeg"
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	} else {
		contentType = "image/png"
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	}
	if err != nil {
		return nil, "", 0, 0, err
	}
	b := img.Bounds()
	return buf.Bytes(), contentType, b.Dx(), b.Dy(), nil
}

// opaque reports whether an image has no transparent pixel.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// downscale shrinks an image to width w by averaging the source pixels
// that fall in each destination pixel (a box filter: sharp enough for
// photographs and cheap).
func downscale(src image.Image, w int) image.Image {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	h := max(1, int(int64(sh)*int64(w)/int64(sw)))
	rgba := image.NewNRGBA(sb)
	draw.Draw(rgba, sb, src, sb.Min, draw.Src)
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		y0, y1 := y*sh/h, max((y+1)*sh/h, y*sh/h+1)
		for x := 0; x < w; x++ {
			x0, x1 := x*sw/w, max((x+1)*sw/w, x*sw/w+1)
			var r, g, b, a, n uint64
			for sy := y0; sy < y1; sy++ {
				off := rgba.PixOffset(sb.Min.X+x0, sb.Min.Y+sy)
				for sx := x0; sx < x1; sx++ {
					pix := rgba.Pix[off : off+4]
					alpha := uint64(pix[3])
					r += uint64(pix[0]) * alpha
					g += uint64(pix[1]) * alpha
					b += uint64(pix[2]) * alpha
					a += alpha
					n++
					off += 4
				}
			}
			c := color.NRGBA{}
			if a > 0 {
				c = color.NRGBA{R: uint8(r / a), G: uint8(g / a), B: uint8(b / a), A: uint8(a / n)}
			}
			dst.SetNRGBA(x, y, c)
		}
	}
	return dst
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// SetCover checks, resizes and stores a report's cover image.
func (s *Service) SetCover(ctx context.Context, p *auth.Principal, reportID int64, content []byte, alt string) (store.Image, error) {
	alt = strings.TrimSpace(alt)
	var im store.Image
	err := s.inTx(ctx, func(tx *store.Tx) error {
		r, err := s.editable(ctx, tx, p, reportID)
		if err != nil {
			return err
		}
		fe := FieldErrors{}
		if alt == "" {
			fe["alt"] = "Describe the picture for people who cannot see it"
		} else if len(alt) > 300 {
			fe["alt"] = "Use at most 300 characters"
		}
		out, ct, w, h, perr := processImage(content)
		if perr != nil {
			msg := perr.Error()
			if errors.Is(perr, errNotImage) {
				msg = "The file must be an image: " + ImageTypesText
			}
			fe["cover"] = strings.ToUpper(msg[:1]) + msg[1:]
		}
		if err := orNil(fe); err != nil {
			return err
		}
		sum := sha256.Sum256(out)
		im = store.Image{ContentType: ct, Width: w, Height: h, Size: int64(len(out)), SHA256: hex.EncodeToString(sum[:]),
			Content: out, Alt: alt, UploadedBy: p.PersonID, CreatedAt: s.now()}
		if im.ID, err = tx.InsertImage(ctx, im); err != nil {
			return err
		}
		old := r.CoverImageID
		r.CoverImageID = im.ID
		r.UpdatedAt = s.now()
		if err := tx.UpdateReport(ctx, r); err != nil {
			return err
		}
		return audit(ctx, tx, p, "report.cover", "report", r.ID, idText(old), fmt.Sprintf("image=%d %dx%d %s", im.ID, w, h, ct))
	})
	return im, err
}

// RemoveCover takes a report's cover image away.
func (s *Service) RemoveCover(ctx context.Context, p *auth.Principal, reportID int64) error {
	return s.inTx(ctx, func(tx *store.Tx) error {
		r, err := s.editable(ctx, tx, p, reportID)
		if err != nil {
			return err
		}
		old := r.CoverImageID
		r.CoverImageID = 0
		r.UpdatedAt = s.now()
		if err := tx.UpdateReport(ctx, r); err != nil {
			return err
		}
		return audit(ctx, tx, p, "report.cover", "report", r.ID, idText(old), "")
	})
}

// Image returns a stored image (covers are public once stored).
func (s *Service) Image(ctx context.Context, id int64) (store.Image, error) {
	return s.DB.ImageByID(ctx, id)
}
