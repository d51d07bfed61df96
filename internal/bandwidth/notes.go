package bandwidth

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Note is a note on a CSR or port-in order. Adding a note to a port-in opens a ticket with
// Bandwidth's LNP team; notes cannot be deleted.
type Note struct {
	XMLName xml.Name `xml:"Note" json:"-"`
	ID      string   `xml:"Id,omitempty" json:"id,omitempty"`
	// UserID must be the API user the call is made as.
	UserID      string `xml:"UserId" json:"user_id"`
	Description string `xml:"Description" json:"description"`
	// LastDateModifier is when the note was last changed (response only).
	LastDateModifier Time `xml:"LastDateModifier" json:"last_date_modifier"`
}

// maxNoteLength is Bandwidth's limit on a note's Description.
const maxNoteLength = 500

// notes is <Notes>.
type notes struct {
	Notes []Note `xml:"Note"`
}

func (c *Client) listNotes(ctx context.Context, kind, routePrefix, orderID string) ([]Note, error) {
	id, err := pathID(kind, orderID)
	if err != nil {
		return nil, err
	}
	var out notes
	// 204 (no notes) decodes to an empty list.
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: routePrefix + "/{id}/notes",
		path: routePrefix + "/" + id + "/notes", idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.Notes, nil
}

func (c *Client) addNote(ctx context.Context, kind, routePrefix, orderID string, n Note) (string, error) {
	id, err := pathID(kind, orderID)
	if err != nil {
		return "", err
	}
	switch {
	case n.UserID == "":
		return "", fmt.Errorf("%w: note UserId is required", ErrInvalidRequest)
	case n.Description == "":
		return "", fmt.Errorf("%w: note Description is required", ErrInvalidRequest)
	case utf8.RuneCountInString(n.Description) > maxNoteLength:
		return "", fmt.Errorf("%w: note Description is longer than %d characters", ErrInvalidRequest, maxNoteLength)
	}
	body := Note{UserID: n.UserID, Description: n.Description}
	resp, err := c.call(ctx, &request{method: http.MethodPost, route: routePrefix + "/{id}/notes",
		path: routePrefix + "/" + id + "/notes", body: body}, nil)
	if err != nil {
		return "", err
	}
	return locationID(resp.header), nil
}

// CsrNotes lists the notes on a CSR order (GET /csrs/{id}/notes).
func (c *Client) CsrNotes(ctx context.Context, orderID string) ([]Note, error) {
	return c.listNotes(ctx, "CSR order", "/csrs", orderID)
}

// AddCsrNote adds a note to a CSR order (POST /csrs/{id}/notes) and returns the new note's id.
// Not retried automatically.
func (c *Client) AddCsrNote(ctx context.Context, orderID string, n Note) (string, error) {
	return c.addNote(ctx, "CSR order", "/csrs", orderID, n)
}

// PortInNotes lists the notes on a port-in order (GET /portins/{id}/notes).
func (c *Client) PortInNotes(ctx context.Context, orderID string) ([]Note, error) {
	return c.listNotes(ctx, "port-in order", "/portins", orderID)
}

// AddPortInNote adds a note to a port-in order (POST /portins/{id}/notes), which opens a ticket
// with Bandwidth's LNP team, and returns the new note's id. Not retried automatically.
func (c *Client) AddPortInNote(ctx context.Context, orderID string, n Note) (string, error) {
	return c.addNote(ctx, "port-in order", "/portins", orderID, n)
}
