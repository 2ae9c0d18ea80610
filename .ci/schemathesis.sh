#!/usr/bin/env bash
# Fuzzes the running service against the checked-in openapi.yaml with every schemathesis check
# and every phase (examples, coverage, fuzzing, stateful), anonymously and with a token for each
# role: first on an empty database, then on the demo district, where ids exist and the stateful
# phase's links lead somewhere. Any 5xx, undocumented status, answer that breaks the spec, bad
# input accepted or good input refused fails. The demo service also serves .ci/client.sh.
# Needs CANYU_TEST_DATABASE_URL and CANYU_TEST_REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --bin canyu
bin=target/debug/canyu
port=${SCHEMATHESIS_PORT:-18090}
examples=${SCHEMATHESIS_EXAMPLES:-30}
admin_url=$CANYU_TEST_DATABASE_URL

databases=() servers=() failed=()
cleanup() {
  for server in "${servers[@]}"; do kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; done
  for database in "${databases[@]}"; do
    psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
  done
  redis-cli -u "$CANYU_TEST_REDIS_URL" --scan --pattern "canyu-schemathesis-$$*" |
    xargs -r redis-cli -u "$CANYU_TEST_REDIS_URL" del >/dev/null || true
}
trap cleanup EXIT

# database NAME PORT: a fresh database (and Redis prefix) for a service on PORT.
database() {
  databases+=("canyu_schemathesis_$1_$$")
  psql -q "$admin_url" -c "CREATE DATABASE ${databases[-1]}"
  export CANYU_DATABASE_URL="${admin_url%/*}/${databases[-1]}" CANYU_REDIS_URL=$CANYU_TEST_REDIS_URL \
    CANYU_REDIS_PREFIX="canyu-schemathesis-$$-$1:" CANYU_BIND=127.0.0.1:$2 RUST_LOG=warn
  base=http://127.0.0.1:$2
}
serve() {
  "$bin" serve "$@" >/dev/null &
  servers+=($!)
  for _ in $(seq 300); do curl -fs "$base/readyz" >/dev/null && return; sleep 0.1; done
  echo "the service on $base did not get ready"; exit 1
}

api() { curl -fsS -H 'content-type: application/json' "$@"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token() { api "$base/api/v1/auth/login" -d "{\"login\":\"$1\",\"password\":\"$2\"}" | json "['token']"; }
person() {
  api "$base/api/v1/auth/register" -d "{\"login\":\"$1\",\"password\":\"fuzz-password\",\"display_name\":\"$2\"}" | json "['id']"
}
# run LABEL [OPTION...]: one schemathesis run against $base; a failing run fails the script at the end.
run() {
  local label=$1
  shift
  echo "== schemathesis: $label"
  SECONDS=0
  schemathesis --config-file .ci/schemathesis.toml run openapi.yaml --url "$base/api/v1" --no-color --seed 2021 --max-examples "$examples" \
    --checks all --phases examples,coverage,fuzzing,stateful --suppress-health-check all "$@" ||
    failed+=("$label")
  echo "== schemathesis: $label took ${SECONDS}s"
}
# run_as LABEL TOKEN [OPTION...]: a run with a person's session. Logging out would end the very
# session the run uses, and missing_required_header cannot take away a header given with -H (its
# "no Authorization" requests still carry the token); the anonymous run covers both.
run_as() {
  local label=$1 token=$2
  shift 2
  run "$label" --exclude-path /auth/logout --exclude-checks missing_required_header \
    -H "Authorization: Bearer $token" "$@"
}
runs() {
  run "$1 anonymous"
  run_as "$1 resident" "$2"
  run_as "$1 representative" "$3"
  run_as "$1 staff" "$4"
  # Registered webhooks would be called by the server; fuzzed addresses must never be.
  run_as "$1 admin" "$5" --exclude-path /webhooks
}

# An empty database: one admin, who makes a department and grants the roles.
database empty "$port"
printf 'schemathesis-admin' | "$bin" admin create --login admin@schemathesis.test --password-stdin
serve
admin=$(token admin@schemathesis.test schemathesis-admin)
department=$(api -H "authorization: Bearer $admin" "$base/api/v1/departments" -d '{"code":"fuzz","name":"测试部门"}' | json "['id']")
resident=$(person 13800000001 居民)
representative=$(person 13800000002 代表)
staff=$(person 13800000003 工作人员)
api -X PUT -H "authorization: Bearer $admin" "$base/api/v1/users/$representative/roles/representative" -d '{}' >/dev/null
api -X PUT -H "authorization: Bearer $admin" "$base/api/v1/users/$staff/roles/staff" -d "{\"department_id\":\"$department\"}" >/dev/null
runs empty "$(token 13800000001 fuzz-password)" "$(token 13800000002 fuzz-password)" \
  "$(token 13800000003 fuzz-password)" "$admin"

# The demo district (logins in api/src/demo/mod.rs). The client goes first, while the demo is as
# loaded.
database demo $((port + 1))
serve --demo
bash .ci/client.sh "$base"
runs demo "$(token 13800000001 demo-resident-2021)" "$(token 13900000001 demo-rep-2021)" \
  "$(token fgw@yangpu.demo demo-staff-2021)" "$(token admin@yangpu.demo demo-admin-2021)"

if [ ${#failed[@]} -gt 0 ]; then
  printf 'schemathesis failed: %s\n' "${failed[@]}"
  exit 1
fi
