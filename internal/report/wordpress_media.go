package report

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"quorum/internal/report/wxr"
	"quorum/internal/store"
)

// Media of an imported blog. WordPress's export holds no files, only their
// addresses; with a copy of the blog's wp-content/uploads folder
// (WordPressOptions.Uploads) the pictures are brought in: each is checked
// and resized like a cover, its old address redirects to it, posts show
// it from Quorum (the resized copies WordPress made, such as
// photo-300x169.jpg, included), and a post's featured image becomes its
// cover. Other files (PDFs…) are not brought in.

// uploadsPath is the part of a media address after /wp-content/uploads/.
func uploadsPath(u string) string {
	if i := strings.Index(u, "/wp-content/uploads/"); i >= 0 {
		return strings.TrimPrefix(u[i:], "/wp-content/uploads/")
	}
	return ""
}

// attachmentFile is the uploads path of an attachment item.
func attachmentFile(it wxr.Item) string {
	for _, m := range it.Meta {
		if m.Key == "_wp_attached_file" && strings.TrimSpace(m.Value) != "" {
			return strings.TrimSpace(m.Value)
		}
	}
	return uploadsPath(it.AttachmentURL)
}

// mediaMap is what importing the media found: image ids by attachment post
// id and by uploads path (without the size suffix and extension).
type mediaMap struct {
	byPost map[int64]int64
	byPath map[string]int64
}

var resizedRE = regexp.MustCompile(`-\d+x\d+$`)

// pathKey is an uploads path without extension and WordPress's size suffix.
func pathKey(p string) string {
	p = strings.TrimSuffix(p, path.Ext(p))
	return resizedRE.ReplaceAllString(p, "")
}

// importMedia stores the pictures of the attachments found in uploads.
func (s *Service) importMedia(ctx context.Context, tx *store.Tx, exp *wxr.Export, uploads fs.FS, now time.Time, res *WordPressResult) (mediaMap, error) {
	m := mediaMap{byPost: map[int64]int64{}, byPath: map[string]int64{}}
	if uploads == nil {
		return m, nil
	}
	for _, it := range exp.Items {
		if it.PostType != "attachment" {
			continue
		}
		file := attachmentFile(it)
		if file == "" || !fs.ValidPath(file) {
			res.MediaMissing++
			continue
		}
		oldPath := "/wp-content/uploads/" + file
		if target, err := tx.RedirectTarget(ctx, oldPath); err == nil && strings.HasPrefix(target, "/images/") {
			if id, err := strconv.ParseInt(strings.TrimPrefix(target, "/images/"), 10, 64); err == nil {
				m.byPost[it.PostID], m.byPath[pathKey(file)] = id, id
				continue // brought in before
			}
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return m, err
		}
		content, err := fs.ReadFile(uploads, file)
		if err != nil {
			res.MediaMissing++
			continue
		}
		out, ct, w, h, err := processImage(content)
		if err != nil {
			res.MediaNotImages++
			continue
		}
		alt := strings.TrimSpace(it.Excerpt)
		for _, meta := range it.Meta {
			if meta.Key == "_wp_attachment_image_alt" && strings.TrimSpace(meta.Value) != "" {
				alt = strings.TrimSpace(meta.Value)
			}
		}
		if alt == "" {
			alt = strings.TrimSpace(it.Title)
		}
		sum := sha256Hex(out)
		id, err := tx.InsertImage(ctx, store.Image{ContentType: ct, Width: w, Height: h, Size: int64(len(out)), SHA256: sum, Content: out, Alt: alt, CreatedAt: now})
		if err != nil {
			return m, err
		}
		if _, err := tx.PutRedirect(ctx, oldPath, fmt.Sprintf("/images/%d", id), now); err != nil {
			return m, err
		}
		m.byPost[it.PostID], m.byPath[pathKey(file)] = id, id
		res.Media++
	}
	return m, nil
}

var uploadsRefRE = regexp.MustCompile(`(src|href)="([^"]*/wp-content/uploads/([^"]+))"`)

// relinkMedia points a body's pictures (and links to them) at the images
// brought in.
func (m mediaMap) relink(body string) string {
	if len(m.byPath) == 0 {
		return body
	}
	return uploadsRefRE.ReplaceAllStringFunc(body, func(ref string) string {
		parts := uploadsRefRE.FindStringSubmatch(ref)
		if id, ok := m.byPath[pathKey(parts[3])]; ok {
			return fmt.Sprintf(`%s="/images/%d"`, parts[1], id)
		}
		return ref
	})
}

// featured is the image id of an item's featured image, if brought in.
func (m mediaMap) featured(it wxr.Item) int64 {
	for _, meta := range it.Meta {
		if meta.Key == "_thumbnail_id" {
			if id, err := strconv.ParseInt(strings.TrimSpace(meta.Value), 10, 64); err == nil {
				return m.byPost[id]
			}
		}
	}
	return 0
}
