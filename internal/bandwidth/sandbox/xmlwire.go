package sandbox

// The sandbox's own reading of Bandwidth's XML, written from PROTOCOL.md and the payload
// fixtures independently of the API client's types, so that the two cross-check each other.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// apiError is one Bandwidth error code with its description.
type apiError struct {
	Code        string
	Description string
	TNs         []string // numbers the error is about, when Bandwidth lists them
}

func (e apiError) message() string { return e.Code + ": " + e.Description }

// ---- requests ---------------------------------------------------------------------------

// lnpOrderRequest is the body of POST /portins (<LnpOrder>) and PUT /portins/{id}
// (<LnpOrderSupp>). A SUPP only changes the elements it carries; elementPaths tells which.
type lnpOrderRequest struct {
	XMLName                   xml.Name
	CustomerOrderID           string          `xml:"CustomerOrderId"`
	RequestedFocDate          string          `xml:"RequestedFocDate"`
	AlternateSpid             string          `xml:"AlternateSpid"`
	BillingTelephoneNumber    string          `xml:"BillingTelephoneNumber"`
	NewBillingTelephoneNumber string          `xml:"NewBillingTelephoneNumber"`
	SiteID                    string          `xml:"SiteId"`
	PeerID                    string          `xml:"PeerId"`
	Subscriber                subscriberXML   `xml:"Subscriber"`
	LoaAuthorizingPerson      string          `xml:"LoaAuthorizingPerson"`
	WirelessInfo              wirelessInfoXML `xml:"WirelessInfo"`
	TnAttributes              []string        `xml:"TnAttributes>TnAttribute"`
	ListOfPhoneNumbers        []string        `xml:"ListOfPhoneNumbers>PhoneNumber"`
	PartialPort               string          `xml:"PartialPort"`
	Triggered                 string          `xml:"Triggered"`
	Immediately               string          `xml:"Immediately"`
	ProcessingStatus          string          `xml:"ProcessingStatus"`
	BillingType               string          `xml:"BillingType"`
	TargetRespOrgID           string          `xml:"TargetRespOrgId"`
}

type subscriberXML struct {
	SubscriberType string            `xml:"SubscriberType,omitempty"`
	BusinessName   string            `xml:"BusinessName,omitempty"`
	FirstName      string            `xml:"FirstName,omitempty"`
	MiddleInitial  string            `xml:"MiddleInitial,omitempty"`
	LastName       string            `xml:"LastName,omitempty"`
	ServiceAddress serviceAddressXML `xml:"ServiceAddress"`
}

// serviceAddressXML is a port-in ServiceAddress (StateCode, not State as in a CSR).
type serviceAddressXML struct {
	ResetAddressFields string `xml:"ResetAddressFields,omitempty"`
	HousePrefix        string `xml:"HousePrefix,omitempty"`
	HouseNumber        string `xml:"HouseNumber,omitempty"`
	HouseSuffix        string `xml:"HouseSuffix,omitempty"`
	PreDirectional     string `xml:"PreDirectional,omitempty"`
	StreetName         string `xml:"StreetName,omitempty"`
	StreetSuffix       string `xml:"StreetSuffix,omitempty"`
	PostDirectional    string `xml:"PostDirectional,omitempty"`
	AddressLine2       string `xml:"AddressLine2,omitempty"`
	City               string `xml:"City,omitempty"`
	StateCode          string `xml:"StateCode,omitempty"`
	Zip                string `xml:"Zip,omitempty"`
	PlusFour           string `xml:"PlusFour,omitempty"`
	County             string `xml:"County,omitempty"`
	Country            string `xml:"Country,omitempty"`
	AddressType        string `xml:"AddressType,omitempty"`
}

type wirelessInfoXML struct {
	AccountNumber string `xml:"AccountNumber,omitempty"`
	PinNumber     string `xml:"PinNumber,omitempty"`
}

// csrRequest is the body of POST and PUT /csrs.
type csrRequest struct {
	XMLName                         xml.Name `xml:"Csr"`
	CustomerOrderID                 string   `xml:"CustomerOrderId"`
	WorkingOrBillingTelephoneNumber string   `xml:"WorkingOrBillingTelephoneNumber"`
	AccountNumber                   string   `xml:"AccountNumber"`
	AccountTelephoneNumber          string   `xml:"AccountTelephoneNumber"`
	EndUserName                     string   `xml:"EndUserName"`
	AuthorizingUserName             string   `xml:"AuthorizingUserName"`
	CustomerCode                    string   `xml:"CustomerCode"`
	EndUserPIN                      string   `xml:"EndUserPIN"`
	EndUserPassword                 string   `xml:"EndUserPassword"`
	AddressLine1                    string   `xml:"AddressLine1"`
	City                            string   `xml:"City"`
	State                           string   `xml:"State"`
	ZIPCode                         string   `xml:"ZIPCode"`
	TypeOfService                   string   `xml:"TypeOfService"`
	Status                          string   `xml:"Status"`
}

type subscriptionRequest struct {
	XMLName              xml.Name                 `xml:"Subscription"`
	OrderType            string                   `xml:"OrderType"`
	OrderID              string                   `xml:"OrderId"`
	EventType            string                   `xml:"EventType"`
	CallbackSubscription *callbackSubscriptionXML `xml:"CallbackSubscription"`
	EmailSubscription    *emailSubscriptionXML    `xml:"EmailSubscription"`
}

type callbackSubscriptionXML struct {
	URL                 string                  `xml:"URL"`
	Expiry              string                  `xml:"Expiry,omitempty"`
	Status              string                  `xml:"Status,omitempty"`
	CallbackCredentials *callbackCredentialsXML `xml:"CallbackCredentials,omitempty"`
	NumberFormat        string                  `xml:"NumberFormat,omitempty"`
}

type callbackCredentialsXML struct {
	BasicAuthentication *basicAuthenticationXML `xml:"BasicAuthentication,omitempty"`
	PublicKey           string                  `xml:"PublicKey,omitempty"`
}

type basicAuthenticationXML struct {
	Username string `xml:"Username"`
	Password string `xml:"Password,omitempty"`
}

type emailSubscriptionXML struct {
	Email           string `xml:"Email"`
	DigestRequested string `xml:"DigestRequested"`
}

type numberPortabilityRequest struct {
	XMLName xml.Name `xml:"NumberPortabilityRequest"`
	TNs     []string `xml:"TnList>Tn"`
}

type noteRequest struct {
	XMLName     xml.Name `xml:"Note"`
	UserID      string   `xml:"UserId"`
	Description string   `xml:"Description"`
}

type activationStatusRequest struct {
	XMLName            xml.Name `xml:"ActivationStatus"`
	AutoActivationDate string   `xml:"AutoActivationDate"`
}

type bulkPortinRequest struct {
	XMLName              xml.Name      `xml:"BulkPortin"`
	CustomerOrderID      string        `xml:"CustomerOrderId"`
	RequestedFocDate     string        `xml:"RequestedFocDate"`
	LoaAuthorizingPerson string        `xml:"LoaAuthorizingPerson"`
	SiteID               string        `xml:"SiteId"`
	PeerID               string        `xml:"PeerId"`
	Subscriber           subscriberXML `xml:"Subscriber"`
	ProcessingStatus     string        `xml:"ProcessingStatus"`
}

type tnListRequest struct {
	XMLName xml.Name `xml:"TnList"`
	TNs     []string `xml:"TN"`
}

type portinListRequest struct {
	XMLName  xml.Name `xml:"PortinList"`
	OrderIDs []string `xml:"PortinOrderId"`
}

// ---- responses --------------------------------------------------------------------------

type lnpStatusXML struct {
	Code        int    `xml:"Code"`
	Description string `xml:"Description"`
}

// lnpErrorXML is one repeated <Errors> element of a port-in response (no <Error> child).
type lnpErrorXML struct {
	Code             string     `xml:"Code"`
	Description      string     `xml:"Description"`
	TelephoneNumbers *tnListXML `xml:"TelephoneNumbers,omitempty"`
}

type tnListXML struct {
	TNs []string `xml:"Tn"`
}

type lnpOrderResponse struct {
	XMLName                   xml.Name            `xml:"LnpOrderResponse"`
	OrderID                   string              `xml:"OrderId,omitempty"`
	Status                    *lnpStatusXML       `xml:"Status,omitempty"`
	Errors                    []lnpErrorXML       `xml:"Errors"`
	ProcessingStatus          string              `xml:"ProcessingStatus,omitempty"`
	BulkPortinOrderID         string              `xml:"BulkPortinOrderId,omitempty"`
	RequestedFocDate          string              `xml:"RequestedFocDate,omitempty"`
	ActualFocDate             string              `xml:"ActualFocDate,omitempty"`
	EarliestEstimate          string              `xml:"EarliestEstimate,omitempty"`
	CustomerOrderID           string              `xml:"CustomerOrderId,omitempty"`
	LoaAuthorizingPerson      string              `xml:"LoaAuthorizingPerson,omitempty"`
	Subscriber                *subscriberXML      `xml:"Subscriber,omitempty"`
	WirelessInfo              *wirelessInfoXML    `xml:"WirelessInfo,omitempty"`
	TnAttributes              *tnAttributesXML    `xml:"TnAttributes,omitempty"`
	BillingTelephoneNumber    string              `xml:"BillingTelephoneNumber,omitempty"`
	NewBillingTelephoneNumber string              `xml:"NewBillingTelephoneNumber,omitempty"`
	ListOfPhoneNumbers        *phoneNumberListXML `xml:"ListOfPhoneNumbers,omitempty"`
	PON                       string              `xml:"PON,omitempty"`
	AlternateSpid             string              `xml:"AlternateSpid,omitempty"`
	AccountID                 string              `xml:"AccountId,omitempty"`
	SiteID                    string              `xml:"SiteId,omitempty"`
	PeerID                    string              `xml:"PeerId,omitempty"`
	LosingCarrierSPID         string              `xml:"LosingCarrierSPID,omitempty"`
	LosingCarrierName         string              `xml:"LosingCarrierName,omitempty"`
	LosingCarrierIsWireless   string              `xml:"LosingCarrierIsWireless,omitempty"`
	VendorName                string              `xml:"VendorName,omitempty"`
	OrderCreateDate           string              `xml:"OrderCreateDate,omitempty"`
	LastModifiedDate          string              `xml:"LastModifiedDate,omitempty"`
	UserID                    string              `xml:"userId,omitempty"`
	LastModifiedBy            string              `xml:"LastModifiedBy,omitempty"`
	PartialPort               string              `xml:"PartialPort,omitempty"`
	Immediately               string              `xml:"Immediately,omitempty"`
	Triggered                 string              `xml:"Triggered,omitempty"`
	PortType                  string              `xml:"PortType,omitempty"`
	BillingType               string              `xml:"BillingType,omitempty"`
}

type tnAttributesXML struct {
	TnAttribute []string `xml:"TnAttribute"`
}

type phoneNumberListXML struct {
	PhoneNumber []string `xml:"PhoneNumber"`
}

// linksXML holds pagination links, each a `Link=<url>;rel="…";` string.
type linksXML struct {
	First    string `xml:"first,omitempty"`
	Next     string `xml:"next,omitempty"`
	Previous string `xml:"previous,omitempty"`
}

type lnpResponseWrapper struct {
	XMLName    xml.Name         `xml:"LNPResponseWrapper"`
	TotalCount int              `xml:"TotalCount"`
	Links      *linksXML        `xml:"Links,omitempty"`
	Orders     []lnpPortInfoXML `xml:"lnpPortInfoForGivenStatus"`
}

// lnpPortInfoXML is one list entry; note the casing differs from the detail GET.
type lnpPortInfoXML struct {
	AccountID              string `xml:"accountId"`
	CountOfTNs             int    `xml:"CountOfTNs"`
	CustomerOrderID        string `xml:"CustomerOrderId,omitempty"`
	UserID                 string `xml:"userId"`
	LastModifiedDate       string `xml:"lastModifiedDate"`
	OrderDate              string `xml:"OrderDate"`
	OrderID                string `xml:"OrderId"`
	OrderType              string `xml:"OrderType"`
	ActualFOCDate          string `xml:"ActualFOCDate,omitempty"`
	BillingTelephoneNumber string `xml:"BillingTelephoneNumber"`
	CompanyName            string `xml:"CompanyName,omitempty"`
	LNPLosingCarrierID     string `xml:"LNPLosingCarrierId"`
	LNPLosingCarrierName   string `xml:"LNPLosingCarrierName"`
	ProcessingStatus       string `xml:"ProcessingStatus"`
	RequestedFOCDate       string `xml:"RequestedFOCDate,omitempty"`
	VendorID               string `xml:"VendorId"`
	VendorName             string `xml:"VendorName"`
	PON                    string `xml:"PON"`
}

type orderHistoryWrapper struct {
	XMLName    xml.Name          `xml:"OrderHistoryWrapper"`
	IrisStatus *irisStatusXML    `xml:"IrisStatus,omitempty"`
	History    []orderHistoryXML `xml:"OrderHistory"`
}

type irisStatusXML struct {
	Code        string `xml:"Code"`
	Description string `xml:"Description"`
}

type orderHistoryXML struct {
	OrderDate  string `xml:"OrderDate"`
	Note       string `xml:"Note"`
	Author     string `xml:"Author"`
	Status     string `xml:"Status"`
	Difference string `xml:"Difference,omitempty"`
}

type notesResponse struct {
	XMLName xml.Name  `xml:"Notes"`
	Notes   []noteXML `xml:"Note"`
}

type noteXML struct {
	ID               string `xml:"Id"`
	UserID           string `xml:"UserId"`
	Description      string `xml:"Description"`
	LastDateModifier string `xml:"LastDateModifier"`
}

type fileUploadResponse struct {
	XMLName       xml.Name `xml:"fileUploadResponse"`
	Filename      string   `xml:"filename,omitempty"`
	ResultCode    string   `xml:"resultCode"`
	ResultMessage string   `xml:"resultMessage"`
}

type fileListResponse struct {
	XMLName       xml.Name      `xml:"fileListResponse"`
	FileCount     int           `xml:"fileCount"`
	FileNames     []string      `xml:"fileNames,omitempty"`
	FileData      []fileDataXML `xml:"fileData,omitempty"`
	ResultCode    string        `xml:"resultCode"`
	ResultMessage string        `xml:"resultMessage"`
}

type fileDataXML struct {
	FileName     string          `xml:"FileName"`
	FileMetaData fileMetaDataXML `xml:"FileMetaData"`
}

type fileMetaDataXML struct {
	XMLName      xml.Name `xml:"FileMetaData"`
	DocumentName string   `xml:"DocumentName,omitempty"`
	DocumentType string   `xml:"DocumentType,omitempty"`
}

type activationStatusResponse struct {
	XMLName          xml.Name             `xml:"ActivationStatusResponse"`
	ResponseStatus   *responseStatusXML   `xml:"ResponseStatus,omitempty"`
	ActivationStatus *activationStatusXML `xml:"ActivationStatus,omitempty"`
}

type activationStatusXML struct {
	AutoActivationDate                  string           `xml:"AutoActivationDate"`
	ActivatedTelephoneNumbersList       telephoneListXML `xml:"ActivatedTelephoneNumbersList"`
	NotYetActivatedTelephoneNumbersList telephoneListXML `xml:"NotYetActivatedTelephoneNumbersList"`
}

type telephoneListXML struct {
	TelephoneNumber []string `xml:"TelephoneNumber"`
}

type responseStatusXML struct {
	ErrorCode   string `xml:"ErrorCode,omitempty"`
	Description string `xml:"Description"`
}

// responseStatusEnvelope is the <XxxResponse><ResponseStatus>…</ResponseStatus></XxxResponse>
// error shape most resources use; the root name depends on the resource.
type responseStatusEnvelope struct {
	XMLName        xml.Name
	ResponseStatus responseStatusXML `xml:"ResponseStatus"`
}

type csrResponse struct {
	XMLName                xml.Name      `xml:"CsrResponse"`
	CustomerOrderID        string        `xml:"CustomerOrderId,omitempty"`
	LastModifiedBy         string        `xml:"LastModifiedBy,omitempty"`
	OrderCreateDate        string        `xml:"OrderCreateDate,omitempty"`
	AccountID              string        `xml:"AccountId,omitempty"`
	OrderID                string        `xml:"OrderId"`
	LastModifiedDate       string        `xml:"LastModifiedDate,omitempty"`
	Status                 string        `xml:"Status"`
	AccountNumber          string        `xml:"AccountNumber,omitempty"`
	AccountTelephoneNumber string        `xml:"AccountTelephoneNumber,omitempty"`
	EndUserName            string        `xml:"EndUserName,omitempty"`
	AuthorizingUserName    string        `xml:"AuthorizingUserName,omitempty"`
	CustomerCode           string        `xml:"CustomerCode,omitempty"`
	EndUserPIN             string        `xml:"EndUserPIN,omitempty"`
	EndUserPassword        string        `xml:"EndUserPassword,omitempty"`
	AddressLine1           string        `xml:"AddressLine1,omitempty"`
	City                   string        `xml:"City,omitempty"`
	State                  string        `xml:"State,omitempty"`
	ZIPCode                string        `xml:"ZIPCode,omitempty"`
	TypeOfService          string        `xml:"TypeOfService,omitempty"`
	CsrData                *csrDataXML   `xml:"CsrData,omitempty"`
	Errors                 *csrErrorsXML `xml:"Errors,omitempty"`
}

type csrDataXML struct {
	AccountNumber                    string                `xml:"AccountNumber,omitempty"`
	CustomerName                     string                `xml:"CustomerName,omitempty"`
	ServiceAddress                   *csrServiceAddressXML `xml:"ServiceAddress,omitempty"`
	WorkingTelephoneNumber           string                `xml:"WorkingTelephoneNumber"`
	WorkingTelephoneNumbersOnAccount *telephoneListXML     `xml:"WorkingTelephoneNumbersOnAccount,omitempty"`
}

// csrServiceAddressXML is a CSR ServiceAddress (State, not StateCode as in a port-in).
type csrServiceAddressXML struct {
	UnparsedAddress string `xml:"UnparsedAddress,omitempty"`
	HouseNumber     string `xml:"HouseNumber,omitempty"`
	StreetName      string `xml:"StreetName,omitempty"`
	StreetSuffix    string `xml:"StreetSuffix,omitempty"`
	City            string `xml:"City,omitempty"`
	State           string `xml:"State,omitempty"`
	Zip             string `xml:"Zip,omitempty"`
}

// csrErrorsXML is the <Errors><Error>…</Error></Errors> wrapper CSR resources use.
type csrErrorsXML struct {
	Error []csrErrorXML `xml:"Error"`
}

type csrErrorXML struct {
	Code        string `xml:"Code"`
	Description string `xml:"Description"`
}

type csrOrderResponse struct {
	XMLName xml.Name     `xml:"CsrOrderResponse"`
	Errors  csrErrorsXML `xml:"Errors"`
}

type csrResponses struct {
	XMLName    xml.Name      `xml:"CsrResponses"`
	TotalCount int           `xml:"TotalCount"`
	Links      *linksXML     `xml:"Links,omitempty"`
	CSRs       []csrResponse `xml:"CsrResponse"`
}

type subscriptionsResponse struct {
	XMLName       xml.Name          `xml:"SubscriptionsResponse"`
	Subscriptions []subscriptionXML `xml:"Subscriptions>Subscription"`
}

type subscriptionXML struct {
	SubscriptionID       string                   `xml:"SubscriptionId"`
	OrderType            string                   `xml:"OrderType,omitempty"`
	OrderID              string                   `xml:"OrderId,omitempty"`
	EventType            string                   `xml:"EventType,omitempty"`
	EmailSubscription    *emailSubscriptionXML    `xml:"EmailSubscription,omitempty"`
	CallbackSubscription *callbackSubscriptionXML `xml:"CallbackSubscription,omitempty"`
}

type numberPortabilityResponse struct {
	XMLName                     xml.Name                `xml:"NumberPortabilityResponse"`
	Errors                      []lnpErrorXML           `xml:"Errors,omitempty"`
	PortType                    string                  `xml:"PortType,omitempty"`
	PortableNumbers             *tnListXML              `xml:"PortableNumbers,omitempty"`
	SupportedRateCenters        *rateCenterGroupsXML    `xml:"SupportedRateCenters,omitempty"`
	PartnerSupportedRateCenters *rateCenterGroupsXML    `xml:"PartnerSupportedRateCenters,omitempty"`
	UnsupportedRateCenters      *rateCenterGroupsXML    `xml:"UnsupportedRateCenters,omitempty"`
	SupportedLosingCarriers     *losingCarrierGroupsXML `xml:"SupportedLosingCarriers,omitempty"`
	UnsupportedLosingCarriers   *losingCarrierGroupsXML `xml:"UnsupportedLosingCarriers,omitempty"`
}

type rateCenterGroupsXML struct {
	Groups []rateCenterGroupXML `xml:"RateCenterGroup"`
}

type rateCenterGroupXML struct {
	Vendor        string    `xml:"Vendor,omitempty"`
	AutomatedPort string    `xml:"AutomatedPort,omitempty"`
	RateCenter    string    `xml:"RateCenter"`
	City          string    `xml:"City"`
	State         string    `xml:"State"`
	LATA          string    `xml:"LATA"`
	Tiers         *tiersXML `xml:"Tiers,omitempty"`
	TnList        tnListXML `xml:"TnList"`
}

type tiersXML struct {
	Tier []string `xml:"Tier"`
}

type losingCarrierGroupsXML struct {
	Groups []losingCarrierTnListXML `xml:"LosingCarrierTnList"`
}

type losingCarrierTnListXML struct {
	LosingCarrierSPID                   string    `xml:"LosingCarrierSPID"`
	LosingCarrierName                   string    `xml:"LosingCarrierName"`
	LosingCarrierIsWireless             bool      `xml:"LosingCarrierIsWireless"`
	LosingCarrierAccountNumberRequired  bool      `xml:"LosingCarrierAccountNumberRequired"`
	LosingCarrierMinimumPortingInterval int       `xml:"LosingCarrierMinimumPortingInterval"`
	TnList                              tnListXML `xml:"TnList"`
}

type bulkPortinResponse struct {
	XMLName          xml.Name             `xml:"BulkPortinResponse"`
	ResponseStatus   *responseStatusXML   `xml:"ResponseStatus,omitempty"`
	PortinListErrors *portinListErrorsXML `xml:"PortinListErrors,omitempty"`
	BulkPortin       *bulkPortinXML       `xml:"BulkPortin,omitempty"`
}

type bulkPortinXML struct {
	CustomerOrderID      string         `xml:"CustomerOrderId,omitempty"`
	RequestedFocDate     string         `xml:"RequestedFocDate,omitempty"`
	LoaAuthorizingPerson string         `xml:"LoaAuthorizingPerson,omitempty"`
	SiteID               string         `xml:"SiteId,omitempty"`
	PeerID               string         `xml:"PeerId,omitempty"`
	Subscriber           *subscriberXML `xml:"Subscriber,omitempty"`
	ProcessingStatus     string         `xml:"ProcessingStatus"`
	OrderCreateDate      string         `xml:"OrderCreateDate,omitempty"`
	LastModifiedDate     string         `xml:"LastModifiedDate,omitempty"`
	OrderID              string         `xml:"OrderId"`
}

type portinListErrorsXML struct {
	PortinErrors []portinErrorsXML `xml:"PortinErrors"`
}

type portinErrorsXML struct {
	PortinOrderID string        `xml:"PortinOrderId"`
	Errors        bulkErrorsXML `xml:"Errors"`
}

type bulkErrorsXML struct {
	Error []bulkErrorXML `xml:"Error"`
}

type bulkErrorXML struct {
	Description string `xml:"Description"`
	ErrorCode   string `xml:"ErrorCode"`
}

type tnListResponse struct {
	XMLName              xml.Name              `xml:"TnListResponse"`
	ProcessingStatus     string                `xml:"ProcessingStatus"`
	OrderID              string                `xml:"OrderId"`
	NotValidatedTnList   *upperTnListXML       `xml:"NotValidatedTnList,omitempty"`
	PortableTnList       *upperTnListXML       `xml:"PortableTnList,omitempty"`
	ChildPortinOrderList *childPortinOrdersXML `xml:"ChildPortinOrderList,omitempty"`
	ChildPortinOrder     []childPortinOrderXML `xml:"ChildPortinOrder,omitempty"`
	ErrorList            *tnErrorListXML       `xml:"ErrorList,omitempty"`
}

// upperTnListXML lists numbers as <TN>, the casing bulk TN lists use.
type upperTnListXML struct {
	TN []string `xml:"TN"`
}

type childPortinOrdersXML struct {
	Orders []childPortinOrderXML `xml:"ChildPortinOrder"`
}

type childPortinOrderXML struct {
	OrderID string    `xml:"OrderId"`
	TnList  tnListXML `xml:"TnList"`
}

type tnErrorListXML struct {
	Error []tnErrorXML `xml:"Error"`
}

type tnErrorXML struct {
	Code        string    `xml:"Code"`
	Description string    `xml:"Description"`
	TnList      tnListXML `xml:"TnList"`
}

type portinListResponse struct {
	XMLName    xml.Name             `xml:"PortinListResponse"`
	PortinList portinListXML        `xml:"PortinList"`
	Errors     *portinListErrorXMLs `xml:"Errors,omitempty"`
}

type portinListXML struct {
	OrderIDs []string `xml:"PortinOrderId"`
}

type portinListErrorXMLs struct {
	Error []portinListErrorXML `xml:"Error"`
}

type portinListErrorXML struct {
	ErrorCode     string `xml:"ErrorCode"`
	PortinOrderID string `xml:"portinOrderId"`
	Description   string `xml:"Description"`
}

// portinNotification is the <Notification> for portins and bulkPortins, SubscriptionId first
// as in Bandwidth's order-webhook documentation.
type portinNotification struct {
	XMLName                   xml.Name          `xml:"Notification"`
	SubscriptionID            string            `xml:"SubscriptionId"`
	OrderType                 string            `xml:"OrderType"`
	OrderID                   string            `xml:"OrderId"`
	CustomerOrderID           string            `xml:"CustomerOrderId,omitempty"`
	Status                    string            `xml:"Status"`
	Message                   string            `xml:"Message,omitempty"`
	Note                      string            `xml:"Note,omitempty"`
	CompletedTelephoneNumbers *telephoneListXML `xml:"CompletedTelephoneNumbers,omitempty"`
	LastModifiedDate          string            `xml:"LastModifiedDate,omitempty"`
	ActualFocDate             string            `xml:"ActualFocDate,omitempty"`
}

// csrNotification is the <Notification> for csrs, Status first as in the CSR guide.
type csrNotification struct {
	XMLName         xml.Name `xml:"Notification"`
	Status          string   `xml:"Status"`
	SubscriptionID  string   `xml:"SubscriptionId"`
	Message         string   `xml:"Message,omitempty"`
	OrderID         string   `xml:"OrderId"`
	OrderType       string   `xml:"OrderType"`
	CustomerOrderID string   `xml:"CustomerOrderId,omitempty"`
}

// ---- helpers ----------------------------------------------------------------------------

// marshalXML renders v with Bandwidth's XML declaration.
func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xmlHeader)
	enc := xml.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	return buf.Bytes(), nil
}

// errNotXML is returned when a request body is not a single well-formed XML document.
var errNotXML = errors.New("request body is not well-formed XML")

// decodeXML decodes body into v and returns the set of element paths present below the root
// ("Subscriber/ServiceAddress/City"), so that PATCH-like SUPP semantics and echoed read-only
// fields can be told apart from absent ones.
func decodeXML(body []byte, v any) (elementSet, error) {
	if err := xml.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("%w: %v", errNotXML, err)
	}
	paths := elementSet{}
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errNotXML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if len(stack) > 1 {
				paths[strings.Join(stack[1:], "/")] = true
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	return paths, nil
}

// elementSet is the set of element paths present in a request body.
type elementSet map[string]bool

func (s elementSet) has(path string) bool { return s[path] }

// rootName returns the local name of the document element of body, or "".
func rootName(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func parseBoolText(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }
