package orchestrator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/store"
)

// ErrIdempotencyConflict means an Idempotency-Key was reused with a different request body.
var ErrIdempotencyConflict = errors.New("this Idempotency-Key was already used with a different request body")

// ErrNotFound means no port request has the given id.
var ErrNotFound = store.ErrNotFound

// NewRequest is what a caller submits to start a port request (order.Intake without the parts
// portflow fills in itself: the id, the parsed address and the policy).
type NewRequest struct {
	CustomerOrderID      string
	Numbers              []string
	BillingNumber        string
	Subscriber           order.Subscriber
	ServiceAddress       order.Address
	AccountNumber        order.Secret
	PIN                  order.Secret
	LoaAuthorizingPerson string
	FocWish              *order.Date
	Activation           order.Activation
	// NumberAccounts holds the numbers' own accounts at the losing carrier, by number.
	NumberAccounts map[string]order.NumberAccount
	// IdempotencyKey, when set, makes a retried submission return the first request; BodyHash
	// identifies the submission so a reused key with another body is refused.
	IdempotencyKey string
	BodyHash       []byte
}

// Create validates and stores a new port request and starts its flow, all in one transaction.
// created is false when an Idempotency-Key replay returned an earlier request.
func (o *Orchestrator) Create(ctx context.Context, in NewRequest) (r order.PortRequest, created bool, err error) {
	id, err := uuid.NewV7()
	if err != nil {
		return order.PortRequest{}, false, fmt.Errorf("new request id: %w", err)
	}
	intake := order.Intake{
		ID: id.String(), CustomerOrderID: in.CustomerOrderID, Numbers: in.Numbers, BillingNumber: in.BillingNumber,
		Subscriber: in.Subscriber, ServiceAddress: in.ServiceAddress, AccountNumber: in.AccountNumber, PIN: in.PIN,
		LoaAuthorizingPerson: in.LoaAuthorizingPerson, FocWish: in.FocWish, Activation: in.Activation,
		NumberAccounts: in.NumberAccounts,
		Policy:         order.Policy{OnCsrFailure: o.opts.CsrFailurePolicy, CsrTimeout: o.opts.CsrTimeout},
	}
	parts, perr := ParseCustomerAddress(in.ServiceAddress)
	if perr == nil {
		intake.ServiceAddressParts = parts
	}
	now := o.now()
	newReq, err := order.NewPortRequest(intake, now)
	if perr != nil {
		verr := &order.ValidationError{}
		if errors.As(err, &verr) {
			verr.Problems = append(verr.Problems, order.FieldProblem{Pointer: "/service_address/line1", Code: "unparseable", Message: perr.Error()})
			return order.PortRequest{}, false, verr
		}
		return order.PortRequest{}, false, &order.ValidationError{Problems: []order.FieldProblem{{Pointer: "/service_address/line1", Code: "unparseable", Message: perr.Error()}}}
	}
	if err != nil {
		return order.PortRequest{}, false, err
	}
	dec, err := order.Decide(newReq, order.Accepted{At: now})
	if err != nil {
		return order.PortRequest{}, false, err
	}
	o.scaleSchedule(newReq, &dec, now)
	for attempt := 0; attempt < 2; attempt++ {
		r, created, err = o.insert(ctx, in, dec)
		if !errors.Is(err, store.ErrConflict) {
			break
		}
		// Another submission with the same Idempotency-Key committed first: the next attempt
		// finds it and replays it.
	}
	if err != nil {
		return order.PortRequest{}, false, err
	}
	if created {
		o.metrics.transitions.WithLabelValues(string(r.Status)).Inc()
	}
	return r, created, nil
}

func (o *Orchestrator) insert(ctx context.Context, in NewRequest, dec order.Decision) (order.PortRequest, bool, error) {
	var (
		out     order.PortRequest
		created bool
	)
	err := o.db.InTx(ctx, func(tx pgx.Tx) error {
		if in.IdempotencyKey != "" {
			prior, err := o.requests.FindIdempotencyKey(ctx, tx, in.IdempotencyKey)
			switch {
			case err == nil:
				if !bytes.Equal(prior.RequestHash, in.BodyHash) {
					return ErrIdempotencyConflict
				}
				out, err = o.requests.Lock(ctx, tx, prior.RequestID)
				return err
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		r := dec.Request
		if err := o.requests.Insert(ctx, tx, r); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			if err := o.requests.InsertIdempotencyKey(ctx, tx, in.IdempotencyKey, in.BodyHash, r.ID); err != nil {
				return err
			}
		}
		entries := append([]order.Entry{{At: r.CreatedAt, From: "", To: string(order.StatusReceived), Cause: order.KindAccepted, Detail: "request received"}}, dec.Timeline...)
		if err := o.requests.AppendTimeline(ctx, tx, r.ID, entries, string(originOperator), nil); err != nil {
			return err
		}
		if err := o.enqueue(ctx, tx, r.ID, dec.Effects, originFlow, time.Time{}); err != nil {
			return err
		}
		out, created = r, true
		return nil
	})
	return out, created, err
}

// Get returns a request.
func (o *Orchestrator) Get(ctx context.Context, id string) (order.PortRequest, error) {
	if _, err := uuid.Parse(id); err != nil {
		return order.PortRequest{}, fmt.Errorf("request %q: %w", id, store.ErrNotFound)
	}
	return o.requests.Get(ctx, id)
}

// Correct applies an operator's correction (resolving an action_required).
func (o *Orchestrator) Correct(ctx context.Context, id string, c order.Corrected) (order.PortRequest, error) {
	c.At = o.now()
	if c.ServiceAddress != nil && c.ServiceAddressParts == nil {
		parts, err := ParseCustomerAddress(*c.ServiceAddress)
		if err != nil {
			return order.PortRequest{}, &order.ValidationError{Problems: []order.FieldProblem{{Pointer: "/service_address/line1", Code: "unparseable", Message: err.Error()}}}
		}
		c.ServiceAddressParts = &parts
	}
	return o.command(ctx, id, c)
}

// Cancel asks Bandwidth to cancel every live port-in and CSR of the request.
func (o *Orchestrator) Cancel(ctx context.Context, id, reason string) (order.PortRequest, error) {
	return o.command(ctx, id, order.CancelRequested{At: o.now(), Reason: reason})
}

// Activate activates an on-demand request's numbers now. Bandwidth decides whether the FOC day's
// activation window is open: its GET activationStatus answers 7342 when it is not, and that
// answer is returned to the operator as a refusal before anything changes.
func (o *Orchestrator) Activate(ctx context.Context, id string) (order.PortRequest, error) {
	r, err := o.Get(ctx, id)
	if err != nil {
		return order.PortRequest{}, err
	}
	for _, po := range r.Orders {
		if po.Status != order.OrderFoc || po.BandwidthOrderID == "" || po.Submitted == nil || !po.Submitted.Triggered {
			continue
		}
		if _, err := o.bw.GetActivationStatus(ctx, po.BandwidthOrderID); err != nil {
			if refused(err) {
				return order.PortRequest{}, &order.RejectedError{Code: order.RejectActivationNotYet,
					Message: fmt.Sprintf("Bandwidth does not allow activating port order %s now: %s", po.ID, describeErrors(bandwidthErrors(err)))}
			}
			return order.PortRequest{}, err
		}
	}
	return o.command(ctx, id, order.ActivationRequested{At: o.now()})
}

func describeErrors(errs []order.BandwidthError) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.String()
	}
	return strings.Join(parts, "; ")
}

func (o *Orchestrator) command(ctx context.Context, id string, ev order.Event) (order.PortRequest, error) {
	if _, err := uuid.Parse(id); err != nil {
		return order.PortRequest{}, fmt.Errorf("request %q: %w", id, store.ErrNotFound)
	}
	dec, err := o.apply(ctx, id, ev, originOperator, nil)
	if err != nil {
		return order.PortRequest{}, err
	}
	return dec.Request, nil
}

// NewDocument is a customer document for a request's port-ins.
type NewDocument struct {
	// Type is LOA, INVOICE, CSR or OTHER.
	Type        string
	ContentType string
	FileName    string
	Content     []byte
}

// AddDocument stores a document and hands it to the flow, in one transaction: it is uploaded to
// every live port-in (and resolves a port order waiting for documents). The document is stored
// only if the request can still use it.
func (o *Orchestrator) AddDocument(ctx context.Context, id string, doc NewDocument) (order.PortRequest, string, error) {
	if _, err := uuid.Parse(id); err != nil {
		return order.PortRequest{}, "", fmt.Errorf("request %q: %w", id, store.ErrNotFound)
	}
	docID, err := uuid.NewV7()
	if err != nil {
		return order.PortRequest{}, "", err
	}
	dec, err := o.applyWith(ctx, id, order.DocumentsAdded{At: o.now(), Documents: []string{docID.String()}}, originOperator, applyOpts{
		evidence: map[string]any{"document_id": docID.String(), "type": doc.Type, "content_type": doc.ContentType, "size_bytes": len(doc.Content)},
		inTx: func(ctx context.Context, tx pgx.Tx, _ order.Decision) error {
			return o.requests.InsertDocument(ctx, tx, store.Document{
				ID: docID.String(), RequestID: id, DocumentType: doc.Type, ContentType: doc.ContentType,
				FileName: doc.FileName, Content: doc.Content,
			})
		},
	})
	if err != nil {
		return order.PortRequest{}, "", err
	}
	return dec.Request, docID.String(), nil
}
