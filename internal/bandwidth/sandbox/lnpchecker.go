package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// maxCheckTNs is the most numbers one portability check accepts (Bandwidth does not publish
// its limit).
const maxCheckTNs = 1000

// Portability check modes (the fullCheck query parameter).
const (
	checkRateCenters = "false"
	checkOnNet       = "true"
	checkOnNetAlias  = "onnetportability"
	checkOffNet      = "offnetportability"
)

// lnpChecker is POST /lnpchecker?fullCheck=…: rate centers, portable numbers, port type and,
// unless fullCheck=false, the losing carriers.
func (s *Sandbox) lnpChecker(w http.ResponseWriter, rc *reqCtx) {
	query := rc.r.URL.Query()
	mode := checkRateCenters
	if _, ok := query["fullCheck"]; ok {
		mode = strings.ToLower(strings.TrimSpace(query.Get("fullCheck")))
	} else {
		for name := range query {
			if strings.EqualFold(name, "fullCheck") {
				s.violate(rc, RuleQueryParameter, fmt.Sprintf(
					"Query parameter %q is spelt fullCheck; this check runs as fullCheck=false.", name))
			}
		}
	}
	switch mode {
	case checkRateCenters, checkOnNet, checkOnNetAlias, checkOffNet:
	default:
		writeXML(w, http.StatusBadRequest, numberPortabilityResponse{Errors: []lnpErrorXML{{
			Code:        "7472",
			Description: "Portability checking mode is not valid. Valid values: FALSE, TRUE, ONNETPORTABILITY, OFFNETPORTABILITY",
		}}})
		return
	}
	var req numberPortabilityRequest
	if _, err := decodeXML(rc.body, &req); err != nil || req.XMLName.Local != "NumberPortabilityRequest" {
		writeXML(w, http.StatusBadRequest, numberPortabilityResponse{Errors: []lnpErrorXML{{
			Code: "1019", Description: "The body must be a <NumberPortabilityRequest> with a <TnList>.",
		}}})
		return
	}
	tns := make([]string, 0, len(req.TNs))
	for _, tn := range req.TNs {
		tns = append(tns, strings.TrimSpace(tn))
	}
	if errs := s.checkTNListErrors(tns); len(errs) > 0 {
		out := numberPortabilityResponse{}
		for _, e := range errs {
			out.Errors = append(out.Errors, lnpErrorXMLOf(e))
		}
		writeXML(w, http.StatusBadRequest, out)
		return
	}
	writeXML(w, http.StatusOK, portabilityOf(tns, mode))
}

// checkTNListErrors applies the portability check's list rules: present, at most
// maxCheckTNs, valid NANP numbers, no duplicates, none held by a live port-in.
func (s *Sandbox) checkTNListErrors(tns []string) []apiError {
	if len(tns) == 0 {
		return []apiError{{Code: "7316", Description: "At least one telephone number is required."}}
	}
	if len(tns) > maxCheckTNs {
		return []apiError{{Code: "7314", Description: fmt.Sprintf("Too many telephone numbers: at most %d per request.", maxCheckTNs)}}
	}
	var errs []apiError
	seen := map[string]bool{}
	var dups, held []string
	for _, tn := range tns {
		switch {
		case !validNANP(tn):
			errs = append(errs, apiError{Code: "7201", Description: tn + " is not a valid NANP telephone number."})
		case seen[tn]:
			dups = append(dups, tn)
		}
		seen[tn] = true
	}
	s.mu.Lock()
	for _, tn := range tns {
		if s.tnHolder[tn] != nil {
			held = append(held, tn)
		}
	}
	s.mu.Unlock()
	if len(dups) > 0 {
		errs = append(errs, apiError{Code: "7360", Description: "The telephone number list contains duplicates.", TNs: dups})
	}
	if len(held) > 0 {
		errs = append(errs, apiError{Code: "7205", Description: "Telephone number is already being processed on another order", TNs: held})
	}
	return errs
}

func lnpErrorXMLOf(e apiError) lnpErrorXML {
	out := lnpErrorXML{Code: e.Code, Description: e.Description}
	if len(e.TNs) > 0 {
		out.TelephoneNumbers = &tnListXML{TNs: e.TNs}
	}
	return out
}

// portabilityOf builds the check result. Numbers of off-net rate centers count as portable only
// with fullCheck=offnetportability; otherwise they look unsupported, as at Bandwidth.
func portabilityOf(tns []string, mode string) numberPortabilityResponse {
	out := numberPortabilityResponse{
		PortableNumbers:        &tnListXML{},
		SupportedRateCenters:   &rateCenterGroupsXML{},
		UnsupportedRateCenters: &rateCenterGroupsXML{},
	}
	if mode == checkOffNet {
		out.PartnerSupportedRateCenters = &rateCenterGroupsXML{}
	}
	if mode != checkRateCenters {
		out.SupportedLosingCarriers = &losingCarrierGroupsXML{}
	}
	rcIndex := map[*rateCenterGroupsXML]map[string]int{}
	addToRateCenter := func(list *rateCenterGroupsXML, rc RateCenter, tn string, partner bool) {
		if rcIndex[list] == nil {
			rcIndex[list] = map[string]int{}
		}
		i, ok := rcIndex[list][rc.Name]
		if !ok {
			g := rateCenterGroupXML{RateCenter: rc.Name, City: rc.City, State: rc.State, LATA: rc.LATA}
			if list != out.UnsupportedRateCenters {
				g.Tiers = &tiersXML{Tier: []string{rc.Tier}}
			}
			if partner {
				g.Vendor, g.AutomatedPort = rc.Vendor, "true"
			}
			list.Groups = append(list.Groups, g)
			i = len(list.Groups) - 1
			rcIndex[list][rc.Name] = i
		}
		list.Groups[i].TnList.TNs = append(list.Groups[i].TnList.TNs, tn)
	}
	carrierIndex := map[Carrier]int{}
	portTypes := map[string]bool{}
	nonPortable := false
	for _, tn := range tns {
		rc := RateCenterFor(tn)
		info := carrierOf(tn).Info()
		portable := false
		switch {
		case rc.Coverage == CoverageOnNet:
			addToRateCenter(out.SupportedRateCenters, rc, tn, false)
			portable = true
		case rc.Coverage == CoverageOffNet && mode == checkOffNet:
			addToRateCenter(out.PartnerSupportedRateCenters, rc, tn, true)
			portable = true
		default:
			addToRateCenter(out.UnsupportedRateCenters, rc, tn, false)
		}
		if portable {
			out.PortableNumbers.TNs = append(out.PortableNumbers.TNs, tn)
			portTypes[info.PortType] = true
		} else {
			nonPortable = true
		}
		// A toll-free number has a RespOrg, not a losing carrier /lnpchecker knows of.
		if out.SupportedLosingCarriers == nil || info.Carrier == CarrierTollFree {
			continue
		}
		i, ok := carrierIndex[info.Carrier]
		if !ok {
			out.SupportedLosingCarriers.Groups = append(out.SupportedLosingCarriers.Groups, losingCarrierTnListXML{
				LosingCarrierSPID: info.SPID, LosingCarrierName: info.Name, LosingCarrierIsWireless: info.Wireless,
				LosingCarrierAccountNumberRequired:  info.AccountNumberRequired,
				LosingCarrierMinimumPortingInterval: info.MinimumPortingInterval,
			})
			i = len(out.SupportedLosingCarriers.Groups) - 1
			carrierIndex[info.Carrier] = i
		}
		out.SupportedLosingCarriers.Groups[i].TnList.TNs = append(out.SupportedLosingCarriers.Groups[i].TnList.TNs, tn)
	}
	switch {
	case len(portTypes) > 1 || (len(portTypes) == 1 && nonPortable):
		out.PortType = portTypeMixed
	case len(portTypes) == 1:
		for pt := range portTypes {
			out.PortType = pt
		}
	}
	return out
}
