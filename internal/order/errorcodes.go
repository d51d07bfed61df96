package order

import (
	"fmt"
	"strings"
)

// ErrorClass groups Bandwidth error codes by what fixes them.
type ErrorClass string

// Error classes, in the order their sentences appear when several apply at once.
const (
	ClassAddressName    ErrorClass = "address_name"
	ClassAccountNumber  ErrorClass = "account_number"
	ClassPIN            ErrorClass = "pin"
	ClassAccountAndPIN  ErrorClass = "account_and_pin"
	ClassBillingNumber  ErrorClass = "billing_number"
	ClassAuthorizer     ErrorClass = "authorizer"
	ClassDocuments      ErrorClass = "documents"
	ClassPartialPort    ErrorClass = "partial_port"
	ClassFocDate        ErrorClass = "foc_date"
	ClassNumberConflict ErrorClass = "number_conflict"
	ClassEndUser        ErrorClass = "end_user"
	ClassNotPortable    ErrorClass = "not_portable"
	ClassUnknown        ErrorClass = "unknown"
	// ClassRetryLater: Bandwidth or the carrier is busy; the same request succeeds later.
	ClassRetryLater ErrorClass = "retry_later"
	// ClassInformational: a warning that needs no action (e.g. 7388 "name truncated").
	ClassInformational ErrorClass = "informational"
)

// ErrorClasses lists the classes in presentation order.
var ErrorClasses = []ErrorClass{
	ClassAddressName, ClassAccountNumber, ClassPIN, ClassAccountAndPIN, ClassBillingNumber,
	ClassAuthorizer, ClassDocuments, ClassPartialPort, ClassFocDate, ClassNumberConflict,
	ClassEndUser, ClassNotPortable, ClassUnknown, ClassRetryLater, ClassInformational,
}

// classInfo is what an operator is told and asked for, per class.
type classInfo struct {
	action      string
	fields      []string
	confirmable bool
	sentence    string
}

var classes = map[ErrorClass]classInfo{
	ClassAddressName: {
		action: "address_or_name_rejected", fields: []string{FieldServiceAddress, FieldSubscriber},
		sentence: "The losing carrier rejected the service address or subscriber name: supply both exactly as on the customer's bill from that carrier.",
	},
	ClassAccountNumber: {
		action: "account_number_rejected", fields: []string{FieldAccountNumber},
		sentence: "The losing carrier rejected the account number: supply the account number exactly as it appears on the customer's bill.",
	},
	ClassPIN: {
		action: "pin_rejected", fields: []string{FieldPIN},
		sentence: "The losing carrier rejected the PIN/passcode: supply the port-out PIN the customer set up with that carrier.",
	},
	ClassAccountAndPIN: {
		action: "account_or_pin_rejected", fields: []string{FieldAccountNumber, FieldPIN},
		sentence: "The losing carrier rejected or is missing the account number and PIN: supply both as they are on the customer's account.",
	},
	ClassBillingNumber: {
		action: "billing_number_rejected", fields: []string{FieldBillingNumber},
		sentence: "The losing carrier rejected the billing telephone number: supply the main billing number of the customer's account.",
	},
	ClassAuthorizer: {
		action: "authorizer_rejected", fields: []string{FieldLoaAuthorizingPerson},
		sentence: "The losing carrier rejected the authorizing person: supply the name of the person authorized on the account, as on the signed LOA.",
	},
	ClassDocuments: {
		action: "documents_required", fields: []string{FieldDocuments},
		sentence: "The losing carrier asks for a signed letter of authorization (or a bill copy) dated within 30 days: upload it.",
	},
	ClassPartialPort: {
		action: "partial_port_rejected", confirmable: true,
		sentence: "The losing carrier disputes the full/partial port indicator or the numbers left on the account: check which numbers on the account should port, then confirm to resubmit or cancel.",
	},
	ClassFocDate: {
		action: "foc_date_rejected", fields: []string{FieldRequestedFocDate},
		sentence: "The requested port date cannot be met: supply a later FOC date, at least 3 business days out.",
	},
	ClassNumberConflict: {
		action: "numbers_in_conflict", confirmable: true,
		sentence: "One or more numbers are on another pending order: have that order cancelled (by its owner or the customer with the losing carrier), then confirm to resubmit.",
	},
	ClassEndUser: {
		action: "end_user_action_required", confirmable: true,
		sentence: "The losing carrier reports something only the customer can resolve with them (a port freeze, an inactive account, a feature on the line): have the customer resolve it, then confirm to resubmit.",
	},
	ClassNotPortable: {
		action: "not_portable", confirmable: true,
		sentence: "The numbers are reported as not portable: check them with the customer, then cancel the request or confirm to retry.",
	},
	ClassUnknown: {
		action: "unknown_rejection", confirmable: true,
		sentence: "Bandwidth rejected the port for a reason portflow cannot fix on its own: correct the data the codes below point at (or settle it with Bandwidth support), then confirm to resubmit.",
	},
	ClassRetryLater: {
		sentence: "Bandwidth or the losing carrier asked to try again later; portflow retries on its own.",
	},
	ClassInformational: {
		sentence: "Bandwidth reported a warning that needs no action.",
	},
}

// errorCodes maps Bandwidth error codes to classes (PROTOCOL §8 and Bandwidth's error list).
// Codes not listed are ClassUnknown: the operator sees them with their description.
var errorCodes = map[string]ErrorClass{}

func init() {
	add := func(class ErrorClass, codes ...string) {
		for _, c := range codes {
			if _, dup := errorCodes[c]; dup {
				panic("order: error code " + c + " classified twice")
			}
			errorCodes[c] = class
		}
	}
	// Carrier and validation rejections of the address or the name, and the vendor equivalents.
	add(ClassAddressName,
		"7402", "7404", "7408", "7414", "7422", "7429", "7463",
		"7105", "7107", "7108", "7109", "7110", "7111", "7112",
		"7211", "7214", "7324", "7329", "7330", "7354", "7355", "7356", "7395",
		"6203", "6214", "6215", "6216", "6218", "6219", "6220", "6225", "6226", "6227", "6237",
		"6463", "6487", "6507", "6543", "6544", "6545", "6566")
	add(ClassAccountNumber, "7401", "7212", "7114", "7465")
	add(ClassPIN, "7435", "7213", "7117", "7467", "6518")
	add(ClassAccountAndPIN, "7113", "6207", "6208", "6514", "6515", "6516", "6517")
	add(ClassBillingNumber, "7445", "7103", "7203", "6493", "6536", "6568", "6570")
	add(ClassAuthorizer, "7473", "7115", "7357", "7461")
	add(ClassDocuments, "7424", "7446", "7462", "7464", "6114", "6483", "6484")
	add(ClassPartialPort, "7434")
	add(ClassFocDate, "7207", "7208", "7209", "7210", "7217", "7315", "7317", "7387", "7412", "7439", "7450", "7602", "6123", "6547")
	add(ClassNumberConflict, "7205", "7407", "6473", "6526", "6569")
	add(ClassEndUser, "7406", "7409", "7410", "7411", "7413", "7416", "7419", "7421", "7437", "7443", "7448", "7466", "6513", "6519", "6562")
	add(ClassNotPortable, "7206", "7331", "7378", "7403", "7470", "7503", "6113", "6211", "6470")
	add(ClassRetryLater,
		"1000", "7000", "7300", "7323", "7348", "7484", "7485", "7999",
		"6100", "6102", "6139", "6142", "6191", "6195", "6197", "6198", "6217", "6222", "6233", "6234", "6425", "6426")
	add(ClassInformational,
		"7347", "7380", "7388", "7389", "7396", "7418", "7444", "7486",
		"6464", "6465", "6469", "6471", "6472", "6474", "6523", "6528", "6537", "6546", "6548", "6553",
		"6571", "6572", "6573", "6574", "6575", "6576", "6577", "6578", "6579")
}

// Classify returns the class of a Bandwidth error code.
func Classify(code string) ErrorClass {
	if c, ok := errorCodes[strings.TrimSpace(code)]; ok {
		return c
	}
	return ClassUnknown
}

// Sentence tells the operator, in plain words, what the class means and what to do.
func (c ErrorClass) Sentence() string { return classes[c].sentence }

// Fields are the Corrected fields that answer errors of the class.
func (c ErrorClass) Fields() []string { return append([]string(nil), classes[c].fields...) }

// ActionCode is the ActionRequired code for errors of the class ("" when no action is needed).
func (c ErrorClass) ActionCode() string { return classes[c].action }

// needsOperator reports whether errors of the class stop the flow for an operator unless
// portflow can fix them itself.
func (c ErrorClass) needsOperator() bool {
	return c != ClassRetryLater && c != ClassInformational
}

// classesOf returns the classes present in errs, in presentation order.
func classesOf(errs []BandwidthError) []ErrorClass {
	present := map[ErrorClass]bool{}
	for _, e := range errs {
		present[Classify(e.Code)] = true
	}
	var out []ErrorClass
	for _, c := range ErrorClasses {
		if present[c] {
			out = append(out, c)
		}
	}
	return out
}

// onlyRetryLater reports whether errs hold a retry-later code and nothing that needs an operator.
func onlyRetryLater(errs []BandwidthError) bool {
	retry := false
	for _, c := range classesOf(errs) {
		switch {
		case c == ClassRetryLater:
			retry = true
		case c.needsOperator():
			return false
		}
	}
	return retry
}

// actionForErrors builds the operator action for errors portflow cannot fix: the sentence of
// every class present, the fields they ask for, and the codes with Bandwidth's descriptions.
func actionForErrors(errs []BandwidthError, resume ResumeStep) *ActionRequired {
	var (
		sentences []string
		fields    []string
		code      string
	)
	confirmable := true
	for _, c := range classesOf(errs) {
		if !c.needsOperator() {
			continue
		}
		info := classes[c]
		if code == "" {
			code = info.action
		}
		sentences = append(sentences, info.sentence)
		fields = appendUnique(fields, info.fields...)
		if !info.confirmable {
			confirmable = false
		}
	}
	if code == "" {
		// Nothing but warnings or retry-later codes: treated as unknown so the operator sees them.
		info := classes[ClassUnknown]
		code, sentences, confirmable = info.action, []string{info.sentence}, true
	}
	return &ActionRequired{
		Code:        code,
		Message:     strings.Join(sentences, " ") + " Bandwidth said: " + describeErrors(errs) + ".",
		Fields:      fields,
		Confirmable: confirmable,
		Errors:      cloneErrors(errs),
		Resume:      resume,
	}
}

// describeErrors renders "7401: Account number mismatch; 7435: PIN".
func describeErrors(errs []BandwidthError) string {
	if len(errs) == 0 {
		return "no error code"
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.String()
	}
	return strings.Join(parts, "; ")
}

func hasCode(errs []BandwidthError, codes ...string) bool {
	for _, e := range errs {
		for _, c := range codes {
			if e.Code == c {
				return true
			}
		}
	}
	return false
}

// Cancellation refusals (DELETE /portins/{id}).
var (
	cancelTooLateCodes  = []string{"7301", "7302", "7371", "7390", "7432", "7635"}
	cancelAlreadyDone   = []string{"7303", "7353"}
	cancelAlreadyPorted = []string{"7304", "7349"}
)

// cancelRefusalSentence explains a refused cancellation.
func cancelRefusalSentence(errs []BandwidthError) string {
	switch {
	case hasCode(errs, cancelAlreadyPorted...):
		return "Bandwidth refused to cancel: the port order is already complete. Bandwidth said: " + describeErrors(errs) + "."
	case hasCode(errs, cancelTooLateCodes...):
		return "Bandwidth refused to cancel: cancellation is not allowed within 24 hours of the FOC date or after it; the port goes ahead. Bandwidth said: " + describeErrors(errs) + "."
	}
	return "Bandwidth refused to cancel. Bandwidth said: " + describeErrors(errs) + "."
}

// activationRefusalSentence explains a refused activation.
func activationRefusalSentence(errs []BandwidthError) string {
	var why string
	switch {
	case hasCode(errs, "7342", "7604", "7605"):
		why = "on-demand activation is not allowed yet; it opens on the FOC day (06:00–22:00 ET for off-net ports)"
	case hasCode(errs, "7352"):
		why = "activation is only possible while the port order is in FOC"
	case hasCode(errs, "7345", "7361", "7492"):
		why = "the port was not created for on-demand activation; Bandwidth activates it at the scheduled time"
	case hasCode(errs, "7343", "7344", "7346"):
		why = "Bandwidth does not offer on-demand activation for this port"
	case hasCode(errs, "7340", "7349"):
		why = "the numbers are already activated or the order is finished"
	default:
		why = "Bandwidth refused the activation"
	}
	return fmt.Sprintf("Activation refused: %s. Bandwidth said: %s.", why, describeErrors(errs))
}

func appendUnique(list []string, items ...string) []string {
	for _, it := range items {
		found := false
		for _, l := range list {
			if l == it {
				found = true
				break
			}
		}
		if !found {
			list = append(list, it)
		}
	}
	return list
}
