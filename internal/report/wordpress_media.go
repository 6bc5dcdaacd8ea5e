package report

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
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
// cover. Documents (PDF papers, office documents, plain text) are brought
// in on the terms of meeting papers (see wordpress_files.go); any other
// file is named with the reason it was refused, and posts keep linking to
// it on the old blog.

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
// id and by uploads path (without the size suffix and extension), the new
// addresses of documents by uploads path, and the old addresses of the
// attachments' own pages.
type mediaMap struct {
	byPost map[int64]int64
	byPath map[string]int64
	files  map[string]string
	pages  []movedAddress
}

// movedAddress is an old address (its key) and where it now leads.
type movedAddress struct{ key, target string }

var resizedRE = regexp.MustCompile(`-\d+x\d+$`)

// pathKey is an uploads path without extension and WordPress's size suffix.
func pathKey(p string) string {
	p = strings.TrimSuffix(p, path.Ext(p))
	return resizedRE.ReplaceAllString(p, "")
}

// importMedia stores the pictures and documents of the attachments found
// in uploads, and keeps their old addresses.
func (s *Service) importMedia(ctx context.Context, tx *store.Tx, exp *wxr.Export, blog blogAddress, uploads fs.FS, now time.Time, res *WordPressResult) (mediaMap, error) {
	m := mediaMap{byPost: map[int64]int64{}, byPath: map[string]int64{}, files: map[string]string{}}
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
		oldPaths := attachmentPaths(it, file)
		if target, err := tx.RedirectTarget(ctx, oldPaths[0]); err == nil && strings.HasPrefix(target, "/images/") {
			if id, err := strconv.ParseInt(strings.TrimPrefix(target, "/images/"), 10, 64); err == nil {
				m.byPost[it.PostID], m.byPath[pathKey(file)] = id, id
				m.moved(blog, it, oldPaths, target)
				continue // brought in before
			}
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return m, err
		}
		if f, err := tx.ReportFileBySource(ctx, file); err == nil {
			m.files[file] = FileURL(f)
			m.moved(blog, it, oldPaths, FileURL(f))
			continue // brought in before
		} else if !errors.Is(err, store.ErrNotFound) {
			return m, err
		}
		// The size first: a blog's uploads may hold videos of gigabytes.
		st, err := fs.Stat(uploads, file)
		if err != nil || st.IsDir() {
			res.MediaMissing++
			continue
		}
		refuse := func(reason string) {
			res.Refused = append(res.Refused, ImportProblem{Item: fmt.Sprintf("%s (%s)", itemName(it), file), Reason: reason})
		}
		if st.Size() > MaxPaperBytes {
			refuse(errTooBig.Error())
			continue
		}
		content, err := fs.ReadFile(uploads, file)
		if err != nil {
			res.MediaMissing++
			continue
		}
		out, ct, w, h, err := processImage(content)
		if err != nil {
			if pictureType := http.DetectContentType(content); strings.HasPrefix(pictureType, "image/") {
				if errors.Is(err, errNotImage) {
					refuse(fmt.Sprintf("it is a picture of type %s that Quorum cannot read or does not accept (%s)", pictureType, ImageTypesText))
				} else {
					refuse(err.Error())
				}
				continue
			}
			target, err := s.importDocument(ctx, tx, it, file, content, now)
			if err != nil {
				if errors.Is(err, errRefused) {
					refuse(strings.TrimPrefix(err.Error(), errRefused.Error()+": "))
					continue
				}
				return m, err
			}
			m.files[file] = target
			m.moved(blog, it, oldPaths, target)
			res.Files++
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
		m.byPost[it.PostID], m.byPath[pathKey(file)] = id, id
		m.moved(blog, it, oldPaths, fmt.Sprintf("/images/%d", id))
		res.Media++
	}
	return m, nil
}

// errRefused marks a file that is not brought in, with the reason.
var errRefused = errors.New("refused")

// importDocument stores a document of an accepted type, or says why not.
func (s *Service) importDocument(ctx context.Context, tx *store.Tx, it wxr.Item, file string, content []byte, now time.Time) (string, error) {
	name := safeFilename(path.Base(file))
	ct, err := sniffDocument(name, content)
	if err != nil {
		return "", fmt.Errorf("%w: %s", errRefused, err.Error())
	}
	title := strings.TrimSpace(it.Title)
	if len(title) > maxTitle {
		title = excerpt(title, maxTitle)
	}
	f := store.ReportFile{Filename: name, Title: title, ContentType: ct, Size: int64(len(content)), SHA256: sha256Hex(content),
		Content: content, Source: file, CreatedAt: now}
	if f.ID, err = tx.InsertReportFile(ctx, f); err != nil {
		return "", err
	}
	return FileURL(f), nil
}

// attachmentPaths are the old addresses of a media file: under
// /wp-content/uploads/, and where its attachment_url says when that
// differs (a blog in a folder, uploads moved elsewhere).
func attachmentPaths(it wxr.Item, file string) []string {
	out := []string{"/wp-content/uploads/" + file}
	if u, err := url.Parse(it.AttachmentURL); err == nil && strings.HasSuffix(u.Path, "/"+file) && u.Path != out[0] {
		out = append(out, u.Path)
	}
	return out
}

// moved records the old addresses of a media file and of its attachment
// page as leading to target.
func (m *mediaMap) moved(blog blogAddress, it wxr.Item, oldPaths []string, target string) {
	for _, p := range oldPaths {
		m.pages = append(m.pages, movedAddress{p, target})
	}
	for _, key := range blog.attachmentAddresses(it) {
		m.pages = append(m.pages, movedAddress{key, target})
	}
}

var uploadsRefRE = regexp.MustCompile(`(src|href)="([^"]*/wp-content/uploads/([^"]+))"`)

// pictureExts are the names a picture's resized copies may end with.
var pictureExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true}

// relink points a body's pictures (and links to them) at the images
// brought in, and its links to documents at the documents brought in.
// A link to a file that was not brought in is left as it was.
func (m mediaMap) relink(body string) string {
	if len(m.byPath) == 0 && len(m.files) == 0 {
		return body
	}
	return uploadsRefRE.ReplaceAllStringFunc(body, func(ref string) string {
		parts := uploadsRefRE.FindStringSubmatch(ref)
		file, fragment := parts[3], ""
		if i := strings.IndexAny(file, "?#"); i >= 0 {
			if j := strings.IndexByte(file, '#'); j >= 0 {
				fragment = file[j:]
			}
			file = file[:i]
		}
		if unescaped, err := url.PathUnescape(file); err == nil {
			file = unescaped
		}
		if target, ok := m.files[file]; ok {
			return fmt.Sprintf(`%s="%s%s"`, parts[1], target, fragment)
		}
		if !pictureExts[strings.ToLower(path.Ext(file))] {
			return ref
		}
		if id, ok := m.byPath[pathKey(file)]; ok {
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
