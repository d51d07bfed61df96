package bandwidth

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// MaxDocumentBytes is the largest document Bandwidth accepts on a port-in (3 MB).
const MaxDocumentBytes = 3 << 20

// DocumentMIMETypes are the content types Bandwidth accepts for port-in documents. Toll-free LOAs
// must be PDF or TIFF (7638).
var DocumentMIMETypes = []string{
	"application/pdf", "text/plain", "image/jpeg", "image/png", "image/tiff", "text/csv",
	"application/vnd.ms-excel",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/msword",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// Document is a file to attach to a port-in: raw bytes sent as the request body with the file's
// MIME type as Content-Type (not multipart).
type Document struct {
	Body        []byte
	ContentType string
	// Type is DocumentLOA (the default), DocumentInvoice, DocumentCSR or DocumentOther.
	Type string
}

func (d Document) validate() (mediaType string, err error) {
	var errs []error
	mediaType, _, perr := mime.ParseMediaType(d.ContentType)
	switch {
	case perr != nil:
		errs = append(errs, fmt.Errorf("content type %q: %v", d.ContentType, perr))
	case !slices.Contains(DocumentMIMETypes, mediaType):
		errs = append(errs, fmt.Errorf("content type %q is not accepted by Bandwidth", mediaType))
	}
	switch {
	case len(d.Body) == 0:
		errs = append(errs, fmt.Errorf("document is empty"))
	case len(d.Body) > MaxDocumentBytes:
		errs = append(errs, fmt.Errorf("document is %d bytes; Bandwidth accepts at most %d", len(d.Body), MaxDocumentBytes))
	}
	switch d.Type {
	case "", DocumentLOA, DocumentInvoice, DocumentCSR, DocumentOther:
	default:
		errs = append(errs, fmt.Errorf("document type %q is not LOA, INVOICE, CSR or OTHER", d.Type))
	}
	return mediaType, invalid(errs)
}

// fileUploadResponse is <fileUploadResponse>.
type fileUploadResponse struct {
	Filename      string `xml:"filename"`
	ResultCode    string `xml:"resultCode"`
	ResultMessage string `xml:"resultMessage"`
}

// FileList is <fileListResponse> of GET /portins/{id}/loas.
type FileList struct {
	FileCount int        `xml:"fileCount" json:"file_count"`
	Files     []FileData `xml:"fileData" json:"files,omitempty"`
	// FileNames is the older variant without metadata (repeated <fileNames>).
	FileNames     []string `xml:"fileNames" json:"file_names,omitempty"`
	ResultCode    string   `xml:"resultCode" json:"result_code"`
	ResultMessage string   `xml:"resultMessage" json:"result_message"`
}

// FileData is one file of a FileList.
type FileData struct {
	FileName     string       `xml:"FileName" json:"file_name"`
	FileMetaData FileMetaData `xml:"FileMetaData" json:"file_meta_data"`
}

// FileMetaData is a document's metadata (<FileMetaData>).
type FileMetaData struct {
	XMLName      xml.Name `xml:"FileMetaData" json:"-"`
	DocumentName string   `xml:"DocumentName,omitempty" json:"document_name,omitempty"`
	DocumentType string   `xml:"DocumentType,omitempty" json:"document_type,omitempty"`
}

// Names returns every file name, from either list variant.
func (l FileList) Names() []string {
	names := slices.Clone(l.FileNames)
	for _, f := range l.Files {
		names = append(names, f.FileName)
	}
	return names
}

func documentQuery(docType string) url.Values {
	return url.Values{"documentType": {strings.ToUpper(docType)}}
}

// UploadDocument attaches a document to a port-in (POST /portins/{id}/loas?documentType=…) and
// returns its file id (the file name Bandwidth assigned, used by the other document calls).
// A non-zero resultCode is a *Error. Not retried automatically: after an unknown outcome, list
// the documents before uploading again.
func (c *Client) UploadDocument(ctx context.Context, orderID string, doc Document) (string, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return "", err
	}
	mediaType, err := doc.validate()
	if err != nil {
		return "", err
	}
	var out fileUploadResponse
	resp, err := c.call(ctx, &request{method: http.MethodPost, route: "/portins/{id}/loas", path: "/portins/" + id + "/loas",
		query: documentQuery(cmp.Or(doc.Type, DocumentLOA)), rawBody: doc.Body, contentType: mediaType}, &out)
	if err != nil {
		return "", err
	}
	if out.Filename == "" {
		out.Filename = locationID(resp.header)
	}
	return out.Filename, nil
}

// ReplaceDocument replaces an uploaded document's content (PUT /portins/{id}/loas/{fileId}).
// A full replace: retried on retryable failures.
func (c *Client) ReplaceDocument(ctx context.Context, orderID, fileID string, doc Document) error {
	route, path, err := documentPath(orderID, fileID, "")
	if err != nil {
		return err
	}
	mediaType, err := doc.validate()
	if err != nil {
		return err
	}
	_, err = c.call(ctx, &request{method: http.MethodPut, route: route, path: path, query: documentQuery(cmp.Or(doc.Type, DocumentLOA)),
		rawBody: doc.Body, contentType: mediaType, idempotent: true}, nil)
	return err
}

// ListDocuments lists a port-in's documents with their metadata (GET
// /portins/{id}/loas?metadata=true). An order without documents is an empty list.
func (c *Client) ListDocuments(ctx context.Context, orderID string) (FileList, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return FileList{}, err
	}
	var out FileList
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: "/portins/{id}/loas", path: "/portins/" + id + "/loas",
		query: url.Values{"metadata": {"true"}}, idempotent: true}, &out); err != nil {
		return FileList{}, err
	}
	return out, nil
}

// DownloadDocument returns a document's bytes and content type (GET /portins/{id}/loas/{fileId}).
func (c *Client) DownloadDocument(ctx context.Context, orderID, fileID string) ([]byte, string, error) {
	route, path, err := documentPath(orderID, fileID, "")
	if err != nil {
		return nil, "", err
	}
	resp, err := c.send(ctx, &request{method: http.MethodGet, route: route, path: path, idempotent: true,
		bodyErrors: keepBodyErrors})
	if err != nil {
		return nil, "", err
	}
	return resp.body, resp.header.Get("Content-Type"), nil
}

// DeleteDocument removes a document (DELETE /portins/{id}/loas/{fileId}); not possible once the
// order is COMPLETE or CANCELLED.
func (c *Client) DeleteDocument(ctx context.Context, orderID, fileID string) error {
	route, path, err := documentPath(orderID, fileID, "")
	if err != nil {
		return err
	}
	_, err = c.call(ctx, &request{method: http.MethodDelete, route: route, path: path, idempotent: true}, nil)
	return err
}

// DocumentMetadata returns a document's metadata (GET /portins/{id}/loas/{fileId}/metadata).
func (c *Client) DocumentMetadata(ctx context.Context, orderID, fileID string) (FileMetaData, error) {
	route, path, err := documentPath(orderID, fileID, "/metadata")
	if err != nil {
		return FileMetaData{}, err
	}
	var out FileMetaData
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: route, path: path, idempotent: true}, &out); err != nil {
		return FileMetaData{}, err
	}
	return out, nil
}

// SetDocumentMetadata replaces a document's metadata (PUT /portins/{id}/loas/{fileId}/metadata).
func (c *Client) SetDocumentMetadata(ctx context.Context, orderID, fileID string, md FileMetaData) error {
	route, path, err := documentPath(orderID, fileID, "/metadata")
	if err != nil {
		return err
	}
	md.DocumentType = strings.ToUpper(md.DocumentType)
	_, err = c.call(ctx, &request{method: http.MethodPut, route: route, path: path, body: md, idempotent: true}, nil)
	return err
}

func documentPath(orderID, fileID, suffix string) (route, path string, err error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return "", "", err
	}
	file, err := pathID("document", fileID)
	if err != nil {
		return "", "", err
	}
	return "/portins/{id}/loas/{fileId}" + suffix, "/portins/" + id + "/loas/" + file + suffix, nil
}
