-- The signup as one statement (migration m20261207_000003_take_place): one round trip,
-- the event's row locked for that statement only. Each signup is a different resident.
SELECT * FROM canyu_take_place('00000000-0000-7000-8000-000000000002', gen_random_uuid(), ('00000000-0000-7000-8000-' || lpad(nextval('storm_person')::text, 12, '0'))::uuid, 1, substr(md5(random()::text), 1, 9), now(), 'published', '2020-01-01T00:00:00Z', '2029-12-31T00:00:00Z', 1, NULL, NULL);
