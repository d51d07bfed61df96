package sandbox

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// loaFile is a document uploaded to a port-in.
type loaFile struct {
	name         string
	contentType  string
	data         []byte
	documentType string
	documentName string
	uploaded     time.Time
}

// loaExtensions are the MIME types Bandwidth accepts for port-in documents, with the file
// extension it gives the stored file.
var loaExtensions = map[string]string{
	"application/pdf": "pdf", "text/plain": "txt", "image/jpeg": "jpg", "image/png": "png",
	"image/tiff": "tif", "text/csv": "csv", "application/vnd.ms-excel": "xls",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
	"application/msword": "doc",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}

var documentTypes = map[string]bool{"LOA": true, "INVOICE": true, "CSR": true, "OTHER": true}

// tollFreeDocumentTypes are the only MIME types a toll-free port-in's documents may have (7638).
var tollFreeDocumentTypes = map[string]bool{"application/pdf": true, "image/tiff": true}

// tollFreeDocumentRefusal applies the toll-free document rules (PROTOCOL §5.9): an explicit
// documentType (7640) and a PDF or TIFF file (7638).
func tollFreeDocumentRefusal(p *portIn, contentType string, docTypeGiven bool) *apiError {
	switch {
	case !p.tollFree():
		return nil
	case !docTypeGiven:
		return &apiError{Code: "7640", Description: "A toll-free port-in's document needs a documentType (query parameter or header), e.g. documentType=LOA."}
	case !tollFreeDocumentTypes[contentType]:
		return &apiError{Code: "7638", Description: fmt.Sprintf("A toll-free port-in's document must be a PDF or TIFF file, not %s.", contentType)}
	}
	return nil
}

func writeFileResult(w http.ResponseWriter, status int, filename, code, message string) {
	writeXML(w, status, fileUploadResponse{Filename: filename, ResultCode: code, ResultMessage: message})
}

// documentUpload reads the MIME type and documentType of an upload (query parameter or
// header; default LOA, and docTypeGiven false).
func documentUpload(rc *reqCtx) (contentType, docType string, docTypeGiven bool, status int, apiErr *apiError) {
	contentType, _, err := mime.ParseMediaType(rc.r.Header.Get("Content-Type"))
	if _, ok := loaExtensions[contentType]; err != nil || !ok {
		return "", "", false, http.StatusBadRequest, &apiError{Code: "1019", Description: fmt.Sprintf(
			"Content-Type %q is not an accepted document type (PDF, text, JPEG, PNG, TIFF, CSV, Excel or Word).", rc.r.Header.Get("Content-Type"))}
	}
	fromQuery, fromHeader := rc.r.URL.Query().Get("documentType"), rc.r.Header.Get("documentType")
	switch {
	case fromQuery != "" && fromHeader != "" && !strings.EqualFold(fromQuery, fromHeader):
		return "", "", false, http.StatusConflict, &apiError{Code: "7641", Description: "documentType in the query and in the header disagree."}
	case fromQuery != "":
		docType = strings.ToUpper(fromQuery)
	case fromHeader != "":
		docType = strings.ToUpper(fromHeader)
	default:
		docType = "LOA"
	}
	if !documentTypes[docType] {
		return "", "", false, http.StatusBadRequest, &apiError{Code: "7639", Description: fmt.Sprintf("documentType '%s' is not valid. Valid values: LOA, INVOICE, CSR, OTHER.", docType)}
	}
	if len(rc.body) == 0 {
		return "", "", false, http.StatusBadRequest, &apiError{Code: "1019", Description: "The document is empty."}
	}
	return contentType, docType, fromQuery != "" || fromHeader != "", 0, nil
}

// uploadLOA is POST /portins/{id}/loas: the raw file as the body, its MIME type as
// Content-Type.
func (s *Sandbox) uploadLOA(w http.ResponseWriter, rc *reqCtx) {
	contentType, docType, docTypeGiven, status, apiErr := documentUpload(rc)
	if apiErr != nil {
		writeFileResult(w, status, "", apiErr.Code, apiErr.Description)
		return
	}
	s.mu.Lock()
	p := s.portInLocked(rc.path("orderId"))
	if p == nil {
		s.mu.Unlock()
		writeFileResult(w, http.StatusNotFound, "", "7000", statusTextNotFound)
		return
	}
	if e := tollFreeDocumentRefusal(p, contentType, docTypeGiven); e != nil {
		s.mu.Unlock()
		writeFileResult(w, http.StatusBadRequest, "", e.Code, e.Description)
		return
	}
	now := s.now()
	millis := now.UnixMilli()
	name := func(ms int64) string { return fmt.Sprintf("%s-%d.%s", p.id, ms, loaExtensions[contentType]) }
	for p.loa(name(millis)) != nil {
		millis++ // two uploads in the same millisecond still get distinct names
	}
	f := &loaFile{name: name(millis), contentType: contentType, data: rc.body, documentType: docType, uploaded: now}
	p.loas = append(p.loas, f)
	p.touched = s.draftClock()
	p.history = append(p.history, historyEntry{at: now, note: "LOA uploaded", author: rc.user, status: p.status,
		difference: `LoaDate : "" --> ` + now.UTC().Format(time.UnixDate)})
	s.documentsChangedLocked(p)
	s.mu.Unlock()
	w.Header().Set("Location", s.accountURL(rc, "/portins/"+rc.path("orderId")+"/loas/"+f.name))
	writeFileResult(w, http.StatusCreated, f.name, "0", "LOA file uploaded successfully for order "+rc.path("orderId"))
}

func (p *portIn) loa(name string) *loaFile {
	for _, f := range p.loas {
		if f.name == name {
			return f
		}
	}
	return nil
}

// listLOAs is GET /portins/{id}/loas (?metadata=true adds each file's metadata).
func (s *Sandbox) listLOAs(w http.ResponseWriter, rc *reqCtx) {
	withMetadata, _ := strconv.ParseBool(rc.r.URL.Query().Get("metadata"))
	s.mu.Lock()
	p := s.portInLocked(rc.path("orderId"))
	out := fileListResponse{ResultCode: "0"}
	if p != nil {
		out.FileCount = len(p.loas)
		for _, f := range p.loas {
			if withMetadata {
				out.FileData = append(out.FileData, fileDataXML{FileName: f.name, FileMetaData: fileMetaDataXML{DocumentName: f.documentName, DocumentType: f.documentType}})
			} else {
				out.FileNames = append(out.FileNames, f.name)
			}
		}
	}
	s.mu.Unlock()
	switch {
	case p == nil:
		writeXML(w, http.StatusNotFound, fileListResponse{ResultCode: "7000", ResultMessage: statusTextNotFound})
	case out.FileCount == 0:
		out.ResultMessage = "No LOA files found for order"
		writeXML(w, http.StatusOK, out)
	default:
		out.ResultMessage = "LOA file list successfully returned"
		writeXML(w, http.StatusOK, out)
	}
}

// withLOA runs fn on the named file of the order under mu, or answers 404.
func (s *Sandbox) withLOA(w http.ResponseWriter, rc *reqCtx, fn func(p *portIn, f *loaFile)) {
	s.mu.Lock()
	p := s.portInLocked(rc.path("orderId"))
	var f *loaFile
	if p != nil {
		f = p.loa(rc.path("fileId"))
	}
	if f == nil {
		s.mu.Unlock()
		writeFileResult(w, http.StatusNotFound, rc.path("fileId"), "7000", "LOA file not found for order "+rc.path("orderId"))
		return
	}
	fn(p, f)
	s.mu.Unlock()
}

func (s *Sandbox) downloadLOA(w http.ResponseWriter, rc *reqCtx) {
	var data []byte
	var contentType, name string
	found := false
	s.withLOA(w, rc, func(_ *portIn, f *loaFile) {
		data, contentType, name, found = f.data, f.contentType, f.name, true
	})
	if !found {
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	_, _ = w.Write(data)
}

func (s *Sandbox) replaceLOA(w http.ResponseWriter, rc *reqCtx) {
	contentType, docType, docTypeGiven, status, apiErr := documentUpload(rc)
	if apiErr != nil {
		writeFileResult(w, status, "", apiErr.Code, apiErr.Description)
		return
	}
	replaced := false
	var refusal *apiError
	s.withLOA(w, rc, func(p *portIn, f *loaFile) {
		if refusal = tollFreeDocumentRefusal(p, contentType, docTypeGiven); refusal != nil {
			return
		}
		f.contentType, f.data, f.documentType, f.uploaded = contentType, rc.body, docType, s.now()
		s.documentsChangedLocked(p)
		replaced = true
	})
	if refusal != nil {
		writeFileResult(w, http.StatusBadRequest, rc.path("fileId"), refusal.Code, refusal.Description)
	}
	if replaced {
		writeFileResult(w, http.StatusOK, rc.path("fileId"), "0", "LOA file updated successfully for order "+rc.path("orderId"))
	}
}

// deleteLOA removes a document; not once the order is COMPLETE or CANCELLED.
func (s *Sandbox) deleteLOA(w http.ResponseWriter, rc *reqCtx) {
	var refusal string
	deleted := false
	s.withLOA(w, rc, func(p *portIn, f *loaFile) {
		if p.final() {
			refusal = fmt.Sprintf("Documents of a %s order cannot be deleted.", p.status)
			return
		}
		for i, g := range p.loas {
			if g == f {
				p.loas = append(p.loas[:i:i], p.loas[i+1:]...)
				break
			}
		}
		deleted = true
	})
	switch {
	case refusal != "":
		writeFileResult(w, http.StatusBadRequest, rc.path("fileId"), "7304", refusal)
	case deleted:
		writeFileResult(w, http.StatusOK, rc.path("fileId"), "0", "LOA file deleted successfully for order "+rc.path("orderId"))
	}
}

func (s *Sandbox) getLOAMetadata(w http.ResponseWriter, rc *reqCtx) {
	var meta *fileMetaDataXML
	s.withLOA(w, rc, func(_ *portIn, f *loaFile) {
		meta = &fileMetaDataXML{DocumentName: f.documentName, DocumentType: f.documentType}
	})
	if meta != nil {
		writeXML(w, http.StatusOK, meta)
	}
}

func (s *Sandbox) putLOAMetadata(w http.ResponseWriter, rc *reqCtx) {
	var req fileMetaDataXML
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeFileResult(w, http.StatusBadRequest, rc.path("fileId"), "1019", "The body must be a <FileMetaData> document.")
		return
	}
	docType := strings.ToUpper(strings.TrimSpace(req.DocumentType))
	if docType != "" && !documentTypes[docType] {
		writeFileResult(w, http.StatusBadRequest, rc.path("fileId"), "7639", fmt.Sprintf("documentType '%s' is not valid. Valid values: LOA, INVOICE, CSR, OTHER.", docType))
		return
	}
	updated := false
	s.withLOA(w, rc, func(p *portIn, f *loaFile) {
		f.documentName = strings.TrimSpace(req.DocumentName)
		if docType != "" {
			f.documentType = docType
		}
		s.documentsChangedLocked(p)
		updated = true
	})
	if updated {
		writeFileResult(w, http.StatusOK, rc.path("fileId"), "0", "LOA file metadata updated successfully")
	}
}

func (s *Sandbox) deleteLOAMetadata(w http.ResponseWriter, rc *reqCtx) {
	cleared := false
	s.withLOA(w, rc, func(_ *portIn, f *loaFile) {
		f.documentName, f.documentType = "", ""
		cleared = true
	})
	if cleared {
		writeFileResult(w, http.StatusOK, rc.path("fileId"), "0", "LOA file metadata deleted successfully")
	}
}
