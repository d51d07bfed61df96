package sandbox

import "time"

// Rule names a protocol rule a caller can break. The sandbox answers such a call as Bandwidth
// would (often successfully) and records a Violation, so tests can assert that a flow speaks
// the protocol correctly and not merely that it happens to work here.
type Rule string

// The rules the sandbox watches.
const (
	RuleAccept              Rule = "accept"                // Accept: application/xml missing or wrong
	RuleContentType         Rule = "content-type"          // XML body without Content-Type: application/xml
	RuleUnauthenticated     Rule = "unauthenticated"       // no, unknown, expired or wrong credentials
	RuleDuplicateCreate     Rule = "duplicate-create"      // create with a CustomerOrderId that has a live order
	RuleReadOnlyField       Rule = "read-only-field"       // server-only field echoed in a SUPP
	RuleProcessingStatus    Rule = "processing-status"     // ProcessingStatus other than SUBMITTED from DRAFT
	RuleLoaAuthorizerLength Rule = "loa-authorizer-length" // LoaAuthorizingPerson longer than 15 characters
	RuleRateLimit           Rule = "rate-limit"            // call before the group's X-RateLimit-Reset
	RuleActivationMethod    Rule = "activation-method"     // activationStatus via POST instead of PUT
	RuleIdleDraft           Rule = "idle-draft"            // a draft left untouched 48 h, purged at 09:00 UTC
	RuleQueryParameter      Rule = "query-parameter"       // misspelt query parameter (e.g. fullcheck)
)

// Violation is one call that broke a protocol rule.
type Violation struct {
	Time    time.Time `json:"time"`
	Request string    `json:"request"` // "POST /api/accounts/9900000/portins"
	Rule    Rule      `json:"rule"`
	Message string    `json:"message"`
}

func (s *Sandbox) violate(rc *reqCtx, rule Rule, message string) {
	s.mu.Lock()
	s.violationLocked(rc, rule, message)
	s.mu.Unlock()
}

func (s *Sandbox) violationLocked(rc *reqCtx, rule Rule, message string) {
	s.recordViolationLocked(rc.line, rule, message)
}

// recordViolationLocked records a violation found by the request line, or by a background
// run such as the draft purge (request then names the run).
func (s *Sandbox) recordViolationLocked(request string, rule Rule, message string) {
	s.violations = append(s.violations, Violation{Time: s.now(), Request: request, Rule: rule, Message: message})
	s.logf("sandbox: protocol violation %s: %s — %s", rule, request, message)
}

// Violations returns the recorded protocol violations, oldest first.
func (s *Sandbox) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}
