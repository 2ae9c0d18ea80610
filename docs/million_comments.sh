#!/bin/sh
# A decision that draws a million comments (docs/benchmarks.md): adds N published comments,
# with outcomes and reasons, to the demo decision with a feedback report, then times the
# report, a page of comments and the CSV export (as the admin, so that nothing comes from the
# cache of public reads) against a running instance,
# and prints the instance's peak resident memory (VmHWM).
#   sh docs/million_comments.sh postgres://postgres@127.0.0.1:5432/canyu_bench http://127.0.0.1:8282 PID [N]
set -eu
db=$1 base=$2 pid=$3 n=${4:-1000000}
decision=$(psql -tA "$db" -c "SELECT decision_id FROM comments c JOIN decisions d ON d.id = c.decision_id WHERE d.stage = 'deliberated' LIMIT 1")
psql -q "$db" <<SQL
INSERT INTO comments (id, decision_id, draft_id, section_anchor, author_name, name_consent,
                      channel, body, tracking_number, status, outcome, outcome_reason,
                      created_at, moderated_at, outcome_at)
SELECT gen_random_uuid(), c.decision_id, c.draft_id, (ARRAY['s1', 's2', 's3'])[1 + i % 3],
       '市民', false, c.channel, '第' || i || '条意见：建议在社区增设嵌入式养老服务设施，方便老人就近照护。',
       'M' || substr(md5(random()::text || i), 1, 12), 'published',
       (ARRAY['adopted', 'partially_adopted', 'not_adopted', 'duplicate'])[1 + i % 4],
       CASE WHEN i % 4 = 2 THEN (ARRAY['超出本规划范围', '已有相关规定', '将在下一阶段研究'])[1 + i / 4 % 3] END,
       now(), now(), now()
FROM generate_series(1, $n) i,
     (SELECT decision_id, draft_id, channel FROM comments WHERE decision_id = '$decision' LIMIT 1) c;
ANALYZE comments;
SQL
echo "comments on $decision: $(psql -tA "$db" -c "SELECT count(*) FROM comments WHERE decision_id = '$decision'")"
token=$(curl -s "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"login": "admin@yangpu.demo", "password": "demo-admin-2021"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
hwm() { grep VmHWM "/proc/$pid/status" | tr -s ' '; }
echo "before: $(hwm)"
for what in "feedback report|/api/v1/decisions/$decision/feedback" \
            "comment page|/api/v1/decisions/$decision/comments?limit=50" \
            "comments not adopted, a page|/api/v1/decisions/$decision/comments?outcome=not_adopted&limit=50"; do
    label=${what%%|*} path=${what#*|}
    for round in 1 2 3; do
        curl -s -o /dev/null -H "Authorization: Bearer $token" \
            -w "$label (round $round): %{time_total} s, %{size_download} bytes\n" "$base$path"
    done
done
curl -s -o /dev/null -H "Authorization: Bearer $token" \
    -w "CSV export: %{time_total} s, %{size_download} bytes\n" "$base/api/v1/decisions/$decision/comments/export"
echo "after: $(hwm)"
