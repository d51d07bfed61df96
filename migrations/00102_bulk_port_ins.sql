-- Bulk port-ins (docs/DESIGN.md §8): a request with more numbers than the bulk threshold, or with
-- numbers from several losing carriers, goes through one Bandwidth bulk port-in. Its id and
-- status are plain columns so that a bulkPortins notification finds its request and the API can
-- show the bulk without opening the sealed state.

-- +goose Up
ALTER TABLE port_requests
    ADD COLUMN bulk_order_id    text UNIQUE,
    ADD COLUMN bulk_step        text,
    ADD COLUMN bulk_status      text;

-- Per-number pages filtered by status (GET /v1/port-requests/{id}/numbers?status=…) and the
-- summary's counts by status read this index only.
CREATE INDEX port_request_numbers_status_idx ON port_request_numbers (request_id, status, phone_number);

-- +goose Down
DROP INDEX port_request_numbers_status_idx;
ALTER TABLE port_requests
    DROP COLUMN bulk_status,
    DROP COLUMN bulk_step,
    DROP COLUMN bulk_order_id;
