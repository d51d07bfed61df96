package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portflow/portflow/internal/problem"
)

// maxJSONDepth bounds the nesting of request bodies. portflow's bodies nest three levels; the
// bound keeps a hostile body from making the parser recurse a million times.
const maxJSONDepth = 32

// maxFieldErrors caps errors[] so a body with thousands of bad numbers gets a readable answer.
const maxFieldErrors = 100

// jsonBody is a request body read and parsed as JSON.
type jsonBody struct {
	// value is the decoded document: map[string]any, []any, string, json.Number, bool or nil.
	value any
	// hash is the SHA-256 of the canonical re-encoding (keys sorted, no insignificant space), so
	// two bodies that differ only in formatting or member order hash the same.
	hash []byte
}

// readJSON reads a JSON request body within limit bytes. It answers, in this order: 413 when
// the body is too large, 400 when a required body is empty, 415 when the media type is not JSON
// or the charset not UTF-8, 400 when the bytes are not UTF-8 or not one JSON value (a duplicate
// member name counts as malformed: which of the two wins is ambiguous). An empty optional body
// gives a nil *jsonBody.
func readJSON(r *http.Request, limit int64, required bool) (*jsonBody, *problem.Problem) {
	raw, p := readBody(r, limit)
	if p != nil {
		return nil, p
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		if required {
			return nil, problem.New(http.StatusBadRequest, "malformed_json", "the request body is empty: send a JSON object")
		}
		return nil, nil
	}
	if p := requireJSONMediaType(r.Header.Get("Content-Type")); p != nil {
		return nil, p
	}
	if !utf8.Valid(raw) {
		return nil, problem.New(http.StatusBadRequest, "invalid_encoding", "the request body is not valid UTF-8: portflow accepts UTF-8 JSON only")
	}
	if bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		return nil, problem.New(http.StatusBadRequest, "malformed_json", "the request body starts with a byte order mark: send JSON without one (RFC 8259 §8.1)")
	}
	value, err := parseJSON(raw)
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "malformed_json", "the request body is not valid JSON: "+err.Error())
	}
	canonical, err := json.Marshal(value)
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "malformed_json", "the request body cannot be re-encoded: "+err.Error())
	}
	sum := sha256.Sum256(canonical)
	return &jsonBody{value: value, hash: sum[:]}, nil
}

// readBody reads the whole body, answering 413 past limit. The server's own limit is looser; the
// API's is per route.
func readBody(r *http.Request, limit int64) ([]byte, *problem.Problem) {
	tooLarge := problem.New(http.StatusRequestEntityTooLarge, "body_too_large",
		fmt.Sprintf("the request body exceeds %d bytes", limit))
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		return nil, problem.New(http.StatusBadRequest, "unreadable_body", "the request body could not be read: "+err.Error())
	}
	if int64(len(raw)) > limit {
		return nil, tooLarge
	}
	return raw, nil
}

// requireJSONMediaType accepts application/json and any application/*+json, in UTF-8.
func requireJSONMediaType(contentType string) *problem.Problem {
	if contentType == "" {
		return problem.New(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"send the body with 'Content-Type: application/json'")
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || (mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))) {
		return problem.New(http.StatusUnsupportedMediaType, "unsupported_media_type",
			fmt.Sprintf("Content-Type %q is not accepted: send 'application/json'", contentType))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return problem.New(http.StatusUnsupportedMediaType, "unsupported_media_type",
			fmt.Sprintf("charset %q is not accepted: portflow reads UTF-8 JSON only", cs))
	}
	return nil
}

// parseJSON decodes exactly one JSON value, numbers kept as json.Number, refusing duplicate
// member names and nesting deeper than maxJSONDepth.
func parseJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := parseValue(dec, "", 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("unexpected data after the JSON value at byte %d", dec.InputOffset())
	}
	return v, nil
}

func parseValue(dec *json.Decoder, ptr string, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, describeSyntaxError(dec, err)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d levels at %q", maxJSONDepth, ptr)
	}
	switch delim {
	case '{':
		obj := map[string]any{}
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return nil, describeSyntaxError(dec, err)
			}
			key, _ := keyTok.(string)
			memberPtr := ptr + "/" + escapePointer(key)
			if _, dup := obj[key]; dup {
				return nil, fmt.Errorf("member %q appears twice (at %q)", key, memberPtr)
			}
			v, err := parseValue(dec, memberPtr, depth+1)
			if err != nil {
				return nil, err
			}
			obj[key] = v
		}
		if _, err := dec.Token(); err != nil {
			return nil, describeSyntaxError(dec, err)
		}
		return obj, nil
	case '[':
		arr := []any{}
		for i := 0; dec.More(); i++ {
			v, err := parseValue(dec, ptr+"/"+strconv.Itoa(i), depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, describeSyntaxError(dec, err)
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unexpected %q at byte %d", delim, dec.InputOffset())
}

func describeSyntaxError(dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the body ends before the JSON value does")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s (at byte %d)", se.Error(), se.Offset)
	}
	return fmt.Errorf("%w (near byte %d)", err, dec.InputOffset())
}

// escapePointer escapes a member name for a JSON Pointer (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// fieldReader walks a decoded body and collects every field problem with its JSON Pointer, so a
// client learns everything wrong with a body in one answer.
type fieldReader struct {
	errs []problem.FieldError
}

func (fr *fieldReader) add(ptr, code, msg string) {
	if len(fr.errs) < maxFieldErrors {
		fr.errs = append(fr.errs, problem.FieldError{Pointer: ptr, Code: code, Message: msg})
	}
}

// object checks that v is a JSON object with only the allowed members and returns it.
func (fr *fieldReader) object(ptr string, v any, allowed ...string) (map[string]any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		fr.add(ptr, "invalid_type", "must be a JSON object, not "+jsonType(v))
		return nil, false
	}
	known := make(map[string]bool, len(allowed))
	for _, a := range allowed {
		known[a] = true
	}
	var unknown []string
	for k := range obj {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	// Sorted, so the answer to the same body is always the same.
	slices.Sort(unknown)
	for _, k := range unknown {
		fr.add(ptr+"/"+escapePointer(k), "unknown_field",
			fmt.Sprintf("unknown field %q; the fields here are: %s", k, strings.Join(allowed, ", ")))
	}
	return obj, true
}

// member returns obj[name] when it is present and not null.
func member(obj map[string]any, name string) (any, bool) {
	v, ok := obj[name]
	return v, ok && v != nil
}

// str reads a string member: trimmed of surrounding white space, refused when it holds control
// characters (a tab or newline in a name or address is always a mistake) or exceeds maxRunes.
// present is false when the member is absent or null; ok is false when it was reported invalid.
func (fr *fieldReader) str(obj map[string]any, ptr, name string, maxRunes int) (s string, present, ok bool) {
	v, present := member(obj, name)
	if !present {
		return "", false, true
	}
	fieldPtr := ptr + "/" + name
	raw, isString := v.(string)
	if !isString {
		fr.add(fieldPtr, "invalid_type", "must be a string, not "+jsonType(v))
		return "", true, false
	}
	s = strings.TrimSpace(raw)
	if strings.IndexFunc(s, isControl) >= 0 {
		fr.add(fieldPtr, "invalid_format", "must not contain control characters (tabs, line breaks)")
		return "", true, false
	}
	if n := utf8.RuneCountInString(s); maxRunes > 0 && n > maxRunes {
		fr.add(fieldPtr, "too_long", fmt.Sprintf("must be at most %d characters (got %d)", maxRunes, n))
		return "", true, false
	}
	return s, true, true
}

// requiredStr is str for a member that must be present and not blank.
func (fr *fieldReader) requiredStr(obj map[string]any, ptr, name string, maxRunes int, what string) (string, bool) {
	s, present, ok := fr.str(obj, ptr, name, maxRunes)
	if !ok {
		return "", false
	}
	if !present || s == "" {
		fr.add(ptr+"/"+name, "required", what+" is required")
		return "", false
	}
	return s, true
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// jsonType names the JSON type of a decoded value, for messages.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
