package orchestrator

import (
	"strings"
	"unicode"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/bandwidth/address"
	"github.com/portflow/portflow/internal/order"
)

// This file converts between the domain's plans and the Bandwidth client's wire types; it is the
// only place that knows both.

func csrRequest(p order.CsrPlan) bandwidth.CsrRequest {
	return bandwidth.CsrRequest{
		CustomerOrderID:                 p.CustomerOrderID,
		WorkingOrBillingTelephoneNumber: p.WorkingOrBillingNumber,
		AccountNumber:                   p.AccountNumber.Reveal(),
		EndUserPIN:                      p.PIN.Reveal(),
		EndUserName:                     p.EndUserName,
		AuthorizingUserName:             p.AuthorizingUserName,
		AddressLine1:                    p.AddressLine1,
		City:                            p.City,
		State:                           p.State,
		ZIPCode:                         p.Zip,
		TypeOfService:                   p.TypeOfService,
	}
}

func (o *Orchestrator) lnpOrder(p order.PortInPlan) bandwidth.LnpOrder {
	lo := bandwidth.LnpOrder{
		CustomerOrderID:        p.CustomerOrderID,
		RequestedFocDate:       bandwidth.NewTime(p.RequestedFocDate),
		BillingTelephoneNumber: p.BillingNumber,
		SiteID:                 o.opts.SiteID,
		PeerID:                 o.opts.PeerID,
		Subscriber:             subscriberOf(p.Subscriber, p.ServiceAddress),
		LoaAuthorizingPerson:   p.LoaAuthorizingPerson,
		WirelessInfo:           wirelessOf(p.WirelessInfo),
		ListOfPhoneNumbers:     bandwidth.PhoneNumbers(p.Numbers),
	}
	if p.PartialPort {
		lo.PartialPort = bandwidth.Ptr(true)
	}
	if p.Triggered {
		lo.Triggered = bandwidth.Ptr(true)
	}
	return lo
}

// suppRequest builds a SUPP from the allow-listed changes only (never from a GET echo). A changed
// address replaces the whole address (ResetAddressFields) and carries the subscriber's name with
// it, because Bandwidth resets omitted parts of a group it touches.
func (o *Orchestrator) suppRequest(p order.SuppPlan) bandwidth.LnpOrderSupp {
	var s bandwidth.LnpOrderSupp
	if p.ServiceAddress != nil || p.Subscriber != nil {
		sub := &bandwidth.Subscriber{}
		if p.Subscriber != nil {
			sub = subscriberOf(*p.Subscriber, order.AddressParts{})
		}
		if p.ServiceAddress != nil {
			sub.ServiceAddress = serviceAddressOf(*p.ServiceAddress)
			sub.ServiceAddress.ResetAddressFields = true
		}
		s.Subscriber = sub
	}
	s.WirelessInfo = wirelessOf(p.WirelessInfo)
	if p.RequestedFocDate != nil {
		s.RequestedFocDate = bandwidth.NewTime(*p.RequestedFocDate)
	}
	if p.BillingNumber != nil {
		s.BillingTelephoneNumber = *p.BillingNumber
	}
	if p.PartialPort != nil {
		s.PartialPort = bandwidth.Ptr(*p.PartialPort)
	}
	if p.LoaAuthorizingPerson != nil {
		s.LoaAuthorizingPerson = *p.LoaAuthorizingPerson
	}
	return s
}

func subscriberOf(s order.SubscriberPlan, a order.AddressParts) *bandwidth.Subscriber {
	return &bandwidth.Subscriber{
		SubscriberType: s.Type,
		BusinessName:   s.BusinessName,
		FirstName:      s.FirstName,
		LastName:       s.LastName,
		ServiceAddress: serviceAddressOf(a),
	}
}

func serviceAddressOf(a order.AddressParts) bandwidth.ServiceAddress {
	return bandwidth.ServiceAddress{
		HousePrefix: a.HousePrefix, HouseNumber: a.HouseNumber, HouseSuffix: a.HouseSuffix,
		PreDirectional: a.PreDirectional, StreetName: a.StreetName, StreetSuffix: a.StreetSuffix,
		PostDirectional: a.PostDirectional, AddressLine2: a.AddressLine2,
		City: a.City, StateCode: a.StateCode, Zip: a.Zip, PlusFour: a.PlusFour,
	}
}

func wirelessOf(w *order.WirelessInfo) *bandwidth.WirelessInfo {
	if w == nil {
		return nil
	}
	return &bandwidth.WirelessInfo{AccountNumber: w.AccountNumber.Reveal(), PinNumber: w.PIN.Reveal()}
}

// partsOf converts a parsed address to the domain's port-in parts.
func partsOf(a address.Address) order.AddressParts {
	return order.AddressParts{
		HousePrefix: a.HousePrefix, HouseNumber: a.HouseNumber, HouseSuffix: a.HouseSuffix,
		PreDirectional: a.PreDirectional, StreetName: a.StreetName, StreetSuffix: a.StreetSuffix,
		PostDirectional: a.PostDirectional, AddressLine2: a.AddressLine2,
		City: a.City, StateCode: a.State, Zip: a.Zip, PlusFour: a.PlusFour,
	}
}

// addressOf converts the domain's parts to the address package's type.
func addressOf(p order.AddressParts) address.Address {
	return address.Address{
		HousePrefix: p.HousePrefix, HouseNumber: p.HouseNumber, HouseSuffix: p.HouseSuffix,
		PreDirectional: p.PreDirectional, StreetName: p.StreetName, StreetSuffix: p.StreetSuffix,
		PostDirectional: p.PostDirectional, AddressLine2: p.AddressLine2,
		City: p.City, State: p.StateCode, Zip: p.Zip, PlusFour: p.PlusFour,
	}
}

// ParseCustomerAddress parses what a customer typed into Bandwidth's address parts.
func ParseCustomerAddress(a order.Address) (order.AddressParts, error) {
	street := strings.TrimSpace(a.Line1)
	parsed, err := address.ParseStreet(street)
	if err != nil {
		return order.AddressParts{}, err
	}
	if l2 := strings.TrimSpace(a.Line2); l2 != "" {
		if parsed.AddressLine2 != "" {
			parsed.AddressLine2 += " " + l2
		} else {
			parsed.AddressLine2 = l2
		}
	}
	parsed.City, parsed.State = a.City, a.State
	zip := strings.TrimSpace(a.Zip)
	if z, plus, ok := strings.Cut(zip, "-"); ok {
		parsed.Zip, parsed.PlusFour = z, plus
	} else {
		parsed.Zip = zip
	}
	return partsOf(parsed.Normalize()), nil
}

// snake turns "HouseNumber" into "house_number" for API field names.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sameName compares person or business names ignoring case, punctuation and word order.
func sameName(a, b string) bool {
	key := func(s string) string {
		f := strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for i := 1; i < len(f); i++ {
			for j := i; j > 0 && f[j] < f[j-1]; j-- {
				f[j], f[j-1] = f[j-1], f[j]
			}
		}
		return strings.Join(f, " ")
	}
	return key(a) == key(b)
}

func normalizeAccount(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, s)
}
