package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// Per-order number limits by port type (PROTOCOL §5.3). An automated off-net port-in of
// more than maxOffNetTNs numbers is converted to a manual off-net one, as Bandwidth does; past
// maxManualTNs there is nothing left to convert to, so it is refused like the others.
const (
	maxAutomatedTNs        = 999  // automated on-net: refused above
	maxOffNetTNs           = 49   // automated off-net: converted to MANUALOFFNET above
	maxManualTNs           = 5000 // internal, manual off-net and manual toll-free: refused above
	maxLoaAuthorizerLength = 15
)

var validStates = func() map[string]bool {
	m := map[string]bool{}
	for _, st := range strings.Fields("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP") {
		m[st] = true
	}
	return m
}()

var validDirectionals = map[string]bool{"N": true, "S": true, "E": true, "W": true, "NE": true, "NW": true, "SE": true, "SW": true}

var validTnAttributes = map[string]bool{"PROTECTED": true, "EXTERNAL": true, "HOSTED": true, "IMPORTED": true}

// validateTNList checks the number list rules that apply even to drafts.
func validateTNList(tns []string) []apiError {
	if len(tns) == 0 {
		return []apiError{{Code: "1003", Description: "ListOfPhoneNumbers is required"}}
	}
	var errs []apiError
	seen := map[string]bool{}
	var dups []string
	for _, tn := range tns {
		if !validNANP(tn) {
			errs = append(errs, apiError{Code: "7201", Description: tn + " is not a valid NANP telephone number.", TNs: []string{tn}})
		} else if seen[tn] {
			dups = append(dups, tn)
		}
		seen[tn] = true
	}
	if len(dups) > 0 {
		errs = append(errs, apiError{Code: "7360", Description: "The telephone number list contains duplicates.", TNs: dups})
	}
	return errs
}

// validateSubmitLocked applies every rule a port-in must pass to leave DRAFT (or be created
// as anything but a draft). It also fixes the order's carrier and port type.
func (s *Sandbox) validateSubmitLocked(p *portIn, rc *reqCtx, now time.Time) []apiError {
	errs := validateTNList(p.tns)
	required := func(name, value string) {
		if strings.TrimSpace(value) == "" {
			errs = append(errs, apiError{Code: "1003", Description: name + " is required"})
		}
	}
	if !allDigits(p.siteID) {
		errs = append(errs, apiError{Code: "7309", Description: "The site id was not supplied or is invalid."})
	}
	if p.peerID != "" && !allDigits(p.peerID) {
		errs = append(errs, apiError{Code: "7312", Description: "The sippeer id is invalid."})
	}
	if p.customerOrderID != "" && !customerOrderIDPattern.MatchString(p.customerOrderID) {
		errs = append(errs, apiError{Code: "7318", Description: "CustomerOrderId must be at most 40 letters, digits, dashes or spaces."})
	}

	// A toll-free port-in needs no billing number and no subscriber (PROTOCOL §5.2 "required
	// for non-TF"); what it is given is still checked.
	tollFree := p.tollFree()

	// Billing numbers.
	if !tollFree {
		required("BillingTelephoneNumber", p.btn)
	}
	if p.btn != "" && !validNANP(p.btn) {
		errs = append(errs, apiError{Code: "7201", Description: p.btn + " is not a valid NANP telephone number.", TNs: []string{p.btn}})
	}
	if p.newBTN != "" {
		switch {
		case !validNANP(p.newBTN):
			errs = append(errs, apiError{Code: "7201", Description: p.newBTN + " is not a valid NANP telephone number.", TNs: []string{p.newBTN}})
		case p.newBTN == p.btn:
			errs = append(errs, apiError{Code: "7496", Description: "NewBillingTelephoneNumber must differ from BillingTelephoneNumber."})
		case contains(p.tns, p.newBTN):
			errs = append(errs, apiError{Code: "7497", Description: "NewBillingTelephoneNumber must not be one of the numbers being ported."})
		}
	}

	// Subscriber and service address.
	if !tollFree || p.subscriber != (subscriberXML{}) {
		errs = append(errs, validateSubscriber(p.subscriber)...)
	}

	// LOA authorizer.
	required("LoaAuthorizingPerson", p.loaAuthorizer)
	if n := len([]rune(p.loaAuthorizer)); n > maxLoaAuthorizerLength {
		s.violationLocked(rc, RuleLoaAuthorizerLength, fmt.Sprintf(
			"LoaAuthorizingPerson has %d characters; Bandwidth allows %d.", n, maxLoaAuthorizerLength))
		errs = append(errs, apiError{Code: "7357", Description: fmt.Sprintf("LoaAuthorizingPerson must be at most %d characters.", maxLoaAuthorizerLength)})
	}
	for _, attr := range p.tnAttributes {
		if !validTnAttributes[strings.ToUpper(attr)] {
			errs = append(errs, apiError{Code: "7399", Description: fmt.Sprintf("TnAttribute '%s' is not valid. Valid values: Protected, External, Hosted.", attr)})
		}
	}
	if p.billingType != "" && p.billingType != "PORTIN" {
		errs = append(errs, apiError{Code: "7358", Description: "The user is not permitted to set BillingType."})
	}
	if p.alternateSpid != "" && (len(p.alternateSpid) != 4 || !allAlnum(p.alternateSpid)) {
		errs = append(errs, apiError{Code: "7337", Description: "AlternateSpid does not match an SPID of the account."})
	}
	if len(errs) > 0 && len(validateTNList(p.tns)) > 0 {
		return errs // the number rules below need a clean list
	}

	// Numbers: rate centers, one losing carrier, limits, not on another order.
	var unsupported, held []string
	carrierSet := map[Carrier]bool{}
	for _, tn := range p.tns {
		if RateCenterFor(tn).Coverage == CoverageUnsupported {
			unsupported = append(unsupported, tn)
		}
		carrierSet[carrierOf(tn)] = true
		if h := s.tnHolder[tn]; h != nil && h.id != p.id { // by id: a SUPP validates a copy
			held = append(held, tn)
		}
	}
	if len(unsupported) > 0 {
		errs = append(errs, apiError{Code: "7331", Description: "Rate Center Not Present in Bandwidth Dashboard", TNs: unsupported})
	}
	if len(held) > 0 {
		errs = append(errs, apiError{Code: "7205", Description: "Telephone number is already being processed on another order", TNs: held})
	}
	if carrierSet[CarrierTollFree] && len(carrierSet) > 1 {
		var tollFreeTNs []string
		for _, tn := range p.tns {
			if isTollFree(tn) {
				tollFreeTNs = append(tollFreeTNs, tn)
			}
		}
		errs = append(errs, apiError{Code: "7386", Description: "Toll-free and non-toll-free numbers cannot be on the same port-in; put the toll-free numbers on a port-in of their own.", TNs: tollFreeTNs})
		return errs
	}
	if len(carrierSet) > 1 {
		var other []string
		for _, tn := range p.tns {
			if carrierOf(tn) != carrierOf(p.tns[0]) {
				other = append(other, tn)
			}
		}
		errs = append(errs, apiError{Code: "7495", Description: "All numbers on a port-in must be from the same losing carrier; split the order by losing carrier.", TNs: other})
		return errs
	}
	info := carrierOf(p.tns[0]).Info()
	p.carrier = info
	p.portType = info.PortType
	if e := s.capPortTypeLocked(p); e != nil {
		errs = append(errs, *e)
	}

	// What the losing carrier needs up front.
	if info.AccountNumberRequired && p.wireless.AccountNumber == "" {
		errs = append(errs, apiError{Code: "7212", Description: "Account number required or incorrect"})
	}
	if info.Wireless && p.wireless.PinNumber == "" {
		errs = append(errs, apiError{Code: "7213", Description: "PIN number is invalid"})
	}

	// RequestedFocDate.
	p.foc, p.hasFoc = focRequest{}, false
	if p.requestedFocDate != "" {
		req, err := parseFocDate(p.requestedFocDate)
		if err != nil {
			errs = append(errs, apiError{Code: "7207", Description: err.Error()})
		} else if e := focDateError(req, info.MinimumPortingInterval, now); e != nil {
			errs = append(errs, *e)
		} else {
			p.foc, p.hasFoc = req, true
		}
	}
	return errs
}

// capPortTypeLocked applies the per-type number limits (PROTOCOL §5.3) to an order whose
// carrier and port type are set: it refuses an order over its type's limit, and converts an
// automated off-net order over 49 numbers to manual off-net (Bandwidth's conversion).
func (s *Sandbox) capPortTypeLocked(p *portIn) *apiError {
	n := len(p.tns)
	tooMany := func(kind string, limit int) *apiError {
		return &apiError{Code: "7314", Description: fmt.Sprintf(
			"%s port-in takes at most %d numbers and this one has %d; split the numbers over several port-ins.", kind, limit, n)}
	}
	switch p.portType {
	case portTypeAutomated:
		if n > maxAutomatedTNs {
			return tooMany("An automated on-net", maxAutomatedTNs)
		}
	case portTypeAutomatedOffNet:
		if n > maxManualTNs {
			return tooMany("An off-net (converted to manual off-net above 49 numbers)", maxManualTNs)
		}
		if n > maxOffNetTNs {
			p.portType = portTypeManualOffNet
		}
	case portTypeInternal:
		if n > maxManualTNs {
			return tooMany("An internal", maxManualTNs)
		}
	case portTypeManualTollFree:
		if n > maxManualTNs {
			return tooMany("A toll-free", maxManualTNs)
		}
	}
	return nil
}

// validateSubscriber checks a port-in's Subscriber and its service address.
func validateSubscriber(sub subscriberXML) []apiError {
	var errs []apiError
	required := func(name, value string) {
		if strings.TrimSpace(value) == "" {
			errs = append(errs, apiError{Code: "1003", Description: name + " is required"})
		}
	}
	switch sub.SubscriberType {
	case "BUSINESS":
		switch {
		case sub.BusinessName == "":
			errs = append(errs, apiError{Code: "7324", Description: "BusinessName is required for a BUSINESS subscriber."})
		case len(sub.BusinessName) > 25:
			errs = append(errs, apiError{Code: "7324", Description: "BusinessName must be at most 25 characters."})
		}
	case "RESIDENTIAL":
		if sub.BusinessName != "" {
			errs = append(errs, apiError{Code: "7211", Description: "A RESIDENTIAL subscriber must not have a BusinessName."})
		}
		required("Subscriber LastName", sub.LastName)
	case "":
		errs = append(errs, apiError{Code: "1003", Description: "Subscriber SubscriberType is required"})
	default:
		errs = append(errs, apiError{Code: "1019", Description: fmt.Sprintf("SubscriberType '%s' is not valid. Valid values: BUSINESS, RESIDENTIAL.", sub.SubscriberType)})
	}
	if len(sub.FirstName) > 25 {
		errs = append(errs, apiError{Code: "7355", Description: "Subscriber FirstName must be at most 25 characters."})
	}
	if len(sub.MiddleInitial) > 1 {
		errs = append(errs, apiError{Code: "7354", Description: "Subscriber MiddleInitial must be one character."})
	}
	if len(sub.LastName) > 25 {
		errs = append(errs, apiError{Code: "7356", Description: "Subscriber LastName must be at most 25 characters."})
	}
	addr := sub.ServiceAddress
	required("ServiceAddress HouseNumber", addr.HouseNumber)
	required("ServiceAddress StreetName", addr.StreetName)
	required("ServiceAddress City", addr.City)
	required("ServiceAddress StateCode", addr.StateCode)
	required("ServiceAddress Zip", addr.Zip)
	if addr.StateCode != "" && !validStates[strings.ToUpper(addr.StateCode)] {
		errs = append(errs, apiError{Code: "7395", Description: fmt.Sprintf("StateCode '%s' is not a valid state code.", addr.StateCode)})
	}
	if addr.Zip != "" && (len(addr.Zip) != 5 || !allDigits(addr.Zip)) {
		errs = append(errs, apiError{Code: "7214", Description: fmt.Sprintf("ZIP code '%s' is invalid.", addr.Zip)})
	}
	if addr.PlusFour != "" && (len(addr.PlusFour) != 4 || !allDigits(addr.PlusFour)) {
		errs = append(errs, apiError{Code: "7214", Description: fmt.Sprintf("PlusFour '%s' is invalid.", addr.PlusFour)})
	}
	if addr.PreDirectional != "" && !validDirectionals[strings.ToUpper(addr.PreDirectional)] {
		errs = append(errs, apiError{Code: "7329", Description: "PreDirectional must be one of N, S, E, W, NE, NW, SE, SW."})
	}
	if addr.PostDirectional != "" && !validDirectionals[strings.ToUpper(addr.PostDirectional)] {
		errs = append(errs, apiError{Code: "7330", Description: "PostDirectional must be one of N, S, E, W, NE, NW, SE, SW."})
	}
	return errs
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func allLetters(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func allAlnum(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
