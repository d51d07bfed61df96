package callbacks

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"time"

	"github.com/portflow/portflow/internal/bandwidth"
)

// buildInbound turns an authenticated body into the Inbound handed to the Receiver, and says what
// to answer once it is stored: 200, 400 for a body that is not a notification, 415 for a body
// that is not XML at all. Malformed bodies are kept all the same, so an operator can see what
// arrived.
func buildInbound(body []byte, contentType string) (Inbound, int) {
	if !isXMLMediaType(contentType) {
		return Inbound{
			DedupeKey:   malformedKey(contentType, body),
			Body:        body,
			ContentType: contentType,
			Malformed:   true,
			ParseError:  fmt.Sprintf("unsupported content type %q: Bandwidth notifications are application/xml", contentType),
		}, http.StatusUnsupportedMediaType
	}
	n, err := bandwidth.DecodeNotification(body)
	if err != nil {
		return Inbound{
			DedupeKey:   malformedKey(contentType, body),
			Body:        body,
			ContentType: contentType,
			Malformed:   true,
			ParseError:  err.Error(),
		}, http.StatusBadRequest
	}
	return Inbound{
		DedupeKey:       dedupeKey(n, body),
		OrderType:       n.OrderType,
		OrderID:         n.OrderID,
		CustomerOrderID: n.CustomerOrderID,
		Status:          n.Status,
		Message:         n.Message,
		Note:            n.Note,
		LastModified:    n.LastModifiedDate.Time,
		Body:            body,
		ContentType:     contentType,
	}, http.StatusOK
}

// isXMLMediaType accepts application/xml, text/xml and any +xml type, with any parameters. A
// missing Content-Type is accepted too: the body decides, since a notification lost to a missing
// header is never sent again.
func isXMLMediaType(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.TrimSpace(mediaType)
	if mediaType == "" {
		return true
	}
	if len(mediaType) > len("+xml") && strings.EqualFold(mediaType[len(mediaType)-len("+xml"):], "+xml") {
		return true
	}
	return strings.EqualFold(mediaType, "application/xml") || strings.EqualFold(mediaType, "text/xml")
}

// Dedupe keys are hashes so that they stay short and index-friendly whatever the body holds; the
// prefix says which rule made them.
//
//   - "event:" — a state change: OrderType, OrderId, Status and LastModifiedDate identify it.
//   - "note:"  — a note added to an order: the same four fields plus the note text, because a
//     note notification can carry exactly the fields of the status notification before it and
//     must not be taken for its duplicate.
//   - "body:"  — no OrderId or no LastModifiedDate (CSR notifications, older subscriptions):
//     the body with insignificant whitespace removed.
//   - "malformed:" — a body that is not a notification, keyed apart so that a later good
//     delivery of the same bytes is never mistaken for a duplicate of the bad one.
func dedupeKey(n bandwidth.Notification, body []byte) string {
	if n.OrderID == "" || !n.LastModifiedDate.IsSet() {
		h := sha256.New()
		writeNormalizedBody(h, body)
		return "body:" + hex.EncodeToString(h.Sum(nil))
	}
	lastModified := n.LastModifiedDate.Raw
	if !n.LastModifiedDate.Time.IsZero() {
		// The same instant written with another offset or precision is the same event.
		lastModified = n.LastModifiedDate.Time.UTC().Format(time.RFC3339Nano)
	}
	h := sha256.New()
	for _, part := range []string{strings.ToLower(n.OrderType), strings.ToLower(n.OrderID), strings.ToUpper(n.Status), lastModified} {
		h.Write([]byte(part))
		h.Write([]byte{0}) // separator: ("ab","c") and ("a","bc") must not collide
	}
	prefix := "event:"
	if n.Note != "" {
		prefix = "note:"
		h.Write([]byte(n.Note))
	}
	return prefix + hex.EncodeToString(h.Sum(nil))
}

// malformedKey keys a malformed body by its content type and exact bytes. The content type is
// length-prefixed: with a separator byte instead, a content type ending in that byte and a body
// starting with it could not be told apart (the fuzzer found "\x00" + "" = "" + "\x00").
func malformedKey(contentType string, body []byte) string {
	h := sha256.New()
	_ = binary.Write(h, binary.BigEndian, uint64(len(contentType)))
	h.Write([]byte(contentType))
	h.Write(body)
	return "malformed:" + hex.EncodeToString(h.Sum(nil))
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// writeNormalizedBody writes body to h without a byte-order mark, surrounding whitespace,
// whitespace-only runs between tags, or CR line endings: re-serializations of one notification
// that differ only in formatting hash alike.
func writeNormalizedBody(h hash.Hash, body []byte) {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	for len(body) > 0 {
		i := bytes.IndexAny(body, ">\r")
		if i < 0 {
			h.Write(body)
			return
		}
		if body[i] == '\r' {
			h.Write(body[:i])
			if i+1 < len(body) && body[i+1] == '\n' {
				body = body[i+1:] // CRLF: keep the LF
			} else {
				h.Write([]byte{'\n'})
				body = body[i+1:]
			}
			continue
		}
		h.Write(body[:i+1])
		rest := body[i+1:]
		trimmed := bytes.TrimLeft(rest, " \t\r\n")
		if len(trimmed) > 0 && trimmed[0] == '<' {
			rest = trimmed
		}
		body = rest
	}
}
