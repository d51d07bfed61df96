package store

// The inbox statements, exposed to the external tests that check their query plans.
const (
	AcceptCallbacksSQL = acceptCallbacksSQL
	LookUpStoredSQL    = lookUpStoredSQL
)
