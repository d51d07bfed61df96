package orchestrator

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/bandwidth/address"
	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/secrets"
)

// evidence is what the timeline keeps of a Bandwidth answer: enough for an operator to see what
// Bandwidth said, never a PIN, account number or whole payload.
type evidence struct {
	Call             string                 `json:"call"`
	OrderID          string                 `json:"order_id,omitempty"`
	Status           string                 `json:"status,omitempty"`
	Errors           []order.BandwidthError `json:"errors,omitempty"`
	ActualFocDate    string                 `json:"actual_foc_date,omitempty"`
	CompletedNumbers int                    `json:"completed_numbers,omitempty"`
}

// perform does one effect against Bandwidth, outside any transaction, and returns the event it
// produced (nil when none is due). A retryable failure comes back as an error (the job retries);
// a refusal by Bandwidth (4xx) comes back as the matching *Rejected/*Refused event.
func (o *Orchestrator) perform(ctx context.Context, requestID string, e order.Effect) (order.Event, any, error) {
	if ev, evd, handled, err := o.performBulk(ctx, e); handled {
		return ev, evd, err
	}
	switch e := e.(type) {
	case order.CheckPortability:
		return o.checkPortability(ctx, e)
	case order.CreateCsr:
		return o.createCsr(ctx, requestID, e)
	case order.FetchCsr:
		return o.fetchCsr(ctx, requestID, e.PortOrder, e.CsrOrderID, "GET /csrs/{id}")
	case order.UpdateCsr:
		if _, err := o.bw.UpdateCsr(ctx, e.CsrOrderID, csrRequest(e.Plan)); err != nil {
			if refused(err) {
				return order.CsrRejected{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf("PUT /csrs/{id}", e.CsrOrderID, "", err), nil
			}
			return nil, nil, err
		}
		return o.fetchCsr(ctx, requestID, e.PortOrder, e.CsrOrderID, "PUT /csrs/{id}")
	case order.CancelCsr:
		if _, err := o.bw.CancelCsr(ctx, e.CsrOrderID); err != nil && !refused(err) && !bandwidth.IsNotFound(err) {
			return nil, nil, err
		}
		return nil, nil, nil // best effort: a CSR that cannot be cancelled is already finished
	case order.CreatePortIn:
		return o.createPortIn(ctx, e)
	case order.UploadDocuments:
		return o.uploadDocuments(ctx, e)
	case order.FetchPortIn:
		return o.fetchPortIn(ctx, e.PortOrder, e.BandwidthOrderID, "GET /portins/{id}")
	case order.SuppPortIn:
		supp := o.suppRequest(e.Plan)
		if _, err := o.bw.SuppPortIn(ctx, e.BandwidthOrderID, supp); err != nil {
			if refused(err) {
				return order.SuppRejected{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf("PUT /portins/{id}", e.BandwidthOrderID, "", err), nil
			}
			return nil, nil, err
		}
		// The SUPP reply's status is not reliable (parts of a SUPP are asynchronous): read it.
		return o.fetchPortIn(ctx, e.PortOrder, e.BandwidthOrderID, "PUT /portins/{id}")
	case order.ActivatePortIn:
		var err error
		if e.At.IsZero() || !e.At.After(o.now()) {
			_, err = o.bw.ActivateNow(ctx, e.BandwidthOrderID)
		} else {
			_, err = o.bw.SetActivationTime(ctx, e.BandwidthOrderID, e.At)
		}
		if err != nil {
			if refused(err) {
				return order.ActivationRefused{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf("PUT /portins/{id}/activationStatus", e.BandwidthOrderID, "", err), nil
			}
			return nil, nil, err
		}
		return o.fetchPortIn(ctx, e.PortOrder, e.BandwidthOrderID, "PUT /portins/{id}/activationStatus")
	case order.CancelPortIn:
		if _, err := o.bw.CancelPortIn(ctx, e.BandwidthOrderID); err != nil {
			if refused(err) {
				return order.CancelRefused{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf("DELETE /portins/{id}", e.BandwidthOrderID, "", err), nil
			}
			return nil, nil, err
		}
		return o.fetchPortIn(ctx, e.PortOrder, e.BandwidthOrderID, "DELETE /portins/{id}")
	default:
		return nil, nil, fmt.Errorf("effect %s cannot be performed by a worker", e.Kind())
	}
}

// refused reports a Bandwidth answer that retrying cannot change (a 4xx validation refusal).
func refused(err error) bool { return bandwidth.IsPermanent(err) }

// lnpCheckBatch is how many numbers one portability check asks about. Bandwidth documents a
// "too many TNs" error (7314) without the limit; a bulk request checks up to 20,000 numbers in
// batches of this size.
const lnpCheckBatch = 1000

func (o *Orchestrator) checkPortability(ctx context.Context, e order.CheckPortability) (order.Event, any, error) {
	ev := order.PortabilityChecked{At: o.now()}
	var portType string
	for batch := range slices.Chunk(e.Numbers, lnpCheckBatch) {
		resp, err := o.bw.CheckPortability(ctx, bandwidth.FullCheckOffNet, batch...)
		if err != nil {
			if refused(err) {
				return order.PortabilityRejected{At: o.now(), Errors: bandwidthErrors(err)}, evidenceOf("POST /lnpchecker", "", "", err), nil
			}
			return nil, nil, err
		}
		o.portabilityOf(resp, batch, &ev)
		portType = resp.PortType
	}
	return ev, evidence{Call: "POST /lnpchecker", Status: portType}, nil
}

// portabilityOf adds one portability answer's numbers to ev.
func (o *Orchestrator) portabilityOf(resp bandwidth.NumberPortabilityResponse, numbers []string, ev *order.PortabilityChecked) {
	for _, tn := range numbers {
		if errs := resp.ErrorsFor(tn); len(errs) > 0 {
			ev.NotPortable = append(ev.NotPortable, order.NumberFailure{TN: tn, Code: errs[0].Code, Reason: errs[0].Description})
			continue
		}
		portability, rc := resp.PortabilityOf(tn)
		carrier, supported, known := resp.LosingCarrierOf(tn)
		switch {
		case portability == bandwidth.NotPortable:
			reason := "the number's rate center is not served by Bandwidth"
			if rc.RateCenter != "" {
				reason = fmt.Sprintf("rate center %s (%s) is not served by Bandwidth", rc.RateCenter, rc.State)
			}
			ev.NotPortable = append(ev.NotPortable, order.NumberFailure{TN: tn, Code: "7331", Reason: reason})
		case known && !supported:
			ev.NotPortable = append(ev.NotPortable, order.NumberFailure{TN: tn, Code: "unsupported_losing_carrier",
				Reason: fmt.Sprintf("Bandwidth does not port from %s (SPID %s)", carrier.Name, carrier.SPID)})
		default:
			ev.Portable = append(ev.Portable, order.PortableNumber{
				TN: tn,
				Carrier: order.Carrier{
					SPID: carrier.SPID, Name: carrier.Name, IsWireless: bool(carrier.IsWireless),
					AccountNumberRequired: bool(carrier.AccountNumberRequired), MinimumPortingIntervalDays: carrier.MinimumPortingInterval,
				},
				PortType: portTypeOf(resp.PortType, portability, rc, carrier),
			})
		}
	}
}

// internalSPID is Bandwidth's own SPID: numbers already on Bandwidth move as INTERNAL ports.
const internalSPID = "979E"

// portTypeOf derives a number's port type: the response's PortType when it names one type, else
// from which rate-center list holds the number (PROTOCOL §5.7).
func portTypeOf(responseType string, p bandwidth.Portability, rc bandwidth.RateCenterGroup, c bandwidth.LosingCarrier) string {
	if responseType != "" && responseType != "MIXED" {
		return responseType
	}
	switch {
	case strings.EqualFold(c.SPID, internalSPID):
		return order.PortTypeInternal
	case p == bandwidth.PortableOffNet && bool(rc.AutomatedPort):
		return order.PortTypeAutomatedOffNet
	case p == bandwidth.PortableOffNet:
		return order.PortTypeManualOffNet
	default:
		return order.PortTypeAutomated
	}
}

func (o *Orchestrator) createCsr(ctx context.Context, requestID string, e order.CreateCsr) (order.Event, any, error) {
	r, err := o.requests.GetHeader(ctx, requestID)
	if err != nil {
		return nil, nil, err
	}
	// Rule: look up by CustomerOrderId before creating, so a crash between "created" and
	// "recorded" never makes a second CSR order.
	found, ok, err := o.bw.FindCsrByCustomerOrderID(ctx, e.Plan.CustomerOrderID, r.CreatedAt.Add(-time.Hour))
	if err != nil {
		return nil, nil, err
	}
	if ok {
		return order.CsrCreated{At: o.now(), PortOrder: e.PortOrder, CsrOrderID: found.OrderID}, evidence{Call: "GET /csrs", OrderID: found.OrderID, Status: found.Status}, nil
	}
	resp, err := o.bw.CreateCsr(ctx, csrRequest(e.Plan))
	if err != nil {
		if refused(err) {
			return order.CsrRejected{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf("POST /csrs", "", "", err), nil
		}
		return nil, nil, err
	}
	return order.CsrCreated{At: o.now(), PortOrder: e.PortOrder, CsrOrderID: resp.OrderID}, evidence{Call: "POST /csrs", OrderID: resp.OrderID, Status: resp.Status}, nil
}

func (o *Orchestrator) fetchCsr(ctx context.Context, requestID, portOrder, csrOrderID, call string) (order.Event, any, error) {
	resp, err := o.bw.GetCsr(ctx, csrOrderID)
	if err != nil {
		return nil, nil, err
	}
	r, err := o.requests.GetHeader(ctx, requestID)
	if err != nil {
		return nil, nil, err
	}
	ev := order.CsrObserved{
		At: o.now(), PortOrder: portOrder, CsrOrderID: csrOrderID, Status: resp.Status,
		Errors: detailsToErrors(resp.Errors), LastModified: resp.LastModifiedDate.Time,
	}
	if d := resp.CsrData; d != nil && (d.ServiceAddress != nil || d.CustomerName != "" || d.AccountNumber != "") {
		data := &order.CsrData{
			CustomerName:   d.CustomerName,
			AccountNumber:  order.Secret(d.AccountNumber),
			WorkingNumbers: d.WorkingTelephoneNumbersOnAccount,
		}
		if sa := d.ServiceAddress; sa != nil {
			data.UnparsedAddress = sa.UnparsedAddress
			if csrAddr, err := sa.Address(); err == nil {
				data.Address = partsOf(csrAddr)
				ev.Differences = compareWithCustomer(r, csrAddr, d)
			}
		}
		ev.Data = data
	}
	return ev, evidence{Call: call, OrderID: csrOrderID, Status: resp.Status, Errors: ev.Errors}, nil
}

// compareWithCustomer lists where the customer's input and the carrier's record disagree, after
// normalization. Account numbers are compared but never shown.
func compareWithCustomer(r order.PortRequest, csrAddr address.Address, d *bandwidth.CsrData) []order.FieldDifference {
	var diffs []order.FieldDifference
	for _, df := range address.Compare(addressOf(r.ServiceAddressParts), csrAddr) {
		diffs = append(diffs, order.FieldDifference{Field: "service_address." + snake(df.Field), Customer: df.A, Csr: df.B})
	}
	if name := r.Subscriber.DisplayName(); d.CustomerName != "" && !sameName(name, d.CustomerName) {
		diffs = append(diffs, order.FieldDifference{Field: "subscriber.name", Customer: name, Csr: d.CustomerName})
	}
	if acct := r.AccountNumber.Reveal(); acct != "" && d.AccountNumber != "" && normalizeAccount(acct) != normalizeAccount(d.AccountNumber) {
		diffs = append(diffs, order.FieldDifference{Field: "account_number", Customer: secrets.Mask(acct), Csr: secrets.Mask(d.AccountNumber)})
	}
	return diffs
}

func (o *Orchestrator) createPortIn(ctx context.Context, e order.CreatePortIn) (order.Event, any, error) {
	// Rule: look up by CustomerOrderId before creating (a 500 after a successful create, or a
	// crash before recording the id, must not become a second port-in).
	found, ok, err := o.bw.FindPortInByCustomerOrderID(ctx, e.Plan.CustomerOrderID)
	if err != nil {
		return nil, nil, err
	}
	if ok {
		resp, err := o.bw.GetPortIn(ctx, found.OrderID)
		if err != nil {
			return nil, nil, err
		}
		return order.PortInCreated{At: o.now(), PortOrder: e.PortOrder, BandwidthOrderID: found.OrderID, ProcessingStatus: resp.ProcessingStatus,
				Errors: detailsToErrors(resp.Errors), LastModified: resp.LastModifiedDate.Time},
			evidence{Call: "GET /portins?customerOrderId", OrderID: found.OrderID, Status: resp.ProcessingStatus}, nil
	}
	resp, err := o.bw.CreatePortIn(ctx, o.lnpOrder(e.Plan))
	if err != nil {
		if refused(err) {
			return order.PortInRejected{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf("POST /portins", "", "", err), nil
		}
		return nil, nil, err
	}
	return order.PortInCreated{At: o.now(), PortOrder: e.PortOrder, BandwidthOrderID: resp.OrderID, ProcessingStatus: resp.ProcessingStatus,
			Errors: detailsToErrors(resp.Errors), LastModified: resp.LastModifiedDate.Time},
		evidence{Call: "POST /portins", OrderID: resp.OrderID, Status: resp.ProcessingStatus, Errors: detailsToErrors(resp.Errors)}, nil
}

func (o *Orchestrator) fetchPortIn(ctx context.Context, portOrder, orderID, call string) (order.Event, any, error) {
	resp, err := o.bw.GetPortIn(ctx, orderID)
	if err != nil {
		return nil, nil, err
	}
	ev := order.PortInObserved{
		At: o.now(), PortOrder: portOrder, BandwidthOrderID: orderID, ProcessingStatus: resp.ProcessingStatus,
		ActualFocDate: resp.ActualFocDate.Time, Errors: detailsToErrors(resp.Errors), LastModified: resp.LastModifiedDate.Time,
	}
	if resp.ProcessingStatus == bandwidth.StatusComplete {
		ev.CompletedNumbers = resp.ListOfPhoneNumbers
	}
	evd := evidence{Call: call, OrderID: orderID, Status: resp.ProcessingStatus, Errors: ev.Errors, CompletedNumbers: len(ev.CompletedNumbers)}
	if !ev.ActualFocDate.IsZero() {
		evd.ActualFocDate = resp.ActualFocDate.String()
	}
	return ev, evd, nil
}

func (o *Orchestrator) uploadDocuments(ctx context.Context, e order.UploadDocuments) (order.Event, any, error) {
	docs, err := o.requests.Documents(ctx, e.DocumentIDs)
	if err != nil {
		return nil, nil, err
	}
	// Uploads are at-least-once: a job retried after a crash between the upload and the recording
	// of DocumentsUploaded sends the file again. Bandwidth keeps both copies, which is harmless;
	// Bandwidth names uploaded files itself, so there is no name to recognize an earlier copy by.
	for _, d := range docs {
		if _, err := o.bw.UploadDocument(ctx, e.BandwidthOrderID, bandwidth.Document{Body: d.Content, ContentType: d.ContentType, Type: d.DocumentType}); err != nil {
			if refused(err) {
				return order.DocumentsRejected{At: o.now(), PortOrder: e.PortOrder, DocumentIDs: e.DocumentIDs, Errors: bandwidthErrors(err)},
					evidenceOf("POST /portins/{id}/loas", e.BandwidthOrderID, "", err), nil
			}
			return nil, nil, err
		}
	}
	return order.DocumentsUploaded{At: o.now(), PortOrder: e.PortOrder, DocumentIDs: e.DocumentIDs},
		evidence{Call: "POST /portins/{id}/loas", OrderID: e.BandwidthOrderID}, nil
}

func evidenceOf(call, orderID, status string, err error) evidence {
	return evidence{Call: call, OrderID: orderID, Status: status, Errors: bandwidthErrors(err)}
}

// bandwidthErrors turns a failed call into the domain's error list (the message when Bandwidth
// gave no code).
func bandwidthErrors(err error) []order.BandwidthError {
	errs := detailsToErrors(bandwidth.Codes(err))
	if len(errs) == 0 {
		errs = []order.BandwidthError{{Code: "", Description: err.Error()}}
	}
	return errs
}

func detailsToErrors(l bandwidth.ErrorList) []order.BandwidthError {
	var out []order.BandwidthError
	for _, d := range l {
		out = append(out, order.BandwidthError{Code: d.Code, Description: d.Description, Numbers: d.TNs})
	}
	return out
}
