-- The signup transaction before the single statement, as the service sent it for a resident
-- who is waitlisted (the storm's common case: 1,900 of 2,000): lock, try a seat, take a
-- place in line, check the code, insert, commit. Each line is a round trip. Each signup is
-- a different resident (one may sign up once).
BEGIN;
SELECT * FROM events WHERE id = '00000000-0000-7000-8000-000000000002' FOR UPDATE;
UPDATE events SET seats_taken = seats_taken + 1 WHERE id = '00000000-0000-7000-8000-000000000002' AND seats_taken + 1 <= capacity AND NOT EXISTS (SELECT 1 FROM signups WHERE event_id = '00000000-0000-7000-8000-000000000002' AND status = 'waitlisted');
UPDATE events SET waitlist_seq = waitlist_seq + 1 WHERE id = '00000000-0000-7000-8000-000000000002' RETURNING *;
SELECT COUNT(*) FROM signups WHERE event_id = '00000000-0000-7000-8000-000000000002' AND checkin_code = 'AAAA-AAAA';
INSERT INTO signups (id, event_id, user_id, party_size, status, queue_number, checkin_code, created_at, updated_at) VALUES (gen_random_uuid(), '00000000-0000-7000-8000-000000000002', ('00000000-0000-7000-8000-' || lpad(nextval('storm_person')::text, 12, '0'))::uuid, 1, 'waitlisted', NULL, substr(md5(random()::text), 1, 9), now(), now());
COMMIT;
