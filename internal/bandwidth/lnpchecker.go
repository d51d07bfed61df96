package bandwidth

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// FullCheck selects how much POST /lnpchecker examines (query parameter fullCheck).
type FullCheck string

const (
	// FullCheckRateCenters checks rate centers only (Bandwidth's default).
	FullCheckRateCenters FullCheck = "false"
	// FullCheckOnNet adds losing carriers, on-net only ("true" and "onnetportability" are the
	// same mode).
	FullCheckOnNet FullCheck = "true"
	// FullCheckOffNet adds partner (off-net) rate centers; required when the account uses off-net
	// tiers, or off-net numbers look non-portable.
	FullCheckOffNet FullCheck = "offnetportability"
)

// NumberPortabilityRequest is the body of POST /lnpchecker.
type NumberPortabilityRequest struct {
	XMLName xml.Name `xml:"NumberPortabilityRequest" json:"-"`
	TnList  []string `xml:"TnList>Tn" json:"tn_list"`
}

// NumberPortabilityResponse is the answer of POST /lnpchecker (PROTOCOL.md §6.2).
type NumberPortabilityResponse struct {
	// PortType is one of the PortType constants; MIXED when the numbers span several types or
	// mix portable and non-portable numbers.
	PortType string `xml:"PortType" json:"port_type,omitempty"`
	// PortableNumbers are portable, which does not promise they fit in one order.
	PortableNumbers             []string          `xml:"PortableNumbers>Tn" json:"portable_numbers,omitempty"`
	SupportedRateCenters        []RateCenterGroup `xml:"SupportedRateCenters>RateCenterGroup" json:"supported_rate_centers,omitempty"`
	UnsupportedRateCenters      []RateCenterGroup `xml:"UnsupportedRateCenters>RateCenterGroup" json:"unsupported_rate_centers,omitempty"`
	PartnerSupportedRateCenters []RateCenterGroup `xml:"PartnerSupportedRateCenters>RateCenterGroup" json:"partner_supported_rate_centers,omitempty"`
	SupportedLosingCarriers     []LosingCarrier   `xml:"SupportedLosingCarriers>LosingCarrierTnList" json:"supported_losing_carriers,omitempty"`
	UnsupportedLosingCarriers   []LosingCarrier   `xml:"UnsupportedLosingCarriers>LosingCarrierTnList" json:"unsupported_losing_carriers,omitempty"`
	// PortabilityErrors are per-number findings inside a 200 (e.g. 7378 not in service at the
	// losing carrier); they are part of the answer, not a failed call.
	PortabilityErrors ErrorList `xml:"PortabilityErrors" json:"portability_errors,omitempty"`
	// Errors are request-level errors (repeated <Errors>); CheckPortability returns them as a
	// *Error, even inside a 200.
	Errors ErrorList `xml:"Errors" json:"errors,omitempty"`
}

// RateCenterGroup is a rate center and the numbers in it.
type RateCenterGroup struct {
	RateCenter string   `xml:"RateCenter" json:"rate_center"`
	City       string   `xml:"City" json:"city,omitempty"`
	State      string   `xml:"State" json:"state,omitempty"`
	LATA       string   `xml:"LATA" json:"lata,omitempty"`
	Tiers      []string `xml:"Tiers>Tier" json:"tiers,omitempty"`
	TnList     []string `xml:"TnList>Tn" json:"tn_list,omitempty"`
	// Vendor and AutomatedPort appear only in PartnerSupportedRateCenters (off-net).
	Vendor        string `xml:"Vendor" json:"vendor,omitempty"`
	AutomatedPort Bool   `xml:"AutomatedPort" json:"automated_port"`
}

// LosingCarrier is a losing carrier and the numbers it holds (<LosingCarrierTnList>).
type LosingCarrier struct {
	// SPID may be empty (e.g. Canadian carriers reported as "Unknown").
	SPID                  string `xml:"LosingCarrierSPID" json:"spid"`
	Name                  string `xml:"LosingCarrierName" json:"name"`
	IsWireless            Bool   `xml:"LosingCarrierIsWireless" json:"is_wireless"`
	AccountNumberRequired Bool   `xml:"LosingCarrierAccountNumberRequired" json:"account_number_required"`
	// MinimumPortingInterval is in calendar days: the earliest RequestedFocDate is today plus it.
	MinimumPortingInterval int      `xml:"LosingCarrierMinimumPortingInterval" json:"minimum_porting_interval"`
	TnList                 []string `xml:"TnList>Tn" json:"tn_list,omitempty"`
}

// Portability says where a number stands in an lnpchecker answer.
type Portability string

const (
	PortableOnNet  Portability = "on_net"  // in SupportedRateCenters
	PortableOffNet Portability = "off_net" // in PartnerSupportedRateCenters
	NotPortable    Portability = "not_portable"
	// PortabilityUnknown: the number is in no rate-center list of the answer.
	PortabilityUnknown Portability = "unknown"
)

// LosingCarrierOf returns the losing carrier holding tn and whether Bandwidth supports porting
// from it; ok is false when the answer does not name one (fullCheck=false, Enterprise Telephony).
func (r NumberPortabilityResponse) LosingCarrierOf(tn string) (carrier LosingCarrier, supported, ok bool) {
	tn = NormalizeTN(tn)
	for _, lc := range r.SupportedLosingCarriers {
		if slices.Contains(lc.TnList, tn) {
			return lc, true, true
		}
	}
	for _, lc := range r.UnsupportedLosingCarriers {
		if slices.Contains(lc.TnList, tn) {
			return lc, false, true
		}
	}
	return LosingCarrier{}, false, false
}

// PortabilityOf says whether tn is portable on-net, off-net, not at all, or is not in the answer,
// and returns its rate center.
func (r NumberPortabilityResponse) PortabilityOf(tn string) (Portability, RateCenterGroup) {
	tn = NormalizeTN(tn)
	lists := []struct {
		groups []RateCenterGroup
		p      Portability
	}{
		{r.SupportedRateCenters, PortableOnNet},
		{r.PartnerSupportedRateCenters, PortableOffNet},
		{r.UnsupportedRateCenters, NotPortable},
	}
	for _, l := range lists {
		for _, g := range l.groups {
			if slices.Contains(g.TnList, tn) {
				return l.p, g
			}
		}
	}
	return PortabilityUnknown, RateCenterGroup{}
}

// ErrorsFor returns the portability errors that name tn.
func (r NumberPortabilityResponse) ErrorsFor(tn string) ErrorList {
	tn = NormalizeTN(tn)
	var out ErrorList
	for _, d := range r.PortabilityErrors {
		if slices.Contains(d.TNs, tn) {
			out = append(out, d)
		}
	}
	return out
}

func (r *NumberPortabilityResponse) normalize() {
	r.PortableNumbers = normalizeTNs(nonEmpty(r.PortableNumbers))
	for _, groups := range [][]RateCenterGroup{r.SupportedRateCenters, r.UnsupportedRateCenters, r.PartnerSupportedRateCenters} {
		for i := range groups {
			groups[i].TnList = normalizeTNs(nonEmpty(groups[i].TnList))
		}
	}
	for _, carriers := range [][]LosingCarrier{r.SupportedLosingCarriers, r.UnsupportedLosingCarriers} {
		for i := range carriers {
			carriers[i].TnList = normalizeTNs(nonEmpty(carriers[i].TnList))
		}
	}
}

// CheckPortability asks whether numbers can be ported in (POST /lnpchecker?fullCheck=mode) and
// who the losing carriers are. A 400 (invalid numbers: repeated <Errors>) is a *Error; per-number
// PortabilityErrors inside a 200 are returned in the response. The check changes nothing at
// Bandwidth, so it is retried on retryable failures.
func (c *Client) CheckPortability(ctx context.Context, mode FullCheck, tns ...string) (NumberPortabilityResponse, error) {
	if len(tns) == 0 {
		return NumberPortabilityResponse{}, fmt.Errorf("%w: no numbers to check", ErrInvalidRequest)
	}
	switch mode {
	case "":
		mode = FullCheckOnNet
	case FullCheckRateCenters, FullCheckOnNet, FullCheckOffNet, "onnetportability":
	default:
		return NumberPortabilityResponse{}, fmt.Errorf("%w: fullCheck mode %q", ErrInvalidRequest, mode)
	}
	body := NumberPortabilityRequest{TnList: make([]string, len(tns))}
	for i, tn := range tns {
		body.TnList[i] = NormalizeTN(tn)
	}
	var out NumberPortabilityResponse
	r := &request{method: http.MethodPost, route: "/lnpchecker", path: "/lnpchecker",
		query: url.Values{"fullCheck": {string(mode)}}, body: body, idempotent: true, group: groupPortIn,
		bodyErrors: keepBodyErrors}
	resp, err := c.call(ctx, r, &out)
	if err != nil {
		return NumberPortabilityResponse{}, err
	}
	if len(out.Errors) > 0 {
		return NumberPortabilityResponse{}, &Error{Endpoint: r.endpoint(), Status: resp.status, Codes: out.Errors,
			Class: classifyResponse(resp.status, out.Errors, false)}
	}
	return out, nil
}
