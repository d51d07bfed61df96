-- callback_inbox keeps the text of note notifications (a note added to an order by Bandwidth's LNP
-- team) beside the status fields, so that the orchestrator can write it to the timeline and an
-- operator can read it in the inbox listing without re-parsing the raw body. A constant default
-- makes this a catalog-only change, however large the inbox already is.

-- +goose Up
ALTER TABLE callback_inbox ADD COLUMN note text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE callback_inbox DROP COLUMN note;
