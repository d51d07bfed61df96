package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/problem"
)

// Bandwidth's rules for port-in documents (docs/bandwidth-protocol.md §5.9), enforced before a
// document is stored so that Bandwidth never refuses one portflow accepted.
const (
	// maxDocumentBytes is Bandwidth's 3 MB limit, read as 3,000,000 bytes: the stricter reading,
	// so a file portflow accepts is never over Bandwidth's limit.
	maxDocumentBytes = 3_000_000
	// multipartOverhead is the room a multipart body needs beyond the file itself.
	multipartOverhead = 64 << 10
	maxFileName       = 255
	defaultDocType    = "LOA"
)

// documentTypes are Bandwidth's documentType values.
var documentTypes = []string{"LOA", "INVOICE", "CSR", "OTHER"}

// documentContentTypes are the MIME types Bandwidth accepts for port-in documents, with the file
// extensions that imply them when a client sends application/octet-stream.
var documentContentTypes = map[string][]string{
	"application/pdf":          {".pdf"},
	"text/plain":               {".txt"},
	"image/jpeg":               {".jpg", ".jpeg"},
	"image/png":                {".png"},
	"image/tiff":               {".tif", ".tiff"},
	"text/csv":                 {".csv"},
	"application/msword":       {".doc"},
	"application/vnd.ms-excel": {".xls"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       {".xlsx"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
}

// signatures are the leading bytes of the binary formats: a PDF that does not start with
// "%PDF-" is a mistake (often a renamed Word file) that Bandwidth's staff would reject later.
var signatures = map[string][][]byte{
	"application/pdf":          {[]byte("%PDF-")},
	"image/png":                {[]byte("\x89PNG\r\n\x1a\n")},
	"image/jpeg":               {[]byte("\xff\xd8\xff")},
	"image/tiff":               {[]byte("II*\x00"), []byte("MM\x00*")},
	"application/msword":       {[]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")},
	"application/vnd.ms-excel": {[]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       {[]byte("PK\x03\x04")},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {[]byte("PK\x03\x04")},
}

// upload is a document as received, before it is checked.
type upload struct {
	docType     string
	contentType string
	fileName    string
	content     []byte
}

// addDocument takes a document either as multipart/form-data (a "file" part and an optional
// "type" field) or as the raw body with the file's Content-Type (type and file_name in the
// query, or the file name in Content-Disposition).
func (a *API) addDocument(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		a.writeProblem(w, r, problem.New(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"send the document as multipart/form-data or as the raw file with its Content-Type ("+allowedTypesList()+")"))
		return
	}
	var up upload
	var p *problem.Problem
	if mt == "multipart/form-data" {
		up, p = readMultipartDocument(r, params["boundary"])
	} else {
		up, p = readRawDocument(r, mt)
	}
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	if p := checkDocument(&up); p != nil {
		a.writeProblem(w, r, p)
		return
	}
	id := chi.URLParam(r, "id")
	if !a.preconditionHolds(w, r, id) {
		return
	}
	req, docID, err := a.requests.AddDocument(r.Context(), id, orchestrator.NewDocument{
		Type: up.docType, ContentType: up.contentType, FileName: up.fileName, Content: up.content,
	})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	view, err := a.view(r, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, etag(req.Version), documentCreatedView{
		Document:    documentView{ID: docID, Type: up.docType, ContentType: up.contentType, FileName: up.fileName, SizeBytes: len(up.content)},
		PortRequest: view,
	})
}

func readRawDocument(r *http.Request, contentType string) (upload, *problem.Problem) {
	q := r.URL.Query()
	var qp queryProblems
	checkParams(q, &qp, nil, "type", "file_name")
	if p := qp.problem(); p != nil {
		return upload{}, p
	}
	up := upload{docType: q.Get("type"), contentType: contentType, fileName: q.Get("file_name")}
	if up.fileName == "" {
		if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
			up.fileName = params["filename"]
		}
	}
	if p := checkContentType(&up); p != nil {
		return upload{}, p
	}
	content, p := readBody(r, maxDocumentBytes)
	if p != nil {
		p.Detail = fmt.Sprintf("the document exceeds Bandwidth's limit of 3 MB (%d bytes)", maxDocumentBytes)
		return upload{}, p
	}
	up.content = content
	return up, nil
}

func readMultipartDocument(r *http.Request, boundary string) (upload, *problem.Problem) {
	if boundary == "" {
		return upload{}, problem.New(http.StatusBadRequest, "malformed_multipart", "the multipart Content-Type has no boundary")
	}
	if len(r.URL.Query()) > 0 {
		var qp queryProblems
		checkParams(r.URL.Query(), &qp, nil, "type")
		if p := qp.problem(); p != nil {
			return upload{}, p
		}
	}
	tooLarge := problem.New(http.StatusRequestEntityTooLarge, "body_too_large",
		fmt.Sprintf("the document exceeds Bandwidth's limit of 3 MB (%d bytes)", maxDocumentBytes))
	if r.ContentLength > maxDocumentBytes+multipartOverhead {
		return upload{}, tooLarge
	}
	mr := multipart.NewReader(http.MaxBytesReader(nil, r.Body, maxDocumentBytes+multipartOverhead), boundary)
	var (
		up       upload
		fr       fieldReader
		haveFile bool
	)
	up.docType = r.URL.Query().Get("type")
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return upload{}, tooLarge
			}
			return upload{}, problem.New(http.StatusBadRequest, "malformed_multipart", "the multipart body cannot be read: "+err.Error())
		}
		name := part.FormName()
		switch name {
		case "file":
			if haveFile {
				fr.add("/file", "too_many", "send one file per request")
				continue
			}
			haveFile = true
			content, err := io.ReadAll(io.LimitReader(part, maxDocumentBytes+1))
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return upload{}, tooLarge
			}
			if err != nil {
				return upload{}, problem.New(http.StatusBadRequest, "malformed_multipart", "the file part cannot be read: "+err.Error())
			}
			if len(content) > maxDocumentBytes {
				return upload{}, tooLarge
			}
			up.content = content
			up.fileName = part.FileName()
			up.contentType = part.Header.Get("Content-Type")
			if up.contentType != "" {
				if mt, _, err := mime.ParseMediaType(up.contentType); err == nil {
					up.contentType = mt
				}
			}
		case "type":
			v, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return upload{}, problem.New(http.StatusBadRequest, "malformed_multipart", "the type field cannot be read: "+err.Error())
			}
			t := strings.TrimSpace(string(v))
			if up.docType != "" && t != up.docType {
				fr.add("/type", "conflict", fmt.Sprintf("the type field (%q) and the type query parameter (%q) differ; send one", t, up.docType))
			}
			up.docType = t
		default:
			fr.add("/"+escapePointer(name), "unknown_field", fmt.Sprintf("unknown form field %q; the fields are: file, type", name))
		}
	}
	if !haveFile {
		fr.add("/file", "required", `attach the document as the form field "file"`)
	}
	if len(fr.errs) > 0 {
		return upload{}, validationProblem(fr.errs)
	}
	if p := checkContentType(&up); p != nil {
		return upload{}, p
	}
	return up, nil
}

// checkContentType settles the document's MIME type: the one declared, or for
// application/octet-stream (what clients send when they do not know) the one the file name's
// extension implies. Types Bandwidth does not accept are a 415.
func checkContentType(up *upload) *problem.Problem {
	ct := strings.ToLower(up.contentType)
	if ct == "" || ct == "application/octet-stream" {
		ext := strings.ToLower(path.Ext(strings.ReplaceAll(up.fileName, `\`, "/")))
		for t, exts := range documentContentTypes {
			if ext != "" && slices.Contains(exts, ext) {
				ct = t
			}
		}
	}
	if _, ok := documentContentTypes[ct]; !ok {
		shown := up.contentType
		if shown == "" {
			shown = "no Content-Type"
		}
		return problem.New(http.StatusUnsupportedMediaType, "unsupported_media_type",
			fmt.Sprintf("%s is not a document type Bandwidth accepts: use one of %s", shown, allowedTypesList()))
	}
	up.contentType = ct
	return nil
}

// checkDocument validates what was read: the document type, the file name and the content.
func checkDocument(up *upload) *problem.Problem {
	var fr fieldReader
	if up.docType == "" {
		up.docType = defaultDocType
	}
	up.docType = strings.ToUpper(up.docType)
	if !slices.Contains(documentTypes, up.docType) {
		fr.add("/type", "invalid_value", fmt.Sprintf("%q is not a document type: use %s", up.docType, strings.Join(documentTypes, ", ")))
	}
	// Keep the name only: a client's directory is none of portflow's business.
	up.fileName = path.Base(strings.ReplaceAll(strings.TrimSpace(up.fileName), `\`, "/"))
	if up.fileName == "." || up.fileName == "/" {
		up.fileName = ""
	}
	switch {
	case !utf8.ValidString(up.fileName) || strings.IndexFunc(up.fileName, isControl) >= 0:
		fr.add("/file_name", "invalid_format", "the file name must be UTF-8 without control characters")
	case utf8.RuneCountInString(up.fileName) > maxFileName:
		fr.add("/file_name", "too_long", fmt.Sprintf("the file name must be at most %d characters", maxFileName))
	}
	if len(up.content) == 0 {
		fr.add("/file", "empty", "the document is empty")
	} else if sigs, ok := signatures[up.contentType]; ok && !slices.ContainsFunc(sigs, func(s []byte) bool { return bytes.HasPrefix(up.content, s) }) {
		fr.add("/file", "content_mismatch", fmt.Sprintf("the content is not a %s file: check the file, or declare its real type", up.contentType))
	}
	if len(fr.errs) > 0 {
		return validationProblem(fr.errs)
	}
	return nil
}

func allowedTypesList() string {
	types := make([]string, 0, len(documentContentTypes))
	for t := range documentContentTypes {
		types = append(types, t)
	}
	slices.Sort(types)
	return strings.Join(types, ", ")
}
