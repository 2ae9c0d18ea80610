#!/usr/bin/env bash
# Fuzzes the running service against the checked-in openapi.yaml: anonymously and with a
# token for each role. Any 5xx, undocumented status, or answer that breaks the spec fails.
# Needs CANYU_TEST_DATABASE_URL and CANYU_TEST_REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --bin canyu
bin=target/debug/canyu
port=${SCHEMATHESIS_PORT:-18090}
examples=${SCHEMATHESIS_EXAMPLES:-30}
database=canyu_schemathesis_$$
prefix="canyu-schemathesis-$$:"
admin_url=$CANYU_TEST_DATABASE_URL
base=http://127.0.0.1:$port

psql -q "$admin_url" -c "CREATE DATABASE $database"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  redis-cli -u "$CANYU_TEST_REDIS_URL" --scan --pattern "$prefix*" | xargs -r redis-cli -u "$CANYU_TEST_REDIS_URL" del >/dev/null || true
}
trap cleanup EXIT

export CANYU_DATABASE_URL="${admin_url%/*}/$database" CANYU_REDIS_URL=$CANYU_TEST_REDIS_URL \
  CANYU_REDIS_PREFIX=$prefix CANYU_BIND=127.0.0.1:$port RUST_LOG=warn
printf 'schemathesis-admin' | "$bin" admin create --login admin@schemathesis.test --password-stdin
"$bin" serve &
server=$!
for _ in $(seq 100); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.1; done

api() { curl -fsS -H 'content-type: application/json' "$@"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token() { api "$base/api/v1/auth/login" -d "{\"login\":\"$1\",\"password\":\"$2\"}" | json "['token']"; }
person() {
  api "$base/api/v1/auth/register" -d "{\"login\":\"$1\",\"password\":\"fuzz-password\",\"display_name\":\"$2\"}" | json "['id']"
}

admin=$(token admin@schemathesis.test schemathesis-admin)
department=$(api -H "authorization: Bearer $admin" "$base/api/v1/departments" -d '{"code":"fuzz","name":"测试部门"}' | json "['id']")
resident=$(person 13800000001 居民)
representative=$(person 13800000002 代表)
staff=$(person 13800000003 工作人员)
api -X PUT -H "authorization: Bearer $admin" "$base/api/v1/users/$representative/roles/representative" -d '{}' >/dev/null
api -X PUT -H "authorization: Bearer $admin" "$base/api/v1/users/$staff/roles/staff" -d "{\"department_id\":\"$department\"}" >/dev/null

run() {
  echo "== schemathesis: $1"
  shift
  schemathesis run openapi.yaml --url "$base/api/v1" --no-color --seed 2021 --max-examples "$examples" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --suppress-health-check all "$@"
}
run anonymous
# Logging out would end the very session the run uses; the anonymous run covers it.
run resident --exclude-path /auth/logout -H "Authorization: Bearer $(token 13800000001 fuzz-password)"
run representative --exclude-path /auth/logout -H "Authorization: Bearer $(token 13800000002 fuzz-password)"
run staff --exclude-path /auth/logout -H "Authorization: Bearer $(token 13800000003 fuzz-password)"
# Registered webhooks would be called by the server; fuzzed addresses must never be.
run admin --exclude-path /auth/logout --exclude-path /webhooks -H "Authorization: Bearer $admin"
