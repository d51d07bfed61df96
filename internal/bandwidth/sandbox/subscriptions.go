package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// subscription is one registered webhook (or e-mail) target.
type subscription struct {
	id           string
	orderType    string
	orderID      string
	eventType    string
	url          string
	username     string
	password     string
	publicKey    string
	numberFormat string
	expiresAt    time.Time
	email        *emailSubscriptionXML
	status       string // the answer to the latest callback, as Bandwidth reports it
}

// defaultExpiry is Bandwidth's expiry when a subscription omits <Expiry>.
const defaultExpiry = 86400 * time.Second

var validOrderTypes = map[string]bool{
	"portins": true, "orders": true, "portouts": true, "disconnects": true, "dldas": true,
	"lsrorders": true, "e911s": true, "tnoptions": true, "externalTns": true, "lidb": true,
	"bulkPortins": true, "importtnorders": true, "removeImportedTnOrders": true, "csrs": true,
	"emergencyNotificationGroup": true, "emergencyEndpointGroup": true,
	"tollfreePortingValidations": true, "importVoiceTnOrders": true, "removeImportedVoiceTnOrders": true,
}

func (sub *subscription) matches(n notification, now time.Time) bool {
	return sub.url != "" && sub.orderType == n.orderType &&
		(sub.orderID == "" || sub.orderID == n.orderID) && now.Before(sub.expiresAt)
}

func (sub *subscription) formatTN(tn string) string {
	if sub.numberFormat == "E164" {
		return "+1" + tn
	}
	return tn
}

// render builds the <Notification> body for this subscription.
func (sub *subscription) render(n notification) ([]byte, error) {
	if n.orderType == orderTypeCSRs {
		return marshalXML(csrNotification{
			Status: n.status, SubscriptionID: sub.id, Message: n.message, OrderID: n.orderID,
			OrderType: n.orderType, CustomerOrderID: n.customerOrderID,
		})
	}
	out := portinNotification{
		SubscriptionID: sub.id, OrderType: n.orderType, OrderID: n.orderID,
		CustomerOrderID: n.customerOrderID, Status: n.status, Message: n.message,
		LastModifiedDate: bandwidthTime(n.lastModified), ActualFocDate: n.actualFocDate,
	}
	if len(n.completedTNs) > 0 {
		list := &telephoneListXML{}
		for _, tn := range n.completedTNs {
			list.TelephoneNumber = append(list.TelephoneNumber, sub.formatTN(tn))
		}
		out.CompletedTelephoneNumbers = list
	}
	return marshalXML(out)
}

func (sub *subscription) toXML(now time.Time) subscriptionXML {
	out := subscriptionXML{SubscriptionID: sub.id, OrderType: sub.orderType, OrderID: sub.orderID, EventType: sub.eventType}
	if sub.email != nil {
		e := *sub.email
		out.EmailSubscription = &e
		return out
	}
	remaining := int64(sub.expiresAt.Sub(now) / time.Second)
	if remaining < 0 {
		remaining = 0
	}
	cb := &callbackSubscriptionXML{
		URL: sub.url, Expiry: strconv.FormatInt(remaining, 10), Status: sub.status, NumberFormat: sub.numberFormat,
	}
	if sub.username != "" || sub.publicKey != "" {
		cb.CallbackCredentials = &callbackCredentialsXML{}
		if sub.username != "" {
			// The password is never returned.
			cb.CallbackCredentials.BasicAuthentication = &basicAuthenticationXML{Username: sub.username}
		}
	}
	out.CallbackSubscription = cb
	return out
}

// parseSubscription validates a <Subscription> body; the error carries Bandwidth's code.
func (s *Sandbox) parseSubscription(body []byte) (*subscription, *apiError) {
	var req subscriptionRequest
	if _, err := decodeXML(body, &req); err != nil {
		return nil, &apiError{Code: "14501", Description: "Subscription is not a valid object: " + err.Error()}
	}
	sub := &subscription{orderType: strings.TrimSpace(req.OrderType), orderID: strings.TrimSpace(req.OrderID), eventType: strings.TrimSpace(req.EventType)}
	switch {
	case sub.orderType == "" && sub.eventType == "":
		return nil, &apiError{Code: "14508", Description: "OrderType or EventType is required."}
	case sub.orderType != "" && !validOrderTypes[sub.orderType]:
		return nil, &apiError{Code: "14500", Description: fmt.Sprintf("OrderType '%s' is not valid.", sub.orderType)}
	case sub.eventType != "" && sub.eventType != "MESSAGING_LOST":
		return nil, &apiError{Code: "14507", Description: fmt.Sprintf("EventType '%s' is not valid. Valid values: MESSAGING_LOST.", sub.eventType)}
	}
	switch {
	case req.EmailSubscription != nil:
		e := *req.EmailSubscription
		if e.DigestRequested != "NONE" && e.DigestRequested != "DAILY" {
			return nil, &apiError{Code: "14502", Description: "DigestRequested must be NONE or DAILY."}
		}
		sub.email = &e
		sub.expiresAt = s.now().Add(100 * 365 * 24 * time.Hour)
		return sub, nil
	case req.CallbackSubscription == nil:
		return nil, &apiError{Code: "14501", Description: "Subscription needs a CallbackSubscription or an EmailSubscription."}
	}
	cb := req.CallbackSubscription
	sub.url = strings.TrimSpace(cb.URL)
	if sub.url == "" {
		return nil, &apiError{Code: "14503", Description: "The callback URL is empty."}
	}
	if u, err := url.Parse(sub.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &apiError{Code: "14506", Description: fmt.Sprintf("The callback URL '%s' is invalid.", sub.url)}
	}
	expiry := defaultExpiry
	if e := strings.TrimSpace(cb.Expiry); e != "" {
		secs, err := strconv.ParseInt(e, 10, 64)
		if err != nil || secs <= 0 {
			return nil, &apiError{Code: "14501", Description: fmt.Sprintf("Expiry '%s' is not a positive number of seconds.", e)}
		}
		expiry = time.Duration(secs) * time.Second
	}
	sub.expiresAt = s.now().Add(expiry)
	if creds := cb.CallbackCredentials; creds != nil {
		if ba := creds.BasicAuthentication; ba != nil {
			if strings.TrimSpace(ba.Username) == "" || ba.Password == "" || len(ba.Username) > 100 {
				return nil, &apiError{Code: "14505", Description: "Basic authentication needs a non-blank username (at most 100 characters) and password."}
			}
			sub.username, sub.password = ba.Username, ba.Password
		}
		if pk := strings.TrimSpace(creds.PublicKey); pk != "" {
			if _, err := base64.StdEncoding.DecodeString(pk); err != nil {
				return nil, &apiError{Code: "14504", Description: "The public key is not a Base64-encoded certificate."}
			}
			sub.publicKey = pk
		}
	}
	switch sub.numberFormat = cb.NumberFormat; sub.numberFormat {
	case "":
		sub.numberFormat = "LEGACY"
	case "LEGACY", "E164":
	default:
		return nil, &apiError{Code: "14501", Description: "NumberFormat must be LEGACY or E164."}
	}
	sub.status = "READY"
	return sub, nil
}

// duplicateOfLocked returns an existing subscription with the same target, or nil.
func (s *Sandbox) duplicateOfLocked(sub *subscription, except string) *subscription {
	for _, other := range s.subSeq {
		if other.id == except {
			continue
		}
		sameTarget := other.url == sub.url && (sub.email == nil) == (other.email == nil) &&
			(sub.email == nil || sub.email.Email == other.email.Email)
		if other.orderType == sub.orderType && other.eventType == sub.eventType && other.orderID == sub.orderID && sameTarget {
			return other
		}
	}
	return nil
}

// The subscription endpoints answer body validation failures with 404 and a duplicate target
// with 409, as Bandwidth documents them.
func (s *Sandbox) createSubscription(w http.ResponseWriter, rc *reqCtx) {
	sub, apiErr := s.parseSubscription(rc.body)
	if apiErr != nil {
		writeResponseStatus(w, http.StatusNotFound, "SubscriptionResponse", apiErr.Code, apiErr.Description)
		return
	}
	sub.id = s.newID()
	s.mu.Lock()
	if s.duplicateOfLocked(sub, "") != nil {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusConflict, "SubscriptionResponse", "16008", "Duplicate subscription already exists.")
		return
	}
	s.subs[sub.id] = sub
	s.subSeq = append(s.subSeq, sub)
	s.mu.Unlock()
	s.logf("sandbox: subscription %s created for %s%s → %s", sub.id, sub.orderType, sub.eventType, sub.url)
	w.Header().Set("Location", s.accountURL(rc, "/subscriptions/"+sub.id))
	w.WriteHeader(http.StatusCreated)
}

func (s *Sandbox) listSubscriptions(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	now := s.now()
	out := subscriptionsResponse{}
	for _, sub := range s.subSeq {
		out.Subscriptions = append(out.Subscriptions, sub.toXML(now))
	}
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

func (s *Sandbox) getSubscription(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	sub, ok := s.subs[rc.path("subscriptionId")]
	var out subscriptionsResponse
	if ok {
		out.Subscriptions = []subscriptionXML{sub.toXML(s.now())}
	}
	s.mu.Unlock()
	if !ok {
		writeResponseStatus(w, http.StatusNotFound, "SubscriptionsResponse", "16002", "Subscription not found.")
		return
	}
	writeXML(w, http.StatusOK, out)
}

// updateSubscription replaces the subscription entirely: omitted fields return to defaults.
func (s *Sandbox) updateSubscription(w http.ResponseWriter, rc *reqCtx) {
	id := rc.path("subscriptionId")
	sub, apiErr := s.parseSubscription(rc.body)
	s.mu.Lock()
	old, ok := s.subs[id]
	if !ok {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusNotFound, "SubscriptionResponse", "16002", "Subscription not found.")
		return
	}
	if apiErr != nil {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusBadRequest, "SubscriptionResponse", apiErr.Code, apiErr.Description)
		return
	}
	if s.duplicateOfLocked(sub, id) != nil {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusConflict, "SubscriptionResponse", "16008", "Duplicate subscription already exists.")
		return
	}
	sub.id, sub.status = id, old.status
	*old = *sub
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (s *Sandbox) deleteSubscription(w http.ResponseWriter, rc *reqCtx) {
	id := rc.path("subscriptionId")
	s.mu.Lock()
	_, ok := s.subs[id]
	if ok {
		delete(s.subs, id)
		for i, sub := range s.subSeq {
			if sub.id == id {
				s.subSeq = append(s.subSeq[:i:i], s.subSeq[i+1:]...)
				break
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		writeResponseStatus(w, http.StatusNotFound, "SubscriptionResponse", "16002", "Subscription not found.")
		return
	}
	w.WriteHeader(http.StatusOK)
}
