package bandwidth

import (
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Notification is the body Bandwidth POSTs to a subscription's callback URL (PROTOCOL.md §3).
// Every element but SubscriptionId is optional and element order is not fixed. A notification is a
// hint: the order GET is the truth (a COMPLETE CSR notification can carry error 26500).
type Notification struct {
	XMLName         xml.Name `json:"-"`
	SubscriptionID  string   `xml:"SubscriptionId" json:"subscription_id"`
	OrderType       string   `xml:"OrderType" json:"order_type"`
	OrderID         string   `xml:"OrderId" json:"order_id"`
	CustomerOrderID string   `xml:"CustomerOrderId" json:"customer_order_id,omitempty"`
	Status          string   `xml:"Status" json:"status"`
	// Message is the text attached to the state change, verbatim. Errors arrive here as
	// "<code>: <text>"; MessageCode and MessageText hold the two parts.
	Message     string `xml:"Message" json:"message,omitempty"`
	MessageCode string `xml:"-" json:"message_code,omitempty"`
	MessageText string `xml:"-" json:"message_text,omitempty"`
	// Note is the body of a note added to the order (note events).
	Note string `xml:"Note" json:"note,omitempty"`
	// CompletedTelephoneNumbers are normalized to 10 digits.
	CompletedTelephoneNumbers []string `xml:"CompletedTelephoneNumbers>TelephoneNumber" json:"completed_telephone_numbers,omitempty"`
	LastModifiedDate          Time     `xml:"LastModifiedDate" json:"last_modified_date"`
	// ActualFocDate is present when a port-in reaches FOC.
	ActualFocDate Time `xml:"ActualFocDate" json:"actual_foc_date"`
	// EventType and ImpactedTelephoneNumbers belong to event subscriptions (MESSAGING_LOST).
	EventType                string   `xml:"EventType" json:"event_type,omitempty"`
	ImpactedTelephoneNumbers []string `xml:"ImpactedTelephoneNumbers>TelephoneNumber" json:"impacted_telephone_numbers,omitempty"`
}

// Order types as they appear in subscriptions and notifications.
const (
	OrderTypePortIns     = "portins"
	OrderTypeCsrs        = "csrs"
	OrderTypeBulkPortIns = "bulkPortins"
)

// ErrNotNotification is wrapped by DecodeNotification's error when the body is XML but not a
// <Notification>.
var ErrNotNotification = errors.New("not a Bandwidth <Notification>")

// codedMessage matches Bandwidth's "<code>: <text>" message form ("26500: CSR is not available
// for this TN", "7999: E37 TN not found in PPS (PPS)").
var codedMessage = regexp.MustCompile(`^\s*(\d{3,6})\s*:\s*(.*?)\s*$`)

// DecodeNotification parses a callback body. It accepts elements in any order, missing optional
// elements, casing drift and unknown elements; it normalizes telephone numbers to 10 digits
// (LEGACY and E164 subscriptions alike) and splits a coded Message into MessageCode and
// MessageText. It fails only when the body is not well-formed XML or its root is not
// <Notification>.
func DecodeNotification(body []byte) (Notification, error) {
	var n Notification
	if err := decodeXML(body, &n); err != nil {
		return Notification{}, fmt.Errorf("decode notification: %w", err)
	}
	if !strings.EqualFold(n.XMLName.Local, "Notification") {
		return Notification{}, fmt.Errorf("decode notification: root <%s>: %w", n.XMLName.Local, ErrNotNotification)
	}
	n.XMLName = xml.Name{Local: "Notification"}
	return n, nil
}

func (n *Notification) normalize() {
	n.Status = strings.ToUpper(n.Status)
	n.CompletedTelephoneNumbers = normalizeTNs(nonEmpty(n.CompletedTelephoneNumbers))
	n.ImpactedTelephoneNumbers = normalizeTNs(nonEmpty(n.ImpactedTelephoneNumbers))
	n.MessageCode, n.MessageText = SplitCodedMessage(n.Message)
}

// SplitCodedMessage splits "<code>: <text>" into its parts; a message without a leading numeric
// code comes back as ("", message).
func SplitCodedMessage(message string) (code, text string) {
	if m := codedMessage.FindStringSubmatch(message); m != nil {
		return m[1], m[2]
	}
	return "", strings.TrimSpace(message)
}

// nonEmpty drops empty strings (an empty <TelephoneNumber/> is not a number).
func nonEmpty(in []string) []string {
	out := in[:0]
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
