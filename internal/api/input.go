package api

// This file turns decoded request bodies into the orchestrator's inputs. It checks the shape and
// format of every field and mirrors Bandwidth's own field rules for port-ins
// (docs/bandwidth-protocol.md §5.2–5.3), so a request portflow accepts is not refused by
// Bandwidth for its form. Rules about the request as a whole (dates against the calendar, activation windows)
// belong to internal/order, whose answers are merged into the same 422.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portflow/portflow/internal/orchestrator"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/problem"
)

// Field limits. Where Bandwidth documents one it is quoted; the others are portflow's own, loose
// enough for any real value and tight enough to keep junk out of the database.
const (
	maxCustomerOrderID = 40 // Bandwidth 7318
	maxSubscriberName  = 25 // Bandwidth 7324, 7355, 7356
	maxAddressLine     = 100
	maxCity            = 60
	maxAccountNumber   = 64
	maxPIN             = 32
	// maxLoaAuthorizingPerson is portflow's input limit; Bandwidth's 15 characters (7357) are met
	// by order.LoaName, which shortens a longer name the way a person would.
	maxLoaAuthorizingPerson = 100
	maxCancelReason         = 500
)

var (
	customerOrderIDPattern = regexp.MustCompile(`^[A-Za-z0-9 -]+$`)
	tenDigitPattern        = regexp.MustCompile(`^[2-9][0-9]{2}[2-9][0-9]{6}$`)
	zipPattern             = regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`)
	timeOfDayPattern       = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// stateCodes are the USPS codes of the states, DC and the territories inside the North American
// Numbering Plan (Bandwidth 7395 refuses anything else).
var stateCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN
		MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI`) {
		m[c] = true
	}
	return m
}()

var (
	createFields = []string{"customer_order_id", "phone_numbers", "billing_telephone_number", "subscriber", "service_address", "account_number", "pin", "loa_authorizing_person", "requested_foc_date", "activation"}
	// importRequestFields are the import's request part: the create body without phone_numbers,
	// which come from the CSV part.
	importRequestFields = slices.DeleteFunc(slices.Clone(createFields), func(f string) bool { return f == "phone_numbers" })
	// numberItemFields are the members of a phone_numbers object item and the CSV columns.
	numberItemFields = []string{"number", "billing_number", "account_number", "pin"}
	patchFields      = []string{"account_number", "pin", "service_address", "subscriber", "requested_foc_date", "loa_authorizing_person", "billing_telephone_number", "confirm"}
	subscriberFields = []string{"type", "business_name", "first_name", "last_name"}
	addressFields    = []string{"line1", "line2", "city", "state", "zip"}
	activationFields = []string{"mode", "at"}
	cancelFields     = []string{"reason"}
)

// createInput is a validated POST /v1/port-requests body (or import).
type createInput struct {
	request orchestrator.NewRequest
	// numbersPointer points at the list of numbers in what the client sent: /phone_numbers in a
	// JSON body, /numbers (the CSV part) in an import.
	numbersPointer string
	// numberPointers[i] points at request.Numbers[i] (de-duplicated) as the client listed it, so
	// the domain's field pointers can be translated back.
	numberPointers []string
	// fieldsPrefix goes before the pointers of every other field: "" in a JSON body, /request
	// in an import, whose request fields are a part of their own.
	fieldsPrefix string
}

// parseCreate validates a create body. Every problem is reported at once.
func parseCreate(v any) (createInput, []problem.FieldError) {
	var fr fieldReader
	in := createInput{numbersPointer: "/phone_numbers"}
	obj, ok := fr.object("", v, createFields...)
	if !ok {
		return in, fr.errs
	}
	fr.requestFields(obj, &in.request)
	if items, ok := fr.phoneNumberItems(obj); ok {
		fr.numberItems(items, &in)
	}
	return in, fr.errs
}

// requestFields reads every create field but the numbers into req.
func (fr *fieldReader) requestFields(obj map[string]any, req *orchestrator.NewRequest) {
	if s, present, ok := fr.str(obj, "", "customer_order_id", 0); present && ok {
		switch {
		case s == "":
			fr.add("/customer_order_id", "invalid_format", "must not be empty; leave it out instead")
		case len(s) > maxCustomerOrderID:
			fr.add("/customer_order_id", "too_long", fmt.Sprintf("must be at most %d characters (Bandwidth 7318)", maxCustomerOrderID))
		case !customerOrderIDPattern.MatchString(s):
			fr.add("/customer_order_id", "invalid_format", "may hold only letters, digits, dashes and spaces (Bandwidth 7318)")
		default:
			req.CustomerOrderID = s
		}
	}
	if tn, present, ok := fr.phoneNumber(obj, "", "billing_telephone_number"); present && ok {
		req.BillingNumber = tn
	}
	if sub, ok := fr.subscriber(obj); ok {
		req.Subscriber = sub
	}
	if addr, ok := fr.address(obj); ok {
		req.ServiceAddress = addr
	}
	if s, present, ok := fr.secret(obj, "", "account_number", maxAccountNumber); present && ok {
		req.AccountNumber = order.Secret(s)
	}
	if s, present, ok := fr.secret(obj, "", "pin", maxPIN); present && ok {
		req.PIN = order.Secret(s)
	}
	if s, ok := fr.requiredStr(obj, "", "loa_authorizing_person", maxLoaAuthorizingPerson, "the person who signed the letter of authorization"); ok {
		req.LoaAuthorizingPerson = s
	}
	if d, present, ok := fr.date(obj, "requested_foc_date"); present && ok {
		req.FocWish = &d
	}
	if act, ok := fr.activation(obj); ok {
		req.Activation = act
	}
}

// patchInput is a validated PATCH body.
type patchInput struct {
	correction order.Corrected
}

// parsePatch validates a correction. Unlike a create, null is refused: nothing can be cleared,
// and leaving a field out already means "unchanged".
func parsePatch(v any) (patchInput, []problem.FieldError) {
	var fr fieldReader
	var in patchInput
	obj, ok := fr.object("", v, patchFields...)
	if !ok {
		return in, fr.errs
	}
	for _, name := range patchFields {
		if val, present := obj[name]; present && val == nil {
			fr.add("/"+name, "invalid_type", "must not be null: leave the field out to keep it unchanged")
		}
	}
	c := &in.correction
	supplied := 0
	if s, present, ok := fr.secret(obj, "", "account_number", maxAccountNumber); present {
		supplied++
		if ok {
			sec := order.Secret(s)
			c.AccountNumber = &sec
		}
	}
	if s, present, ok := fr.secret(obj, "", "pin", maxPIN); present {
		supplied++
		if ok {
			sec := order.Secret(s)
			c.PIN = &sec
		}
	}
	if _, present := member(obj, "service_address"); present {
		supplied++
		if addr, ok := fr.address(obj); ok {
			c.ServiceAddress = &addr
		}
	}
	if _, present := member(obj, "subscriber"); present {
		supplied++
		if sub, ok := fr.subscriber(obj); ok {
			c.Subscriber = &sub
		}
	}
	if d, present, ok := fr.date(obj, "requested_foc_date"); present {
		supplied++
		if ok {
			c.FocWish = &d
		}
	}
	if _, present := member(obj, "loa_authorizing_person"); present {
		supplied++
		if s, ok := fr.requiredStr(obj, "", "loa_authorizing_person", maxLoaAuthorizingPerson, "the person who signed the letter of authorization"); ok {
			c.LoaAuthorizingPerson = &s
		}
	}
	if tn, present, ok := fr.phoneNumber(obj, "", "billing_telephone_number"); present {
		supplied++
		if ok {
			c.BillingNumber = &tn
		}
	}
	if val, present := member(obj, "confirm"); present {
		b, isBool := val.(bool)
		switch {
		case !isBool:
			fr.add("/confirm", "invalid_type", "must be a boolean, not "+jsonType(val))
		case b:
			supplied++
			c.Confirm = true
		}
	}
	if supplied == 0 && len(fr.errs) == 0 {
		fr.add("", "empty", `send at least one field to correct, or "confirm": true to go on with the data as it is`)
	}
	return in, fr.errs
}

// parseCancel validates the optional cancel body {"reason": "..."}.
func parseCancel(v any) (string, []problem.FieldError) {
	var fr fieldReader
	obj, ok := fr.object("", v, cancelFields...)
	if !ok {
		return "", fr.errs
	}
	reason, _, _ := fr.str(obj, "", "reason", maxCancelReason)
	return reason, fr.errs
}

// numberItem is one number as the client listed it: a phone_numbers item (a string or an
// object) or a CSV row (an object of its non-empty cells).
type numberItem struct {
	pointer string
	value   any
}

// phoneNumberItems reads phone_numbers as a list of items.
func (fr *fieldReader) phoneNumberItems(obj map[string]any) ([]numberItem, bool) {
	v, present := member(obj, "phone_numbers")
	if !present {
		fr.add("/phone_numbers", "required", "list at least one phone number to port")
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		fr.add("/phone_numbers", "invalid_type", "must be an array of phone numbers, not "+jsonType(v))
		return nil, false
	}
	switch {
	case len(list) == 0:
		fr.add("/phone_numbers", "required", "list at least one phone number to port")
		return nil, false
	case len(list) > order.MaxNumbers:
		fr.add("/phone_numbers", "too_many", tooManyNumbers(len(list)))
		return nil, false
	}
	items := make([]numberItem, len(list))
	for i, v := range list {
		items[i] = numberItem{pointer: "/phone_numbers/" + strconv.Itoa(i), value: v}
	}
	return items, true
}

func tooManyNumbers(got int) string {
	return fmt.Sprintf("at most %d phone numbers per request (got %d): split the numbers into several requests of at most %d each",
		order.MaxNumbers, got, order.MaxNumbers)
}

// numberItems validates the listed numbers into in.request.Numbers and NumberAccounts. Each item
// is a number — 10-digit or +1 E.164 — or an object giving the number with its own account at
// the losing carrier (billing_number, account_number, pin: the request-level fields' rules). The
// numbers are de-duplicated in order (the same number in both forms counts once, as Bandwidth
// refuses duplicates with 7360); a number listed again with a different account is refused, as
// it is ambiguous.
func (fr *fieldReader) numberItems(items []numberItem, in *createInput) {
	type first struct {
		pointer string
		account order.NumberAccount
	}
	seen := make(map[string]first, len(items))
	req := &in.request
	for _, item := range items {
		tn, account, ok := fr.numberItem(item)
		if !ok {
			continue
		}
		if prior, dup := seen[tn]; dup {
			if prior.account != account {
				fr.add(item.pointer, "duplicate", fmt.Sprintf("%s is listed before (%s) with a different account: list each number once", tn, prior.pointer))
			}
			continue
		}
		seen[tn] = first{pointer: item.pointer, account: account}
		req.Numbers = append(req.Numbers, tn)
		in.numberPointers = append(in.numberPointers, item.pointer)
		if account != (order.NumberAccount{}) {
			if req.NumberAccounts == nil {
				req.NumberAccounts = map[string]order.NumberAccount{}
			}
			req.NumberAccounts[tn] = account
		}
	}
}

// numberItem reads one listed number and the account it carries (zero when none).
func (fr *fieldReader) numberItem(item numberItem) (string, order.NumberAccount, bool) {
	var account order.NumberAccount
	if s, isString := item.value.(string); isString {
		tn, ok := normalizePhoneNumber(s)
		if !ok {
			fr.add(item.pointer, "invalid_format", fmt.Sprintf("%q is not a 10-digit North American number (NPA-NXX-XXXX) or +1 E.164", s))
		}
		return tn, account, ok
	}
	if _, isObject := item.value.(map[string]any); !isObject {
		fr.add(item.pointer, "invalid_type", `must be a phone number string or an object {"number": …, "billing_number": …, "account_number": …, "pin": …}, not `+jsonType(item.value))
		return "", account, false
	}
	before := len(fr.errs)
	obj, _ := fr.object(item.pointer, item.value, numberItemFields...)
	tn, present, _ := fr.phoneNumber(obj, item.pointer, "number")
	if !present {
		fr.add(item.pointer+"/number", "required", "the phone number to port is required")
	}
	if billing, present, ok := fr.phoneNumber(obj, item.pointer, "billing_number"); present && ok {
		account.BillingNumber = billing
	}
	if s, present, ok := fr.secret(obj, item.pointer, "account_number", maxAccountNumber); present && ok {
		account.AccountNumber = order.Secret(s)
	}
	if s, present, ok := fr.secret(obj, item.pointer, "pin", maxPIN); present && ok {
		account.PIN = order.Secret(s)
	}
	return tn, account, len(fr.errs) == before
}

// phoneNumber reads one optional phone number member of the object at ptr.
func (fr *fieldReader) phoneNumber(obj map[string]any, ptr, name string) (tn string, present, ok bool) {
	v, present := member(obj, name)
	if !present {
		return "", false, true
	}
	s, isString := v.(string)
	if !isString {
		fr.add(ptr+"/"+name, "invalid_type", "must be a string, not "+jsonType(v))
		return "", true, false
	}
	tn, ok = normalizePhoneNumber(s)
	if !ok {
		fr.add(ptr+"/"+name, "invalid_format", fmt.Sprintf("%q is not a 10-digit North American number (NPA-NXX-XXXX) or +1 E.164", s))
		return "", true, false
	}
	return tn, true, true
}

// normalizePhoneNumber accepts "9195551234" or "+19195551234" (a valid NANP area code and
// exchange: neither starts with 0 or 1) and returns the 10 digits Bandwidth wants.
func normalizePhoneNumber(s string) (string, bool) {
	s = strings.TrimPrefix(s, "+1")
	return s, tenDigitPattern.MatchString(s)
}

// secret reads an account number or PIN of the object at ptr: any visible characters, no
// surrounding space.
func (fr *fieldReader) secret(obj map[string]any, ptr, name string, maxRunes int) (s string, present, ok bool) {
	s, present, ok = fr.str(obj, ptr, name, maxRunes)
	if present && ok && s == "" {
		fr.add(ptr+"/"+name, "invalid_format", "must not be empty; leave it out instead")
		return "", true, false
	}
	return s, present, ok
}

func (fr *fieldReader) subscriber(parent map[string]any) (order.Subscriber, bool) {
	const ptr = "/subscriber"
	v, present := member(parent, "subscriber")
	if !present {
		fr.add(ptr, "required", "the subscriber (the end user at the losing carrier) is required")
		return order.Subscriber{}, false
	}
	before := len(fr.errs)
	obj, ok := fr.object(ptr, v, subscriberFields...)
	if !ok {
		return order.Subscriber{}, false
	}
	var sub order.Subscriber
	if t, ok := fr.requiredStr(obj, ptr, "type", 0, "the subscriber type (business or residential)"); ok {
		switch order.SubscriberType(t) {
		case order.SubscriberBusiness, order.SubscriberResidential:
			sub.Type = order.SubscriberType(t)
		default:
			fr.add(ptr+"/type", "invalid_value", fmt.Sprintf("must be business or residential, not %q", t))
		}
	}
	// Each name: value, present (and not null), and not already reported invalid.
	name := func(field string) (string, bool, bool) { return fr.str(obj, ptr, field, maxSubscriberName) }
	business, businessGiven, businessOK := name("business_name")
	first, _, _ := name("first_name")
	last, _, lastOK := name("last_name")
	sub.BusinessName, sub.FirstName, sub.LastName = business, first, last
	switch sub.Type {
	case order.SubscriberBusiness:
		if businessOK && business == "" {
			fr.add(ptr+"/business_name", "required", "a business subscriber needs a business name (Bandwidth 7324)")
		}
	case order.SubscriberResidential:
		if lastOK && last == "" {
			fr.add(ptr+"/last_name", "required", "a residential subscriber needs a last name")
		}
		if businessGiven {
			fr.add(ptr+"/business_name", "not_allowed", "a residential subscriber may not have a business name (Bandwidth 7211)")
		}
	}
	return sub, len(fr.errs) == before
}

func (fr *fieldReader) address(parent map[string]any) (order.Address, bool) {
	const ptr = "/service_address"
	v, present := member(parent, "service_address")
	if !present {
		fr.add(ptr, "required", "the service address (where the numbers are installed) is required")
		return order.Address{}, false
	}
	before := len(fr.errs)
	obj, ok := fr.object(ptr, v, addressFields...)
	if !ok {
		return order.Address{}, false
	}
	var a order.Address
	a.Line1, _ = fr.requiredStr(obj, ptr, "line1", maxAddressLine, "the street line (house number and street)")
	a.Line2, _, _ = fr.str(obj, ptr, "line2", maxAddressLine)
	a.City, _ = fr.requiredStr(obj, ptr, "city", maxCity, "the city")
	if s, ok := fr.requiredStr(obj, ptr, "state", 0, "the two-letter state code"); ok {
		code := strings.ToUpper(s)
		if !stateCodes[code] {
			fr.add(ptr+"/state", "invalid_value", fmt.Sprintf("%q is not a US state, DC or territory code (Bandwidth 7395)", s))
		}
		a.State = code
	}
	if s, ok := fr.requiredStr(obj, ptr, "zip", 0, "the ZIP code"); ok {
		if !zipPattern.MatchString(s) {
			fr.add(ptr+"/zip", "invalid_format", fmt.Sprintf("%q is not a ZIP code: use 12345 or 12345-6789", s))
		}
		a.Zip = s
	}
	return a, len(fr.errs) == before
}

// date reads requested_foc_date: a calendar day "2006-01-02", or an RFC 3339 time whose date
// as written is taken (the time of day is not used: activation.at chooses it).
func (fr *fieldReader) date(obj map[string]any, name string) (d order.Date, present, ok bool) {
	v, present := member(obj, name)
	if !present {
		return order.Date{}, false, true
	}
	s, isString := v.(string)
	if !isString {
		fr.add("/"+name, "invalid_type", "must be a string, not "+jsonType(v))
		return order.Date{}, true, false
	}
	if d, err := order.ParseDate(s); err == nil {
		return d, true, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return order.DateOf(t), true, true
	}
	fr.add("/"+name, "invalid_format", fmt.Sprintf("%q is not a date: use YYYY-MM-DD or RFC 3339 (2026-03-02T11:30:00-05:00)", s))
	return order.Date{}, true, false
}

func (fr *fieldReader) activation(parent map[string]any) (order.Activation, bool) {
	const ptr = "/activation"
	v, present := member(parent, "activation")
	if !present {
		fr.add(ptr, "required", `say how the numbers go live: {"mode": "scheduled"} (Bandwidth activates at 11:30 ET on the FOC date) or {"mode": "on_demand"}`)
		return order.Activation{}, false
	}
	before := len(fr.errs)
	obj, ok := fr.object(ptr, v, activationFields...)
	if !ok {
		return order.Activation{}, false
	}
	var a order.Activation
	if mode, ok := fr.requiredStr(obj, ptr, "mode", 0, "the activation mode (scheduled or on_demand)"); ok {
		switch order.ActivationMode(mode) {
		case order.ActivationScheduled, order.ActivationOnDemand:
			a.Mode = order.ActivationMode(mode)
		default:
			fr.add(ptr+"/mode", "invalid_value", fmt.Sprintf("must be scheduled or on_demand, not %q", mode))
		}
	}
	if at, present, ok := fr.str(obj, ptr, "at", 0); present && ok {
		if !timeOfDayPattern.MatchString(at) {
			fr.add(ptr+"/at", "invalid_format", fmt.Sprintf("%q is not a time of day: use HH:MM, 24-hour, Eastern Time", at))
		} else if t, err := order.ParseTimeOfDay(at); err == nil {
			a.At = &t
		}
	}
	return a, len(fr.errs) == before
}
