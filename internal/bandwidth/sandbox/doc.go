// Package sandbox is an in-process Bandwidth: an http.Handler that speaks Bandwidth's porting
// API (paths, XML shapes, statuses and error codes of PROTOCOL.md), drives orders through a
// time-compressed lifecycle, and sends real callbacks. It owns the simulated losing carriers,
// their hidden records, the order lifecycle, callback delivery, fault injection and the
// inspection endpoints. Tests, the demo (PORTFLOW_SANDBOX=true), docker-compose and the
// benchmarks use it in place of Bandwidth.
//
//	sb, err := sandbox.New(sandbox.Options{Step: 20 * time.Millisecond})
//	defer sb.Close()
//	srv := httptest.NewServer(sb.Handler())
//
// # Paths
//
// The Bandwidth API is served under /api/accounts/{accountId}/… (also /api/v1/… and /v1.0/…),
// the OAuth2 token endpoint at POST /api/v1/oauth2/token, and JSON inspection endpoints under
// /_sandbox/ (orders, callbacks, violations, faults, numbers/{tn}). Location headers and
// pagination links use Options.BaseURL, or the request's host and the prefix a reverse proxy
// (X-Forwarded-Prefix) or http.StripPrefix removed.
//
// # Number plan
//
// Everything about a number follows from its digits, so a test picks an outcome by picking a
// number (NumberFor does it for you; CarrierRecordFor reveals the carrier's record):
//
//	NPA NXX C S QQ     e.g. 919 200 0 0 07
//	│   │   │ │ └─ with NXX: sequence (NumberFor seq = (NXX-200)*100 + QQ)
//	│   │   │ └─── CSR outcome
//	│   │   └───── losing carrier
//	│   └───────── with QQ: sequence
//	└───────────── rate center
//
//	Area code (NPA)                   Rate center          Coverage
//	919 208 303 512 206 404           RALEIGH NC, …        on-net
//	217                               BEASON IL            off-net via Level 3 (every number: off-net carrier)
//	605                               ALSEN SD             not portable (7331)
//	800 833 844 855 866 877 888       toll-free            MANUAL_TOLLFREE port-ins (lnpchecker: unsupported)
//	any other                         borrows an on-net rate center
//
//	7th digit  Carrier                 SPID  PortType         Interval  Needs
//	0–3        CarrierWireline         7024  AUTOMATED        3 days    —
//	4–5        CarrierWirelineStrict   0121  AUTOMATED        5 days    an LOA before the carrier answers (else 7424)
//	6–8        CarrierWireless         6529  AUTOMATED        7 days    WirelessInfo AccountNumber + PinNumber
//	9          CarrierInternal         979E  INTERNAL         1 day     —
//	(NPA 217)  CarrierOffNet           1290  AUTOMATEDOFFNET  4 days    fullCheck=offnetportability to look portable
//	(TF NPAs)  CarrierTollFree         —     MANUAL_TOLLFREE  5 days    no BTN or Subscriber; an LOA (PDF/TIFF) to leave
//	                                                                  PENDING_DOCUMENTS; its CSR always fails (26500)
//
//	Numbers per port-in (checked on create/submit and per child on bulk submit, not on drafts):
//	AUTOMATED ≤ 999; INTERNAL, MANUALOFFNET, MANUAL_TOLLFREE ≤ 5000; AUTOMATEDOFFNET above 49
//	becomes MANUALOFFNET (Bandwidth's conversion), so ≤ 5000 too. Above: 7314.
//
//	8th digit  CSR outcome             GET /csrs/{id} after one step                    Notification
//	0–2        CSRComplete             COMPLETE, CsrData with parsed ServiceAddress     COMPLETE
//	3          CSRCompleteUnparsed     COMPLETE, ServiceAddress only UnparsedAddress    COMPLETE
//	4          CSRCompleteWithError    COMPLETE + Errors 26500, no usable CsrData       COMPLETE, Message "26500: …"
//	5          CSRActionRequired       ACTION_REQUIRED until a PUT supplies the         ACTION_REQUIRED, then COMPLETE
//	                                   account number (+ PIN for wireless)
//	6–9        CSRFailed               FAILED + Errors 26500                            FAILED
//
// So about 40% of numbers have a real-time CSR with data, as at Bandwidth. The carrier record
// (CarrierRecordFor) holds the true service address in the carrier's own spelling (upper case,
// USPS abbreviations), account number, PIN and customer name. A port-in is checked against the
// record of its BillingTelephoneNumber, so all numbers of one account share one record.
//
// # Lifecycle (one step = Options.Step)
//
//	CSR:      POST → RECEIVED (reply), PROCESSING → outcome after 1 step
//	Port-in:  POST → SUBMITTED → carrier answers after 2 steps → FOC (ActualFocDate) or EXCEPTION
//	          FOC → COMPLETE after 2 steps; a Triggered order waits in FOC for PUT activationStatus
//	          (a past time activates it 1 step later) or ActivationWaitSteps (its scheduled time)
//	SUPP:     PUT → REQUESTED_SUPP → carrier answers again after 2 steps
//	Toll-free: a draft is VALIDATE_DRAFT_TFNS, then VALID_DRAFT_TFNS (or INVALID_DRAFT_TFNS,
//	          7386) 1 step later and may be submitted only from there (7637); a bulk's
//	          toll-free child is a plain DRAFT. Submit → PENDING_DOCUMENTS until an LOA
//	          (PDF/TIFF, documentType LOA) is on it, then SUBMITTED 1 step later, FOC, COMPLETE
//	Cancel:   DELETE → REQUESTED_CANCEL → CANCELLED after 1 step (a draft is removed at once)
//	Bulk:     PUT tnList → VALIDATE_DRAFT_TNS → VALID/INVALID_DRAFT_TNS after 1 step, one draft
//	          child per losing carrier (toll-free: one for their RespOrg); PATCH IN_PROGRESS
//	          validates each attached draft child as a port-in and submits all or none; the
//	          bulk status follows the attached children only
//	Drafts:   untouched 48 h → deleted by the 09:00 UTC run and recorded as a RuleIdleDraft
//	          violation; idleness runs on the calendar (Now) plus IdlePerStep per step
//
// The carrier rejects (EXCEPTION, every code that applies) when the service address does not
// match its record after normalization (7402), the account number is wrong or, for the wireless
// carrier, missing (7401), the PIN is wrong or, for the wireless carrier, missing (7435), or the
// strict carrier has no LOA document (7424). Requests are validated first, with Bandwidth's
// error shapes: required fields (1003), limits (7324, 7354–7357, 7318), 7201 invalid numbers,
// 7205 a number already on a live order, 7331 rate center, one losing carrier per order (7495),
// no toll-free mixed with other numbers (7386), the port type's number limit (7314),
// 7212/7213 account number or PIN missing for the wireless carrier, and RequestedFocDate: 7207
// unreadable, 7208 not a business day (weekends, US federal holidays), 7209 before the
// carrier's minimum interval, 7210 more than 30 days out. Dates follow the real calendar
// (Options.Now); only delays are compressed. ActualFocDate is the requested date, or the
// earliest valid date at 11:30 ET when none was requested.
//
// # Callbacks
//
// For each notified state change (portins: PENDING_DOCUMENTS, SUBMITTED, FOC, REQUESTED_SUPP,
// COMPLETE, CANCELLED, EXCEPTION, REQUESTED_CANCEL; csrs: COMPLETE, FAILED, ACTION_REQUIRED;
// bulkPortins: DRAFT, IN_PROGRESS, NEEDS_ATTENTION, PARTIAL, COMPLETED, CANCELLED) every matching
// live callback subscription gets a <Notification>. A subscription without credentials gets one
// POST with the body. A subscription with Basic credentials first gets a POST without
// Authorization and without a body; only a 401 carrying WWW-Authenticate earns the second POST
// with credentials and the body. Anything but 200 is recorded in the subscription's <Status>
// and never retried. One subscription's callbacks for one order go out in order.
//
// # Faults and violations
//
// Faults (Options.Faults, SetFaults, PUT /_sandbox/faults) drop, duplicate or replay late
// (stale) a share of callbacks, add API latency, answer 500/504, answer 500 after a create
// succeeded, and answer 429 with X-RateLimit-Reset; all draws come from Options.Seed. Calls that
// break a protocol rule (see Rule) are answered as Bandwidth would and recorded as Violations.
package sandbox
