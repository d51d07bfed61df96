package orchestrator

import (
	"context"
	"slices"

	"github.com/portflow/portflow/internal/bandwidth"
	"github.com/portflow/portflow/internal/order"
)

// performBulk does the bulk port-in effects (order/flow_bulk.go); handled is false for any
// other effect.
func (o *Orchestrator) performBulk(ctx context.Context, e order.Effect) (ev order.Event, evd any, handled bool, err error) {
	switch e := e.(type) {
	case order.CreateBulkPortIn:
		ev, evd, err = o.createBulkPortIn(ctx, e)
	case order.PutBulkTnList:
		ev, evd, err = o.putBulkTnList(ctx, e)
	case order.CollectBulkChildren:
		ev, evd, err = o.collectBulkChildren(ctx, e)
	case order.PrepareDraft:
		ev, evd, err = o.prepareDraft(ctx, e)
	case order.DiscardDraft:
		// A draft DELETE removes it entirely; one already gone is what was wanted.
		if _, derr := o.bw.CancelPortIn(ctx, e.BandwidthOrderID); derr != nil && !refused(derr) && !bandwidth.IsNotFound(derr) {
			err = derr
		}
	case order.SubmitBulk:
		ev, evd, err = o.submitBulk(ctx, e)
	case order.FetchBulkPortIn:
		ev, evd, err = o.fetchBulkPortIn(ctx, e.BandwidthOrderID, "GET /bulkPortins/{id}")
	case order.DeleteBulkPortIn:
		// Drafts only: a bulk that is no longer a draft (7709) or is gone needs nothing more.
		if derr := o.bw.DeleteBulkPortin(ctx, e.BandwidthOrderID); derr != nil && !refused(derr) && !bandwidth.IsNotFound(derr) {
			err = derr
		}
	default:
		return nil, nil, false, nil
	}
	return ev, evd, true, err
}

func (o *Orchestrator) createBulkPortIn(ctx context.Context, e order.CreateBulkPortIn) (order.Event, any, error) {
	resp, err := o.bw.CreateBulkPortin(ctx, bandwidth.BulkPortin{
		CustomerOrderID:      e.Plan.CustomerOrderID,
		LoaAuthorizingPerson: e.Plan.LoaAuthorizingPerson,
		SiteID:               o.opts.SiteID,
		PeerID:               o.opts.PeerID,
		Subscriber:           subscriberOf(e.Plan.Subscriber, e.Plan.ServiceAddress),
	})
	if err != nil {
		if refused(err) {
			return order.BulkRejected{At: o.now(), Call: order.BulkCallCreate, Errors: bandwidthErrors(err)}, evidenceOf("POST /bulkPortins", "", "", err), nil
		}
		return nil, nil, err
	}
	return order.BulkCreated{At: o.now(), BandwidthOrderID: resp.OrderID}, evidence{Call: "POST /bulkPortins", OrderID: resp.OrderID, Status: resp.ProcessingStatus}, nil
}

func (o *Orchestrator) putBulkTnList(ctx context.Context, e order.PutBulkTnList) (order.Event, any, error) {
	resp, err := o.bw.PutBulkTnList(ctx, e.BandwidthOrderID, e.Numbers)
	if err != nil {
		if refused(err) {
			return order.BulkRejected{At: o.now(), Call: order.BulkCallTnList, Errors: bandwidthErrors(err)}, evidenceOf("PUT /bulkPortins/{id}/tnList", e.BandwidthOrderID, "", err), nil
		}
		return nil, nil, err
	}
	status := resp.ProcessingStatus
	if status == "" {
		status = order.BulkStatusValidating
	}
	return order.BulkValidated{At: o.now(), BandwidthOrderID: e.BandwidthOrderID, ProcessingStatus: status},
		evidence{Call: "PUT /bulkPortins/{id}/tnList", OrderID: e.BandwidthOrderID, Status: status}, nil
}

// collectBulkChildren reads the TN list's validation. Once it is valid, every child is detached
// from the bulk before the answer is reported: a child attached to a draft bulk cannot be
// supplemented (7717), and each child gets its own validated data before the submission.
func (o *Orchestrator) collectBulkChildren(ctx context.Context, e order.CollectBulkChildren) (order.Event, any, error) {
	resp, err := o.bw.GetBulkTnList(ctx, e.BandwidthOrderID)
	if err != nil {
		return nil, nil, err
	}
	ev := order.BulkValidated{At: o.now(), BandwidthOrderID: e.BandwidthOrderID, ProcessingStatus: resp.ProcessingStatus,
		Errors: detailsToErrors(resp.ErrorList)}
	for _, c := range resp.ChildPortinOrders {
		ev.Children = append(ev.Children, order.BulkChild{BandwidthOrderID: c.OrderID, Numbers: c.TnList})
	}
	if ev.ProcessingStatus == order.BulkStatusValid && len(ev.Children) > 0 {
		if err := o.bw.PutBulkPortinList(ctx, e.BandwidthOrderID, []string{}); err != nil {
			return nil, nil, err
		}
	}
	return ev, evidence{Call: "GET /bulkPortins/{id}/tnList", OrderID: e.BandwidthOrderID, Status: resp.ProcessingStatus, Errors: ev.Errors}, nil
}

// prepareDraft writes a child's whole port-in into its draft: a SUPP of the (detached) draft, or
// for a part split off a child, a draft of its own found by CustomerOrderId or created.
func (o *Orchestrator) prepareDraft(ctx context.Context, e order.PrepareDraft) (order.Event, any, error) {
	id := e.BandwidthOrderID
	call := "PUT /portins/{id}"
	if id == "" {
		found, ok, err := o.bw.FindPortInByCustomerOrderID(ctx, e.Plan.CustomerOrderID)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			id = found.OrderID
		} else {
			draft := o.lnpOrder(e.Plan)
			draft.ProcessingStatus = bandwidth.StatusDraft
			resp, err := o.bw.CreatePortIn(ctx, draft)
			if err != nil {
				if refused(err) {
					return order.DraftRejected{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf("POST /portins", "", "", err), nil
				}
				return nil, nil, err
			}
			return order.DraftPrepared{At: o.now(), PortOrder: e.PortOrder, BandwidthOrderID: resp.OrderID},
				evidence{Call: "POST /portins", OrderID: resp.OrderID, Status: resp.ProcessingStatus}, nil
		}
	}
	if _, err := o.bw.SuppPortIn(ctx, id, o.draftSupp(e.Plan)); err != nil {
		if refused(err) {
			return order.DraftRejected{At: o.now(), PortOrder: e.PortOrder, Errors: bandwidthErrors(err)}, evidenceOf(call, id, "", err), nil
		}
		return nil, nil, err
	}
	return order.DraftPrepared{At: o.now(), PortOrder: e.PortOrder, BandwidthOrderID: id}, evidence{Call: call, OrderID: id, Status: bandwidth.StatusDraft}, nil
}

// draftSupp is the whole port-in as a SUPP of a draft: every field the plan sets, the address
// replacing the bulk's default (ResetAddressFields), the numbers narrowing the child to the part
// portflow keeps in it.
func (o *Orchestrator) draftSupp(p order.PortInPlan) bandwidth.LnpOrderSupp {
	lo := o.lnpOrder(p)
	s := bandwidth.LnpOrderSupp{
		RequestedFocDate:       lo.RequestedFocDate,
		BillingTelephoneNumber: lo.BillingTelephoneNumber,
		SiteID:                 lo.SiteID,
		PeerID:                 lo.PeerID,
		Subscriber:             lo.Subscriber,
		LoaAuthorizingPerson:   lo.LoaAuthorizingPerson,
		WirelessInfo:           lo.WirelessInfo,
		ListOfPhoneNumbers:     lo.ListOfPhoneNumbers,
		PartialPort:            lo.PartialPort,
		Triggered:              lo.Triggered,
	}
	if s.Subscriber != nil {
		s.Subscriber.ServiceAddress.ResetAddressFields = true
	}
	return s
}

// submitBulk attaches the prepared children and submits the bulk. A bulk already submitted (a
// reissued job after a lost answer) counts as submitted. A refused submission detaches the
// children again, so the ones Bandwidth named can be corrected (a SUPP of an attached child is
// refused, 7717) and the others resubmitted.
func (o *Orchestrator) submitBulk(ctx context.Context, e order.SubmitBulk) (order.Event, any, error) {
	current, err := o.bw.GetBulkPortin(ctx, e.BandwidthOrderID)
	if err != nil {
		return nil, nil, err
	}
	if !isDraftBulk(current.ProcessingStatus) {
		return order.BulkSubmitted{At: o.now(), BandwidthOrderID: e.BandwidthOrderID, ProcessingStatus: current.ProcessingStatus, LastModified: current.LastModifiedDate.Time},
			evidence{Call: "GET /bulkPortins/{id}", OrderID: e.BandwidthOrderID, Status: current.ProcessingStatus}, nil
	}
	if err := o.bw.PutBulkPortinList(ctx, e.BandwidthOrderID, e.Children); err != nil {
		if refused(err) {
			return o.submitRejected(err, e.Children), evidenceOf("PUT /bulkPortins/{id}/portinList", e.BandwidthOrderID, "", err), nil
		}
		return nil, nil, err
	}
	resp, err := o.bw.SubmitBulkPortin(ctx, e.BandwidthOrderID)
	if err != nil {
		if refused(err) {
			if derr := o.bw.PutBulkPortinList(ctx, e.BandwidthOrderID, []string{}); derr != nil {
				return nil, nil, derr
			}
			return o.submitRejected(err, e.Children), evidenceOf("PATCH /bulkPortins/{id}", e.BandwidthOrderID, "", err), nil
		}
		return nil, nil, err
	}
	return order.BulkSubmitted{At: o.now(), BandwidthOrderID: e.BandwidthOrderID, ProcessingStatus: resp.ProcessingStatus, LastModified: resp.LastModifiedDate.Time},
		evidence{Call: "PATCH /bulkPortins/{id}", OrderID: e.BandwidthOrderID, Status: resp.ProcessingStatus}, nil
}

// submitRejected sorts Bandwidth's errors by the child they name (ErrorDetail.OrderID).
func (o *Orchestrator) submitRejected(err error, children []string) order.BulkSubmitRejected {
	ev := order.BulkSubmitRejected{At: o.now(), ChildErrors: map[string][]order.BandwidthError{}}
	for _, d := range bandwidth.Codes(err) {
		be := order.BandwidthError{Code: d.Code, Description: d.Description, Numbers: d.TNs}
		if slices.Contains(children, d.OrderID) {
			ev.ChildErrors[d.OrderID] = append(ev.ChildErrors[d.OrderID], be)
			continue
		}
		ev.Errors = append(ev.Errors, be)
	}
	if len(ev.Errors) == 0 && len(ev.ChildErrors) == 0 {
		ev.Errors = bandwidthErrors(err)
	}
	return ev
}

func isDraftBulk(status string) bool {
	switch status {
	case order.BulkStatusDraft, order.BulkStatusValidating, order.BulkStatusValid, order.BulkStatusInvalid, "":
		return true
	}
	return false
}

func (o *Orchestrator) fetchBulkPortIn(ctx context.Context, id, call string) (order.Event, any, error) {
	resp, err := o.bw.GetBulkPortin(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return order.BulkObserved{At: o.now(), BandwidthOrderID: id, ProcessingStatus: resp.ProcessingStatus, LastModified: resp.LastModifiedDate.Time},
		evidence{Call: call, OrderID: id, Status: resp.ProcessingStatus}, nil
}
