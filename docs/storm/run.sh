#!/bin/sh
# The signup storm side by side in one run (docs/benchmarks.md): pgbench on the signup
# transaction as it was, pgbench on the single statement, then the API itself (2,000
# residents, 256 in flight, 100 seats; one and two instances on one PostgreSQL) and the
# comment burst (10,000 comments, COMMENTS_IN_FLIGHT in flight).
#   cargo build --release -p canyu -p canyu-tests --bin canyu --bin loadgen
#   CANYU_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
#   CANYU_TEST_REDIS_URL=redis://127.0.0.1:6379 RUST_LOG=error sh docs/storm/run.sh
set -eu
server=${PGSERVER:-postgres://postgres@127.0.0.1:5432}
db=canyu_storm
here=$(dirname "$0")
psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
CANYU_DATABASE_URL="$server/$db" ./target/release/canyu migrate >/dev/null
for script in today one_statement; do
    for clients in 16 32; do
        psql -q "$server/$db" -f "$here/setup.sql"
        printf '%s, %s clients: ' "$script" "$clients"
        pgbench -n -c "$clients" -j 2 -T 10 -f "$here/$script.sql" "$server/$db" 2>/dev/null |
            awk '/^tps/ {printf "%s tps; ", $3} /latency average/ {printf "%s ms mean; ", $4}'
        psql -tA "$server/$db" -c "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM signups GROUP BY 1 ORDER BY 1) s"
    done
done
psql -q "$server/postgres" -c "DROP DATABASE $db"
./target/release/loadgen 2000 100 3 256 ${COMMENTS_IN_FLIGHT:-256}
