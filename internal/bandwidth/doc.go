// Package bandwidth is portflow's client for the parts of Bandwidth's Numbers ("Dashboard") XML
// API that port numbers in: callback subscriptions, the <Notification> callback body, the LNP
// checker, CSR orders, port-in orders (SUPP, cancel, history, notes, documents, on-demand
// activation, totals) and bulk port-ins. It owns the wire protocol — typed XML, authentication,
// timeouts, retries, rate limits and error classification — and knows nothing of portflow's own
// order states. Besides the standard library it imports only its address subpackage.
//
// # Transport
//
// A Client is built from a Config (New validates it) and shared by the whole process. Every call
// goes to BaseURL/accounts/{accountId}/…, sends Accept: application/xml (and Content-Type:
// application/xml with an XML body), names portflow and its version in User-Agent, and is bounded
// by its context's deadline and Config.RequestTimeout. Connections are reused.
//
// # Authentication
//
// OAuth2 client credentials (ClientID/ClientSecret against TokenURL) is the primary method: the
// bearer token is cached and replaced a minute before it expires, one token request at a time no
// matter how many calls wait for it, and a 401 triggers exactly one refresh-and-retry before the
// call fails with ClassAuth. Legacy HTTP Basic (Username/Password of an API user) is the fallback
// when no client credentials are configured. Bandwidth ends the creation of legacy API users on
// 2026-04-01 and their updates on 2026-07-01, and switches them off entirely on 2026-12-02: from
// then on only OAuth2 works.
//
// # Errors
//
// HTTP status alone does not say whether Bandwidth accepted a call, and errors come in many
// shapes (PROTOCOL.md §1.4). Every failed call returns a *Error with the HTTP status, every
// code/description pair and the numbers they concern, and a Class: ClassRetryable (timeouts,
// connection failures, 5xx, codes 1000/7000/7323), ClassRateLimited (429, with RetryAt from
// X-RateLimit-Reset), ClassPermanent (validation and business refusals), ClassNotFound, ClassAuth,
// ClassCanceled. IsRetryable, IsRateLimited, IsPermanent, IsNotFound, IsAuth, HasCode and RetryAt
// inspect any returned error. Requests Bandwidth would certainly reject are refused locally with
// an error wrapping ErrInvalidRequest (ClassPermanent).
//
// Errors inside a successful response are handled per endpoint, by what they mean:
//   - GetCsr returns the CsrResponse with a nil error and its Errors filled: 26500 ("CSR is not
//     available") arrives in a 200, with Status FAILED and also with COMPLETE. Use
//     CsrResponse.Unavailable and CsrResponse.Usable. A refused POST or PUT is a *Error.
//   - CreatePortIn returns the order when a 201 carries Errors and ProcessingStatus EXCEPTION:
//     the order exists and is fixed with SuppPortIn. GetPortIn and SuppPortIn likewise return the
//     order's Errors in LnpOrderResponse.Errors.
//   - CheckPortability returns per-number PortabilityErrors in the response.
//   - GetBulkTnList and GetBulkPortinList return per-number and per-child errors in the response.
//   - PortInHistory returns a *Error (Status 200, CodeHistoryNotSupported) for a draft's 7710.
//   - Everything else treats error codes in a 2xx body as a failed call.
//
// # Retries and rate limits
//
// Idempotent calls (GETs, the read-only LNP check, PUTs that carry full state) are retried on
// retryable failures with capped exponential backoff and jitter, up to Config.MaxRetries. Creates
// (POST) and SUPPs are never retried blindly, because a lost answer does not mean a lost order:
// FindPortInByCustomerOrderID and FindCsrByCustomerOrderID tell a caller whether an earlier
// attempt created the order. A 429 blocks its endpoint group (PORT_IN, BULK_PORT_IN,
// SUBSCRIPTION, SEARCH, HISTORY; PROTOCOL.md §9) until X-RateLimit-Reset: no call of the group is
// made before then. A call waits for the reset when it is within Config.MaxRateLimitWait and
// before its context's deadline, and otherwise fails with ClassRateLimited at once.
//
// # Decoding
//
// Responses are decoded leniently: elements in any order; one element or many into a slice;
// element-name casing drift (ActualFocDate/ActualFOCDate, TN/Tn, lastModifiedDate, userId,
// accountId) matched against the expected names; unknown elements ignored (CsrData keeps them in
// Other); booleans as Bool; dates as Time, which keeps the raw text and parses every format
// Bandwidth uses. Telephone numbers are normalized to 10 digits (NormalizeTN), whether they
// arrive in the LEGACY or the E164 form.
//
// # Addresses
//
// A CSR's service address (UnparsedAddress, maybe parts, State, Zip) and a port-in's
// ServiceAddress (parts, StateCode, Zip, PlusFour) differ in shape;
// CsrServiceAddress.PortInAddress maps one to the other, parsing UnparsedAddress with the address
// package when the parts are missing.
//
// # Observability
//
// Config.Observe receives a CallInfo for every attempt (route template such as
// "GET /portins/{id}", status, class, duration, attempt number) for metrics. The client never
// logs, and never puts credentials, tokens or bodies in CallInfo or errors. The request and
// response types are plain data and carry what Bandwidth sends, account numbers and PINs
// included (their JSON form too, so storing one loses nothing); redact before logging them. Only
// the callback password (BasicAuthentication.Password) is left out of JSON.
package bandwidth
