-- portflow's own tables (DESIGN.md §5). Status columns are text with CHECK constraints rather than
-- Postgres enums so that adding a state is a plain migration that never rewrites a type.

-- +goose Up
CREATE TABLE port_requests (
    id                uuid PRIMARY KEY,
    customer_order_id text,
    status            text NOT NULL CHECK (status IN (
                          'received', 'checking_portability', 'awaiting_csr', 'submitting',
                          'submitted', 'foc', 'completed', 'partially_completed',
                          'action_required', 'cancel_requested', 'cancelled', 'failed')),
    status_reason     text NOT NULL DEFAULT '',
    action_code       text,
    -- version increases by one on every state change; writers compare it (optimistic check) and
    -- the API exposes it as an ETag.
    version           bigint NOT NULL DEFAULT 1,
    -- state is the domain aggregate (internal/order.PortRequest) as JSON, sealed with
    -- AES-256-GCM (PORTFLOW_ENCRYPTION_KEY): it holds PINs, account numbers, names and addresses.
    -- Everything portflow queries by is in the plain columns of this table and the ones below.
    state             bytea NOT NULL,
    number_count      integer NOT NULL CHECK (number_count > 0),
    next_check_at     timestamptz,
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX port_requests_created_idx ON port_requests (created_at, id);
CREATE INDEX port_requests_status_created_idx ON port_requests (status, created_at, id);
CREATE INDEX port_requests_customer_order_idx ON port_requests (customer_order_id) WHERE customer_order_id IS NOT NULL;
CREATE INDEX port_requests_due_idx ON port_requests (next_check_at)
    WHERE status NOT IN ('completed', 'partially_completed', 'cancelled', 'failed');

-- One row per number of a request: per-number status and search by number without loading state.
CREATE TABLE port_request_numbers (
    request_id    uuid NOT NULL REFERENCES port_requests (id) ON DELETE CASCADE,
    phone_number  text NOT NULL CHECK (phone_number ~ '^[0-9]{10}$'),
    port_order_id text,
    status        text NOT NULL CHECK (status IN ('pending', 'porting', 'completed', 'failed', 'cancelled')),
    reason        text NOT NULL DEFAULT '',
    PRIMARY KEY (request_id, phone_number)
);
CREATE INDEX port_request_numbers_number_idx ON port_request_numbers (phone_number);

-- One row per Bandwidth port-in (a request splits by losing carrier and port type). The id is also
-- the Bandwidth CustomerOrderId, so a retried create finds the existing order first.
CREATE TABLE port_orders (
    id                      text PRIMARY KEY CHECK (char_length(id) <= 40),
    request_id              uuid NOT NULL REFERENCES port_requests (id) ON DELETE CASCADE,
    status                  text NOT NULL,
    bandwidth_order_id      text UNIQUE,
    processing_status       text,
    losing_carrier_spid     text,
    losing_carrier_name     text,
    port_type               text,
    actual_foc_date         timestamptz,
    bandwidth_last_modified timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX port_orders_request_idx ON port_orders (request_id);

-- CSR orders placed for a port order, with what the carrier returned and how it compared.
CREATE TABLE csr_lookups (
    csr_order_id  text PRIMARY KEY,
    port_order_id text NOT NULL REFERENCES port_orders (id) ON DELETE CASCADE,
    request_id    uuid NOT NULL REFERENCES port_requests (id) ON DELETE CASCADE,
    status        text NOT NULL,
    csr_data      jsonb,
    differences   jsonb,
    error_codes   text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX csr_lookups_port_order_idx ON csr_lookups (port_order_id);

-- Every authenticated callback body, raw, committed before the 200 goes back (DESIGN.md §3.1).
CREATE TABLE callback_inbox (
    id                bigserial PRIMARY KEY,
    dedupe_key        text NOT NULL UNIQUE,
    order_type        text NOT NULL DEFAULT '',
    order_id          text NOT NULL DEFAULT '',
    customer_order_id text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT '',
    message           text NOT NULL DEFAULT '',
    last_modified     timestamptz,
    body              bytea NOT NULL,
    content_type      text NOT NULL DEFAULT '',
    malformed         boolean NOT NULL DEFAULT false,
    parse_error       text NOT NULL DEFAULT '',
    outcome           text NOT NULL DEFAULT 'pending'
                          CHECK (outcome IN ('pending', 'applied', 'no_change', 'unknown_order', 'malformed', 'note')),
    request_id        uuid,
    received_at       timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz
);
CREATE INDEX callback_inbox_received_idx ON callback_inbox (received_at DESC, id DESC);
CREATE INDEX callback_inbox_order_idx ON callback_inbox (order_id, received_at DESC) WHERE order_id <> '';
CREATE INDEX callback_inbox_pending_idx ON callback_inbox (received_at) WHERE processed_at IS NULL;

-- Append-only history of every state change: the API's timeline.
CREATE TABLE timeline (
    id            bigserial PRIMARY KEY,
    request_id    uuid NOT NULL REFERENCES port_requests (id) ON DELETE CASCADE,
    port_order_id text,
    at            timestamptz NOT NULL DEFAULT now(),
    from_status   text NOT NULL DEFAULT '',
    to_status     text NOT NULL DEFAULT '',
    cause         text NOT NULL,
    detail        text NOT NULL DEFAULT '',
    evidence      jsonb,
    actor         text NOT NULL
);
CREATE INDEX timeline_request_idx ON timeline (request_id, id);

-- Documents (LOA, invoice, CSR copy) a customer gave, kept until Bandwidth has them.
CREATE TABLE documents (
    id            uuid PRIMARY KEY,
    request_id    uuid NOT NULL REFERENCES port_requests (id) ON DELETE CASCADE,
    document_type text NOT NULL CHECK (document_type IN ('LOA', 'INVOICE', 'CSR', 'OTHER')),
    content_type  text NOT NULL,
    file_name     text NOT NULL DEFAULT '',
    content       bytea NOT NULL,
    size_bytes    integer NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_request_idx ON documents (request_id, created_at);

-- Idempotency-Key replay for POST /v1/port-requests: the same key and body returns the first
-- response; the same key with another body is refused.
CREATE TABLE idempotency_keys (
    key           text PRIMARY KEY,
    request_hash  bytea NOT NULL,
    port_request  uuid NOT NULL REFERENCES port_requests (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Deployment-wide facts (for example which callback subscription settings were last ensured), so
-- one-time start-up work happens once per deployment, not once per replica.
CREATE TABLE deployment_settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE deployment_settings;
DROP TABLE idempotency_keys;
DROP TABLE documents;
DROP TABLE timeline;
DROP TABLE callback_inbox;
DROP TABLE csr_lookups;
DROP TABLE port_orders;
DROP TABLE port_request_numbers;
DROP TABLE port_requests;
