package bandwidth

import (
	"context"
	"encoding/xml"
	"net/http"
	"time"
)

// ActivationStatus is a port-in's on-demand activation state (PROTOCOL.md §5.10). It exists only
// for Triggered automated wireline ports in FOC, on the FOC day.
type ActivationStatus struct {
	XMLName xml.Name `xml:"ActivationStatus" json:"-"`
	// AutoActivationDate is when the numbers will be (or were asked to be) activated.
	AutoActivationDate              Time     `xml:"AutoActivationDate" json:"auto_activation_date"`
	ActivatedTelephoneNumbers       []string `xml:"ActivatedTelephoneNumbersList>TelephoneNumber" json:"activated_telephone_numbers,omitempty"`
	NotYetActivatedTelephoneNumbers []string `xml:"NotYetActivatedTelephoneNumbersList>TelephoneNumber" json:"not_yet_activated_telephone_numbers,omitempty"`
}

// activationStatusResponse is <ActivationStatusResponse><ActivationStatus>…, or a bare
// <ActivationStatus> (the PUT "echo").
type activationStatusResponse struct {
	Wrapped            *ActivationStatus `xml:"ActivationStatus"`
	AutoActivationDate Time              `xml:"AutoActivationDate"`
	Activated          []string          `xml:"ActivatedTelephoneNumbersList>TelephoneNumber"`
	NotYetActivated    []string          `xml:"NotYetActivatedTelephoneNumbersList>TelephoneNumber"`
}

func (r activationStatusResponse) status() ActivationStatus {
	a := ActivationStatus{AutoActivationDate: r.AutoActivationDate, ActivatedTelephoneNumbers: r.Activated,
		NotYetActivatedTelephoneNumbers: r.NotYetActivated}
	if r.Wrapped != nil {
		a = *r.Wrapped
	}
	a.XMLName = xml.Name{}
	a.ActivatedTelephoneNumbers = normalizeTNs(nonEmpty(a.ActivatedTelephoneNumbers))
	a.NotYetActivatedTelephoneNumbers = normalizeTNs(nonEmpty(a.NotYetActivatedTelephoneNumbers))
	return a
}

// activationStatusBody is the body of PUT …/activationStatus.
type activationStatusBody struct {
	XMLName            xml.Name `xml:"ActivationStatus"`
	AutoActivationDate Time     `xml:"AutoActivationDate"`
}

// activateNowDate is the past date Bandwidth's documentation uses to mean "activate now".
var activateNowDate = time.Date(2000, time.February, 23, 0, 0, 0, 0, time.UTC)

func (c *Client) activationPath(orderID string) (string, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return "", err
	}
	return "/portins/" + id + "/activationStatus", nil
}

const routeActivation = "/portins/{id}/activationStatus"

// GetActivationStatus returns a port-in's activation state (GET /portins/{id}/activationStatus).
// Outside the activation window Bandwidth answers 400 (e.g. 7342); once activation is complete the
// resource is gone (404).
func (c *Client) GetActivationStatus(ctx context.Context, orderID string) (ActivationStatus, error) {
	path, err := c.activationPath(orderID)
	if err != nil {
		return ActivationStatus{}, err
	}
	var out activationStatusResponse
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: routeActivation, path: path, idempotent: true}, &out); err != nil {
		return ActivationStatus{}, err
	}
	return out.status(), nil
}

// SetActivationTime schedules activation of all the order's numbers at at (PUT
// /portins/{id}/activationStatus); a time in the past activates now. The method is PUT (an SDK
// once used POST, which Bandwidth refuses); setting the same time again is harmless, so the call
// is retried on retryable failures.
func (c *Client) SetActivationTime(ctx context.Context, orderID string, at time.Time) (ActivationStatus, error) {
	path, err := c.activationPath(orderID)
	if err != nil {
		return ActivationStatus{}, err
	}
	var out activationStatusResponse
	body := activationStatusBody{AutoActivationDate: NewTime(at)}
	if _, err := c.call(ctx, &request{method: http.MethodPut, route: routeActivation, path: path, body: body,
		idempotent: true}, &out); err != nil {
		return ActivationStatus{}, err
	}
	return out.status(), nil
}

// ActivateNow activates the order's numbers at once (SetActivationTime with a past date).
func (c *Client) ActivateNow(ctx context.Context, orderID string) (ActivationStatus, error) {
	return c.SetActivationTime(ctx, orderID, activateNowDate)
}
