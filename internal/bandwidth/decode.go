package bandwidth

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// This file holds the lenient XML decoding every response goes through. Bandwidth's payloads drift
// in ways encoding/xml does not forgive on its own: element-name casing changes between endpoints
// (ActualFocDate/ActualFOCDate, TN/Tn, lastModifiedDate, userId), text carries stray whitespace,
// booleans and dates come in several spellings, and one element versus many must both decode into a
// slice. The decoder below canonicalizes element names against the target type's own tags, trims
// text, and leaves unknown elements alone.

// maxTreeDepth bounds how deep the generic tree walk (used for error extraction) descends. Real
// Bandwidth payloads are under ten levels; the bound keeps hostile input from exhausting the stack.
const maxTreeDepth = 64

// decodeXML unmarshals body into v (a pointer to a struct) leniently: element names that differ
// from v's field tags only in letter case are matched, text is trimmed of surrounding whitespace,
// comments and processing instructions are skipped, unknown elements are ignored.
func decodeXML(body []byte, v any) error {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return fmt.Errorf("bandwidth: decode target must be a pointer, got %T", v)
	}
	names := canonicalNames(t.Elem())
	d := xml.NewTokenDecoder(&canonicalReader{src: newRawDecoder(body), names: names})
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", t.Elem().Name(), err)
	}
	if n, ok := v.(normalizer); ok {
		n.normalize()
	}
	return nil
}

// normalizer is implemented by response types that tidy themselves after decoding (telephone
// numbers to 10 digits, statuses upper-cased).
type normalizer interface{ normalize() }

// newRawDecoder returns a standard decoder over body that accepts the character sets Bandwidth's
// Java stack can declare (UTF-8, US-ASCII, ISO-8859-1).
func newRawDecoder(body []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.CharsetReader = charsetReader
	return d
}

// charsetReader converts the few non-UTF-8 encodings a Java XML writer may declare.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		raw, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(raw)*2)
		for _, b := range raw {
			out = utf8.AppendRune(out, rune(b))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported XML charset %q", charset)
}

// canonicalReader passes tokens through, renaming elements to the casing the target type expects,
// dropping namespaces, comments, directives and processing instructions, and trimming text.
type canonicalReader struct {
	src   *xml.Decoder
	names map[string]string
}

func (r *canonicalReader) Token() (xml.Token, error) {
	for {
		tok, err := r.src.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			t.Name = r.rename(t.Name)
			attrs := make([]xml.Attr, 0, len(t.Attr))
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				attrs = append(attrs, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
			}
			t.Attr = attrs
			return t, nil
		case xml.EndElement:
			t.Name = r.rename(t.Name)
			return t, nil
		case xml.CharData:
			trimmed := bytes.TrimSpace(t)
			if len(trimmed) == 0 {
				continue
			}
			return xml.CharData(bytes.Clone(trimmed)), nil
		default:
			// Comments, processing instructions and directives carry nothing for us.
			continue
		}
	}
}

func (r *canonicalReader) rename(n xml.Name) xml.Name {
	if c, ok := r.names[strings.ToLower(n.Local)]; ok {
		return xml.Name{Local: c}
	}
	return xml.Name{Local: n.Local}
}

// shaped is implemented by types that decode themselves through a private shape type; the
// lenient decoder learns their element names from the shape.
type shaped interface{ xmlShape() reflect.Type }

var (
	unmarshalerType = reflect.TypeFor[xml.Unmarshaler]()
	nameTables      sync.Map // reflect.Type → map[string]string
)

// canonicalNames maps the lower-cased form of every element name t's XML tags mention (at any
// depth) to the spelling in the tag. Types that decode themselves (xml.Unmarshaler) match names on
// their own and are not walked, unless they name the shape they decode through (shaped).
func canonicalNames(t reflect.Type) map[string]string {
	if m, ok := nameTables.Load(t); ok {
		return m.(map[string]string)
	}
	m := map[string]string{}
	walkElementNames(t, map[reflect.Type]bool{}, func(name string) {
		key := strings.ToLower(name)
		if _, ok := m[key]; !ok {
			m[key] = name
		}
	})
	actual, _ := nameTables.LoadOrStore(t, m)
	return actual.(map[string]string)
}

// walkElementNames calls add for every element name in t's XML tags, recursively.
func walkElementNames(t reflect.Type, seen map[reflect.Type]bool, add func(string)) {
	for {
		if seen[t] {
			return
		}
		if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(unmarshalerType) {
			seen[t] = true
			if s, ok := reflect.Zero(t).Interface().(shaped); ok {
				walkElementNames(s.xmlShape(), seen, add)
			}
			return
		}
		if t.Kind() != reflect.Pointer && t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			break
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("xml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "attr") || strings.Contains(opts, "chardata") ||
			strings.Contains(opts, "innerxml") || strings.Contains(opts, "comment") {
			continue
		}
		switch {
		case f.Name == "XMLName":
			if name != "" {
				add(name)
			}
			continue
		case f.Anonymous && name == "", strings.Contains(opts, "any"):
			walkElementNames(f.Type, seen, add)
			continue
		case name == "":
			name = f.Name
		}
		for part := range strings.SplitSeq(name, ">") {
			if part != "" {
				add(part)
			}
		}
		walkElementNames(f.Type, seen, add)
	}
}

// nameConflicts reports element names in t's tags that differ only by case; the lenient decoder
// could not tell them apart. Tests assert every public response type has none.
func nameConflicts(t reflect.Type) []string {
	var conflicts []string
	seen := map[string]string{}
	walkElementNames(t, map[reflect.Type]bool{}, func(name string) {
		key := strings.ToLower(name)
		if prev, ok := seen[key]; ok && prev != name {
			conflicts = append(conflicts, prev+"/"+name)
		}
		seen[key] = name
	})
	return conflicts
}

// Bool is a boolean as Bandwidth writes it. It decodes "true"/"false" in any case, "1"/"0" and
// "yes"/"no"; anything else, and an empty element, is false rather than a decoding failure, so a
// surprising value in one field never loses the rest of the response.
type Bool bool

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Bool) UnmarshalText(text []byte) error {
	switch strings.ToLower(strings.TrimSpace(string(text))) {
	case "true", "1", "yes", "y", "t":
		*b = true
	default:
		*b = false
	}
	return nil
}

// MarshalJSON writes a JSON boolean.
func (b Bool) MarshalJSON() ([]byte, error) { return json.Marshal(bool(b)) }

// UnmarshalJSON reads a JSON boolean.
func (b *Bool) UnmarshalJSON(data []byte) error {
	var v bool
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*b = Bool(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (b Bool) MarshalText() ([]byte, error) {
	if b {
		return []byte("true"), nil
	}
	return []byte("false"), nil
}

// Ptr returns a pointer to v; request structs use pointers for optional booleans so that "false"
// can be sent explicitly and "not set" is omitted.
func Ptr[T any](v T) *T { return &v }

// Time is a timestamp as Bandwidth writes it. Raw keeps the text exactly as received; Time is its
// parsed value, zero when the text matched none of the formats Bandwidth uses (RFC 3339 with or
// without fractional seconds, offsets written +03:00 or -0400, date-only "2023-01-30" and
// "2021-06-16Z", and Java's "Wed Jun 03 15:06:35 UTC 2015"). An unparseable value is kept, not
// rejected: one odd date must not lose a whole order.
//
// When a Time is sent, a set Time is written in RFC 3339 (UTC offset preserved); a zero Time with a
// Raw value writes Raw verbatim (e.g. a date-only RequestedFocDate); a zero Time without Raw omits
// the element.
type Time struct {
	time.Time
	Raw string
}

// NewTime returns a Time for sending.
func NewTime(t time.Time) Time { return Time{Time: t} }

// DateOnly returns a Time written as a bare calendar date (YYYY-MM-DD), Bandwidth's form for
// "this day, at the default activation time".
func DateOnly(year int, month time.Month, day int) Time {
	d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return Time{Raw: d.Format(time.DateOnly)}
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02Z07:00",
	time.DateOnly,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	time.UnixDate,
	time.RubyDate,
}

// ParseTime parses s in any of the formats Bandwidth uses. Values without a zone are UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognized Bandwidth time %q", s)
}

// IsSet reports whether the element was present with any text.
func (t Time) IsSet() bool { return !t.Time.IsZero() || t.Raw != "" }

// String returns the parsed time in RFC 3339, or Raw when it could not be parsed.
func (t Time) String() string {
	if t.Time.IsZero() {
		return t.Raw
	}
	return t.Time.Format(time.RFC3339Nano)
}

func (t Time) text() string {
	if !t.Time.IsZero() {
		return t.Time.Format(time.RFC3339)
	}
	return t.Raw
}

// UnmarshalXML implements xml.Unmarshaler.
func (t *Time) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil {
		return err
	}
	t.setText(s)
	return nil
}

func (t *Time) setText(s string) {
	s = strings.TrimSpace(s)
	*t = Time{Raw: s}
	if s == "" {
		return
	}
	if parsed, err := ParseTime(s); err == nil {
		t.Time = parsed
	}
}

// MarshalXML implements xml.Marshaler; an unset Time writes nothing.
func (t Time) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if !t.IsSet() {
		return nil
	}
	return e.EncodeElement(t.text(), start)
}

// MarshalJSON writes the parsed time in RFC 3339, Raw when unparseable, null when unset.
func (t Time) MarshalJSON() ([]byte, error) {
	if !t.IsSet() {
		return []byte("null"), nil
	}
	return json.Marshal(t.String())
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t.setText(s)
	return nil
}

// NormalizeTN returns a North American number as the 10 digits Bandwidth's v1 API uses, whether it
// arrived as 10 digits, as E.164 (+1NPANXXXXXX, the NumberFormat=E164 callback form), as 11 digits
// with the leading 1, or with punctuation. Anything that is not a NANP number is returned trimmed
// but otherwise unchanged, so nothing is silently lost.
func NormalizeTN(s string) string {
	s = strings.TrimSpace(s)
	digits := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+' && len(digits) == 0, c == ' ', c == '-', c == '.', c == '(', c == ')':
		default:
			return s
		}
	}
	switch {
	case len(digits) == 10:
		return string(digits)
	case len(digits) == 11 && digits[0] == '1':
		return string(digits[1:])
	}
	return s
}

// normalizeTNs applies NormalizeTN to each number.
func normalizeTNs(tns []string) []string {
	for i, tn := range tns {
		tns[i] = NormalizeTN(tn)
	}
	return tns
}

// node is a generic XML element, for the places where the shape is not known in advance (error
// extraction walks every shape Bandwidth uses).
type node struct {
	Name     string
	Text     string
	Children []*node
}

var errTooDeep = errors.New("XML nested too deeply")

// parseTree reads body into a tree of nodes, names as written, text trimmed.
func parseTree(body []byte) (*node, error) {
	d := newRawDecoder(body)
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxTreeDepth {
				return nil, errTooDeep
			}
			n := &node{Name: t.Name.Local}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no XML element")
	}
	root.trim()
	return root, nil
}

// parseSubtree reads the element opened by start from d into a node.
func parseSubtree(d *xml.Decoder, start xml.StartElement) (*node, error) {
	root := &node{Name: start.Name.Local}
	stack := []*node{root}
	for len(stack) > 0 {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxTreeDepth {
				return nil, errTooDeep
			}
			n := &node{Name: t.Name.Local}
			parent := stack[len(stack)-1]
			parent.Children = append(parent.Children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].Text += string(t)
		}
	}
	root.trim()
	return root, nil
}

func (n *node) trim() {
	n.Text = strings.TrimSpace(n.Text)
	for _, c := range n.Children {
		c.trim()
	}
}

// child returns the first direct child whose name matches one of names, ignoring case.
func (n *node) child(names ...string) *node {
	for _, c := range n.Children {
		for _, name := range names {
			if strings.EqualFold(c.Name, name) {
				return c
			}
		}
	}
	return nil
}

// childText returns the text of the first matching direct child, "" when there is none.
func (n *node) childText(names ...string) string {
	if c := n.child(names...); c != nil {
		return c.Text
	}
	return ""
}

// is reports whether n's name matches one of names, ignoring case.
func (n *node) is(names ...string) bool {
	for _, name := range names {
		if strings.EqualFold(n.Name, name) {
			return true
		}
	}
	return false
}

// PhoneNumbers is a list of telephone numbers sent as <PhoneNumber> children of its element
// (ListOfPhoneNumbers). An empty list writes nothing at all, not even its wrapper element.
type PhoneNumbers []string

// MarshalXML implements xml.Marshaler.
func (l PhoneNumbers) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalList(e, start, "PhoneNumber", l)
}

// UnmarshalXML implements xml.Unmarshaler; any child element name is accepted.
func (l *PhoneNumbers) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	return unmarshalList(d, start, (*[]string)(l))
}

// TnAttributes is a list of number attributes sent as <TnAttribute> children of its element. An
// empty list writes nothing.
type TnAttributes []string

// MarshalXML implements xml.Marshaler.
func (l TnAttributes) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalList(e, start, "TnAttribute", l)
}

// UnmarshalXML implements xml.Unmarshaler; any child element name is accepted.
func (l *TnAttributes) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	return unmarshalList(d, start, (*[]string)(l))
}

// marshalList writes <start><item>v</item>…</start>, or nothing for an empty list. (encoding/xml
// writes the wrapper of an "a>b" field even when the field is empty and omitempty.)
func marshalList(e *xml.Encoder, start xml.StartElement, item string, values []string) error {
	if len(values) == 0 {
		return nil
	}
	start = xml.StartElement{Name: xml.Name{Local: start.Name.Local}}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, v := range values {
		if err := e.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: item}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// unmarshalList appends the text of every child element of start.
func unmarshalList(d *xml.Decoder, start xml.StartElement, into *[]string) error {
	n, err := parseSubtree(d, start)
	if err != nil {
		return err
	}
	for _, c := range n.Children {
		if c.Text != "" {
			*into = append(*into, c.Text)
		}
	}
	return nil
}
