-- A requeue claims a row under a lease: a requeue that died mid-way leaves the row 'requeuing'
-- with a lease that expires, and the next requeue reclaims it without --force (issue 12).
ALTER TABLE event_bus_dlq_parked_messages ADD COLUMN requeue_lease_until TEXT;
