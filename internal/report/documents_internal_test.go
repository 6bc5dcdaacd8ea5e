package report

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

func FuzzSniffDocument(f *testing.F) {
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, _ := zw.Create(name)
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	f.Add("a.docx", docx.Bytes())
	f.Add("a.pdf", []byte("%PDF-1.4"))
	f.Add("a.csv", []byte("a,b\n1,2\n"))
	f.Add("a.txt", []byte("<html><script>"))
	f.Add("a.odt", []byte("PK\x03\x04mimetype"))
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		ct, err := sniffDocument(name, content)
		if err != nil {
			if ct != "" || err.Error() == "" {
				t.Fatalf("refused with type %q and reason %q", ct, err)
			}
			return
		}
		// Only the types of meeting papers, and never one a browser
		// would run.
		if _, ok := paperTypes[ct]; !ok || strings.Contains(ct, "html") || strings.Contains(ct, "xml") && !strings.HasPrefix(ct, "application/vnd.") {
			t.Fatalf("accepted as %q", ct)
		}
	})
}
