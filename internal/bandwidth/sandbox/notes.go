package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxNoteLength is the longest note Description Bandwidth accepts.
const maxNoteLength = 500

// note is a note on a port-in or CSR order.
type note struct {
	id          string
	userID      string
	description string
	modified    time.Time
}

func (s *Sandbox) newNoteIDLocked() string {
	s.noteSeq++
	return strconv.FormatUint(s.noteSeq, 10)
}

// notesOfLocked returns the note list of an order of the given type, or nil if there is no
// such order.
func (s *Sandbox) notesOfLocked(orderType, id string) *[]*note {
	switch orderType {
	case orderTypeCSRs:
		if c := s.csrs[id]; c != nil {
			return &c.notes
		}
	case orderTypePortins:
		if p := s.portInLocked(id); p != nil {
			return &p.notes
		}
	}
	return nil
}

func writeNoteError(w http.ResponseWriter, status int, code, description string) {
	writeResponseStatus(w, status, "NoteResponse", code, description)
}

// listNotes is GET …/notes: the notes, or 204 when there are none.
func (s *Sandbox) listNotes(orderType string) func(http.ResponseWriter, *reqCtx) {
	return func(w http.ResponseWriter, rc *reqCtx) {
		s.mu.Lock()
		notes := s.notesOfLocked(orderType, rc.path("orderId"))
		var out notesResponse
		if notes != nil {
			for _, n := range *notes {
				out.Notes = append(out.Notes, noteXML{ID: n.id, UserID: n.userID, Description: n.description, LastDateModifier: bandwidthTime(n.modified)})
			}
		}
		s.mu.Unlock()
		switch {
		case notes == nil:
			writeNoteError(w, http.StatusNotFound, "7000", statusTextNotFound)
		case len(out.Notes) == 0:
			w.WriteHeader(http.StatusNoContent)
		default:
			writeXML(w, http.StatusOK, out)
		}
	}
}

// parseNote validates a <Note>: UserId must be the caller, Description at most 500 characters.
func parseNote(rc *reqCtx) (noteRequest, *apiError) {
	var req noteRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		return req, &apiError{Code: "1019", Description: "The body must be a <Note> document."}
	}
	req.UserID, req.Description = strings.TrimSpace(req.UserID), strings.TrimSpace(req.Description)
	switch {
	case req.UserID == "":
		return req, &apiError{Code: "12501", Description: "Username is required"}
	case req.UserID != rc.user:
		return req, &apiError{Code: "1001", Description: fmt.Sprintf("Access Denied: UserId '%s' is not the authenticated user.", req.UserID)}
	case req.Description == "":
		return req, &apiError{Code: "1003", Description: "Description is required"}
	case len(req.Description) > maxNoteLength:
		return req, &apiError{Code: "1019", Description: fmt.Sprintf("Description must be at most %d characters.", maxNoteLength)}
	}
	return req, nil
}

// addNote is POST …/notes: 201 without a body, the note id in Location.
func (s *Sandbox) addNote(orderType string) func(http.ResponseWriter, *reqCtx) {
	return func(w http.ResponseWriter, rc *reqCtx) {
		req, apiErr := parseNote(rc)
		if apiErr != nil {
			writeNoteError(w, http.StatusBadRequest, apiErr.Code, apiErr.Description)
			return
		}
		s.mu.Lock()
		notes := s.notesOfLocked(orderType, rc.path("orderId"))
		var id string
		if notes != nil {
			id = s.newNoteIDLocked()
			*notes = append(*notes, &note{id: id, userID: req.UserID, description: req.Description, modified: s.now()})
		}
		s.mu.Unlock()
		if notes == nil {
			writeNoteError(w, http.StatusNotFound, "7000", statusTextNotFound)
			return
		}
		w.Header().Set("Location", s.accountURL(rc, "/"+orderType+"/"+rc.path("orderId")+"/notes/"+id))
		w.WriteHeader(http.StatusCreated)
	}
}

// updateNote is PUT …/notes/{noteId}; notes cannot be deleted.
func (s *Sandbox) updateNote(orderType string) func(http.ResponseWriter, *reqCtx) {
	return func(w http.ResponseWriter, rc *reqCtx) {
		req, apiErr := parseNote(rc)
		if apiErr != nil {
			writeNoteError(w, http.StatusBadRequest, apiErr.Code, apiErr.Description)
			return
		}
		s.mu.Lock()
		found := false
		if notes := s.notesOfLocked(orderType, rc.path("orderId")); notes != nil {
			for _, n := range *notes {
				if n.id == rc.path("noteId") {
					n.userID, n.description, n.modified = req.UserID, req.Description, s.now()
					found = true
				}
			}
		}
		s.mu.Unlock()
		if !found {
			writeNoteError(w, http.StatusNotFound, "7000", "Note not found.")
			return
		}
		w.WriteHeader(http.StatusOK)
	}
}
