package api

// This file reads POST /v1/port-requests/import: a create whose numbers come as a CSV file.
// The body is multipart/form-data with a part "request" (the create body's JSON without
// phone_numbers) and a part "numbers" (CSV with a header row naming the columns number,
// billing_number, account_number and pin, in any order). Each row is validated exactly like an
// object item of phone_numbers; problems point at /numbers/line/{line}/{column}, with the line
// number in the message too, and problems of the request part at /request/….

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/problem"
)

// Import part names.
const (
	requestPart = "request"
	numbersPart = "numbers"
)

func (a *API) importPortRequest(w http.ResponseWriter, r *http.Request) {
	key, p := idempotencyKey(r)
	if p != nil {
		a.writeProblem(w, r, p)
		return
	}
	in, hash, p := readImport(r, a.maxIntake)
	if p != nil {
		a.writeProblem(w, r, intakeProblem(p))
		return
	}
	a.create(w, r, in, key, hash)
}

// readImport reads and validates an import. It answers 415 when the body is not
// multipart/form-data, 413 past limit, 400 when the multipart body or the request part's JSON
// cannot be read, and 422 with every field and row problem at once. hash identifies the
// submission for Idempotency-Key: the canonical JSON of the request part and the rows, so a
// resent file that differs only in formatting (column order, line endings, a byte order mark)
// is the same submission.
func readImport(r *http.Request, limit int64) (createInput, []byte, *problem.Problem) {
	in := createInput{numbersPointer: "/" + numbersPart, fieldsPrefix: "/" + requestPart}
	boundary, p := requireMultipart(r.Header.Get("Content-Type"))
	if p != nil {
		return in, nil, p
	}
	raw, p := readBody(r, limit)
	if p != nil {
		return in, nil, p
	}
	parts, p := readParts(raw, boundary)
	if p != nil {
		return in, nil, p
	}

	var errs []problem.FieldError
	var requestValue any
	if data, ok := parts[requestPart]; ok {
		if requestValue, p = parseRequestPart(data); p != nil {
			return in, nil, p
		}
		var fr fieldReader
		if obj, ok := fr.object("", requestValue, importRequestFields...); ok {
			fr.requestFields(obj, &in.request)
		}
		for _, e := range fr.errs {
			e.Pointer = "/" + requestPart + e.Pointer
			errs = append(errs, e)
		}
	} else {
		errs = append(errs, problem.FieldError{Pointer: "/" + requestPart, Code: "required",
			Message: "the part named request is missing: send the create body's fields (subscriber, service_address, loa_authorizing_person, activation, …) as JSON in a part named request"})
	}

	var rows []map[string]any
	if data, ok := parts[numbersPart]; ok {
		items, formErrs, p := parseNumbersCSV(data)
		if p != nil {
			return in, nil, p
		}
		// The rows that could be read are validated even when others could not: every bad row
		// is reported at once, in line order.
		fr := fieldReader{errs: formErrs}
		fr.numberItems(items, &in)
		slices.SortStableFunc(fr.errs, func(a, b problem.FieldError) int { return lineOf(a.Pointer) - lineOf(b.Pointer) })
		errs = append(errs, withLineNumbers(fr.errs)...)
		for _, it := range items {
			rows = append(rows, it.value.(map[string]any))
		}
	} else {
		errs = append(errs, problem.FieldError{Pointer: "/" + numbersPart, Code: "required",
			Message: "the part named numbers is missing: send the numbers as a CSV file in a part named numbers, with a header row (number, and optionally billing_number, account_number, pin)"})
	}
	if len(errs) > 0 {
		return in, nil, validationProblem(errs[:min(len(errs), maxFieldErrors)])
	}
	canonical, err := json.Marshal(map[string]any{requestPart: requestValue, numbersPart: rows})
	if err != nil {
		return in, nil, problem.New(http.StatusBadRequest, "malformed_json", "the import cannot be re-encoded: "+err.Error())
	}
	sum := sha256.Sum256(canonical)
	return in, sum[:], nil
}

// requireMultipart accepts multipart/form-data with a boundary and returns the boundary.
func requireMultipart(contentType string) (string, *problem.Problem) {
	mt, params, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil || mt != "multipart/form-data" {
		return "", problem.New(http.StatusUnsupportedMediaType, "unsupported_media_type",
			fmt.Sprintf("Content-Type %q is not accepted here: send multipart/form-data with a part named request (JSON) and a part named numbers (CSV), e.g. curl -F request=@request.json -F numbers=@numbers.csv", contentType))
	}
	if params["boundary"] == "" {
		return "", problem.New(http.StatusBadRequest, "malformed_multipart", "the multipart/form-data Content-Type has no boundary parameter")
	}
	return params["boundary"], nil
}

// readParts splits a multipart body into its parts by name. Unknown and repeated parts are
// refused: a misnamed part must not be silently ignored.
func readParts(raw []byte, boundary string) (map[string][]byte, *problem.Problem) {
	malformed := func(why string) *problem.Problem {
		return problem.New(http.StatusBadRequest, "malformed_multipart", "the multipart body cannot be read: "+why)
	}
	mr := multipart.NewReader(bytes.NewReader(raw), boundary)
	parts := map[string][]byte{}
	var errs []problem.FieldError
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, malformed(err.Error())
		}
		name := part.FormName()
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, malformed(err.Error())
		}
		switch {
		case name != requestPart && name != numbersPart:
			errs = append(errs, problem.FieldError{Pointer: "/" + escapePointer(name), Code: "unknown_field",
				Message: fmt.Sprintf("unknown part %q: the parts are request (JSON) and numbers (CSV)", name)})
		case parts[name] != nil:
			errs = append(errs, problem.FieldError{Pointer: "/" + name, Code: "duplicate",
				Message: fmt.Sprintf("the part %q is sent more than once: send it once", name)})
		default:
			parts[name] = data
		}
	}
	if len(errs) > 0 {
		return nil, validationProblem(errs)
	}
	return parts, nil
}

// parseRequestPart decodes the request part as readJSON decodes a body.
func parseRequestPart(data []byte) (any, *problem.Problem) {
	if !utf8.Valid(data) {
		return nil, problem.New(http.StatusBadRequest, "invalid_encoding", "the request part is not valid UTF-8: portflow accepts UTF-8 JSON only")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, problem.New(http.StatusBadRequest, "malformed_json", "the request part is empty: send a JSON object")
	}
	v, err := parseJSON(data)
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "malformed_json", "the request part is not valid JSON: "+err.Error())
	}
	return v, nil
}

// parseNumbersCSV reads the numbers part into items, one per non-blank row, each an object of the
// row's non-empty cells pointed at /numbers/line/{line}. Problems of the file's form (header,
// field counts, quoting, too many rows) come back as field errors; the rows themselves are
// validated by numberItems.
func parseNumbersCSV(data []byte) ([]numberItem, []problem.FieldError, *problem.Problem) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, nil, problem.New(http.StatusBadRequest, "invalid_encoding", "the numbers part is not valid UTF-8: save the CSV file as UTF-8")
	}
	var fr fieldReader
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		fr.add("/"+numbersPart, "required", "the CSV file is empty: send a header row (number, and optionally billing_number, account_number, pin) and one row per number")
		return nil, fr.errs, nil
	}
	if err != nil {
		fr.add(csvErrorPointer(err), "invalid_format", "the CSV header cannot be read: "+csvErrorText(err))
		return nil, fr.errs, nil
	}
	columns := fr.csvHeader(header)
	if len(fr.errs) > 0 {
		return nil, fr.errs, nil
	}

	var items []numberItem
	rows := 0
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			fr.add(lineItemPointer(pe.Line), "invalid_format", fmt.Sprintf("has %d fields, the header has %d: every row needs the header's columns (leave a cell empty to omit a value)", len(record), len(columns)))
			rows++
			continue
		}
		if err != nil {
			// Past a quoting error the reader no longer knows where rows start: stop here.
			fr.add(csvErrorPointer(err), "invalid_format", "cannot be read: "+csvErrorText(err))
			break
		}
		if !slices.ContainsFunc(record, func(cell string) bool { return strings.TrimSpace(cell) != "" }) {
			continue // a blank row
		}
		rows++
		if rows > order.MaxNumbers {
			continue // counted for the message only
		}
		line, _ := cr.FieldPos(0)
		row := make(map[string]any, len(columns))
		for i, cell := range record {
			if strings.TrimSpace(cell) != "" {
				row[columns[i]] = cell
			}
		}
		items = append(items, numberItem{pointer: lineItemPointer(line), value: row})
	}
	switch {
	case rows > order.MaxNumbers:
		return nil, []problem.FieldError{{Pointer: "/" + numbersPart, Code: "too_many", Message: tooManyNumbers(rows)}}, nil
	case rows == 0 && len(fr.errs) == 0:
		fr.add("/"+numbersPart, "required", "the CSV file has a header but no rows: list at least one phone number to port")
	}
	return items, fr.errs, nil
}

// csvHeader reads the header row: the column of each field. number is required; the others are
// optional; unknown and repeated columns are refused.
func (fr *fieldReader) csvHeader(header []string) []string {
	const ptr = "/" + numbersPart + "/line/1"
	columns := make([]string, len(header))
	seen := map[string]bool{}
	for i, cell := range header {
		name := strings.ToLower(strings.TrimSpace(cell))
		columns[i] = name
		switch {
		case name == "" || !slices.Contains(numberItemFields, name):
			why := fmt.Sprintf("unknown column %q", cell)
			if _, isNumber := normalizePhoneNumber(strings.TrimSpace(cell)); isNumber {
				why = fmt.Sprintf("%q is a phone number, not a column name: the first line must be a header row", cell)
			}
			fr.add(ptr, "unknown_column", why+"; the columns are: "+strings.Join(numberItemFields, ", ")+" (number required)")
		case seen[name]:
			fr.add(ptr, "duplicate", fmt.Sprintf("the column %q appears twice: name each column once", name))
		}
		seen[name] = true
	}
	if !seen["number"] && len(fr.errs) == 0 {
		fr.add(ptr, "required", "the header has no number column: name the columns in the first line, e.g. number,billing_number,account_number,pin")
	}
	return columns
}

func lineItemPointer(line int) string {
	return "/" + numbersPart + "/line/" + strconv.Itoa(line)
}

func csvErrorPointer(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return lineItemPointer(pe.Line)
	}
	return "/" + numbersPart
}

// csvErrorText describes a CSV syntax error without the line, which the message gets anyway.
func csvErrorText(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v at column %d (a field with a comma, quote or line break must be quoted, and a quote inside it doubled)", pe.Err, pe.Column)
	}
	return err.Error()
}

// lineOf is the CSV line a problem points into (0 for the file as a whole).
func lineOf(pointer string) int {
	rest, ok := strings.CutPrefix(pointer, "/"+numbersPart+"/line/")
	if !ok {
		return 0
	}
	digits, _, _ := strings.Cut(rest, "/")
	line, _ := strconv.Atoi(digits)
	return line
}

// withLineNumbers starts the message of each problem pointing into a CSV line with "line N: ",
// so the answer reads well without resolving pointers.
func withLineNumbers(errs []problem.FieldError) []problem.FieldError {
	prefix := "/" + numbersPart + "/line/"
	for i, e := range errs {
		rest, ok := strings.CutPrefix(e.Pointer, prefix)
		if !ok {
			continue
		}
		line, _, _ := strings.Cut(rest, "/")
		errs[i].Message = "line " + line + ": " + e.Message
	}
	return errs
}
