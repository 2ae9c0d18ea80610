#!/bin/sh
# How cost grows with data (docs/benchmarks.md): adds N signups to one demo open day and N
# events to the demo year, then times, as the admin (never from the cache of public reads),
# the reads that depend on them against a running instance on this machine, and prints its
# peak RSS. Run it at N = 1,000, then 9,000 and 90,000 more, for ×1, ×10 and ×100.
#   sh docs/growth.sh postgres://postgres@127.0.0.1:5432/canyu_bench http://127.0.0.1:8282 N
set -eu
db=$1 base=$2 n=$3
event=$(psql -tA "$db" -c "SELECT id FROM events WHERE status = 'published' AND starts_at > now() AND title NOT LIKE '开放日 %' ORDER BY starts_at LIMIT 1")
psql -q "$db" <<SQL
INSERT INTO signups (id, event_id, user_id, party_size, status, queue_number, checkin_code,
                     created_at, updated_at)
SELECT gen_random_uuid(), '$event', NULL, 1,
       (ARRAY['confirmed', 'waitlisted', 'cancelled'])[1 + i % 3],
       CASE WHEN i % 3 = 1 THEN i END, substr(md5(random()::text || i), 1, 9), now(), now()
FROM generate_series(1, $n) i;
INSERT INTO events (id, title, theme, host_department_id, description, venue, address,
                    accessibility_notes, accessibility_contact, starts_at, ends_at, capacity,
                    max_party_size, signup_opens_at, signup_closes_at, offer_hours, status,
                    created_at, updated_at)
SELECT gen_random_uuid(), '开放日 ' || i, e.theme, e.host_department_id, e.description, e.venue,
       e.address, e.accessibility_notes, e.accessibility_contact,
       date_trunc('year', now()) + (i % 360) * interval '1 day' + interval '6 hours',
       date_trunc('year', now()) + (i % 360) * interval '1 day' + interval '8 hours',
       30, 2, e.signup_opens_at, e.signup_closes_at, 24, 'published', now(), now()
FROM generate_series(1, $n) i, (SELECT * FROM events WHERE id = '$event') e;
ANALYZE signups;
ANALYZE events;
SQL
echo "signups on $event: $(psql -tA "$db" -c "SELECT count(*) FROM signups WHERE event_id = '$event'"), events this year: $(psql -tA "$db" -c "SELECT count(*) FROM events WHERE starts_at >= date_trunc('year', now())")"
token=$(curl -s "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"login": "admin@yangpu.demo", "password": "demo-admin-2021"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
year=$(date +%Y)
for what in "event page|/api/v1/events/$event" \
            "signups, a page|/api/v1/events/$event/signups?limit=50" \
            "signups CSV|/api/v1/events/$event/signups/export" \
            "calendar, a page|/api/v1/events?limit=20" \
            "calendar, with seats|/api/v1/events?limit=20&has_seats=true" \
            "Open Month report|/api/v1/open-month/$year/report" \
            "yearly figures|/api/v1/reports/$year"; do
    label=${what%%|*} path=${what#*|}
    best=
    for round in 1 2 3; do
        took=$(curl -s -o /dev/null -H "Authorization: Bearer $token" -w "%{time_total} %{http_code} %{size_download}" "$base$path")
        best="$best $took"
    done
    echo "$label:$best"
done
echo "peak RSS of the instance: $(grep VmHWM "/proc/$(fuser "${base##*:}/tcp" 2>/dev/null | awk '{print $1}')/status" | awk '{print $2 / 1024 " MB"}')"
