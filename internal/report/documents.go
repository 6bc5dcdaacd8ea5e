package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"
)

// Documents: meeting papers and the documents of an imported blog are the
// same kinds of file, checked the same way, by what their content is and
// never by their name.

// paperTypes are the types a document may be, with the usual extension.
var paperTypes = map[string]string{
	"application/pdf":           ".pdf",
	"text/plain; charset=utf-8": ".txt",
	"text/csv":                  ".csv",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"application/vnd.oasis.opendocument.presentation":                           ".odp",
	"image/png":  ".png",
	"image/jpeg": ".jpg",
}

// MaxPaperBytes bounds a meeting paper.
const MaxPaperBytes = 20 << 20

// PaperTypesText lists the accepted types for a form hint.
const PaperTypesText = "PDF, Word, Excel, PowerPoint, OpenDocument, plain text, CSV, PNG or JPEG, up to 20 MB"

// officeParts tells an office document by the part only its kind holds
// (Office Open XML files are zip archives of XML parts).
var officeParts = []struct{ part, contentType string }{
	{"word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
}

// sniffDocument tells the type of a document from its content, and
// refuses what is not one of the types meeting papers may be. The name
// only chooses between plain text and CSV, which are the same bytes.
// The error says in plain words what is wrong with the file.
func sniffDocument(name string, content []byte) (string, error) {
	switch {
	case len(content) == 0:
		return "", fmt.Errorf("the file is empty")
	case len(content) > MaxPaperBytes:
		return "", errTooBig
	}
	ct, what := documentType(name, content)
	if ct == "" {
		return "", fmt.Errorf("it is %s; Quorum accepts %s", what, PaperTypesText)
	}
	return ct, nil
}

var errTooBig = fmt.Errorf("the file is bigger than 20 MB, the most Quorum accepts")

// documentType is the accepted type of a document, or "" and what the
// file is instead.
func documentType(name string, content []byte) (contentType, what string) {
	switch {
	case bytes.HasPrefix(content, []byte("%PDF-")):
		return "application/pdf", ""
	case bytes.HasPrefix(content, []byte("PK\x03\x04")):
		return sniffZip(content)
	case bytes.HasPrefix(content, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "", "an old Microsoft Office document (.doc, .xls or .ppt: save it again in the newer format or as PDF)"
	}
	ct := http.DetectContentType(content)
	switch {
	case ct == "image/png" || ct == "image/jpeg":
		return ct, ""
	case strings.HasPrefix(ct, "text/plain") && utf8.Valid(content):
		if strings.EqualFold(path.Ext(name), ".csv") {
			return "text/csv", ""
		}
		return "text/plain; charset=utf-8", ""
	}
	return "", "a file of type " + ct
}

// sniffZip tells an office document from any other zip archive by its
// parts: OpenDocument files start with a "mimetype" entry naming their
// type, Office Open XML files hold the main part of their kind. Only the
// archive's directory and that small entry are read.
func sniffZip(content []byte) (contentType, what string) {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return "", "a damaged zip archive"
	}
	if len(zr.File) > 0 && zr.File[0].Name == "mimetype" && zr.File[0].UncompressedSize64 < 100 {
		if rc, err := zr.File[0].Open(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, 100))
			rc.Close()
			switch mt := strings.TrimSpace(string(b)); mt {
			case "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.presentation":
				return mt, ""
			default:
				return "", fmt.Sprintf("an OpenDocument file of type %q", mt)
			}
		}
	}
	hasTypes := false
	for _, f := range zr.File {
		if f.Name == "[Content_Types].xml" {
			hasTypes = true
		}
	}
	if hasTypes {
		for _, kind := range officeParts {
			for _, f := range zr.File {
				if f.Name == kind.part {
					return kind.contentType, ""
				}
			}
		}
	}
	return "", "a zip archive that is not an office document"
}
