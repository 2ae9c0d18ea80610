-- One open day with 100 seats and 100,000 residents for the pgbench runs of docs/storm/run.sh.
DELETE FROM signups;
DELETE FROM events;
DELETE FROM departments;
DELETE FROM users;
-- The residents: user i has the id ...-<i in 12 digits>; each signup takes the next one.
DROP SEQUENCE IF EXISTS storm_person;
CREATE SEQUENCE storm_person;
INSERT INTO users (id, login, display_name, password_hash, created_at)
SELECT ('00000000-0000-7000-8000-' || lpad(i::text, 12, '0'))::uuid, '138' || lpad(i::text, 8, '0'),
       '居民' || i, 'x', now()
FROM generate_series(1, 100000) i;
INSERT INTO departments (id, code, name, created_at)
VALUES ('00000000-0000-7000-8000-000000000001', 'cyzx', '区城运中心', now());
INSERT INTO events (id, title, theme, host_department_id, description, venue,
                    accessibility_notes, starts_at, ends_at, capacity, max_party_size,
                    signup_opens_at, signup_closes_at, offer_hours, status, created_at, updated_at)
VALUES ('00000000-0000-7000-8000-000000000002', '走进区城运中心', 'one_network_governance',
        '00000000-0000-7000-8000-000000000001', '参观', '江浦路', '无障碍通道',
        '2030-01-01T09:00:00Z', '2030-01-01T11:00:00Z', 100, 1,
        '2020-01-01T00:00:00Z', '2029-12-31T00:00:00Z', 24, 'published', now(), now());
