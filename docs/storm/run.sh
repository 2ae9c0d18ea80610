#!/bin/sh
# The signup storm side by side in one run (docs/benchmarks.md). Three rounds, each of them
# pgbench on the signup transaction as it was (16 clients), pgbench on the single statement
# (16 and 32 clients), then the API itself (2,000 residents, 256 in flight, 100 seats, two
# instances on one PostgreSQL), so that each round's ratios compare figures taken within a
# minute of each other on this noisy machine. Then the table of every setup (SQLite, one and
# two instances) for the storm and the comment burst (10,000 comments, COMMENTS_IN_FLIGHT in
# flight), with each setup's peak RSS.
#   cargo build --release -p canyu -p canyu-tests --bin canyu --bin loadgen
#   CANYU_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
#   CANYU_TEST_REDIS_URL=redis://127.0.0.1:6379 RUST_LOG=error sh docs/storm/run.sh
set -eu
server=${PGSERVER:-postgres://postgres@127.0.0.1:5432}
db=canyu_storm
here=$(dirname "$0")
psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
CANYU_DATABASE_URL="$server/$db" ./target/release/canyu migrate >/dev/null
pgbench_tps() { # script clients
    psql -q "$server/$db" -f "$here/setup.sql" 2>/dev/null
    pgbench -n -c "$2" -j 2 -T 10 -f "$here/$1.sql" "$server/$db" 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}'
}
echo "round | pgbench today, 16 | statement, 16 | statement, 32 | API, 2 instances | ratios"
for round in 1 2 3; do
    today=$(pgbench_tps today 16)
    one16=$(pgbench_tps one_statement 16)
    one32=$(pgbench_tps one_statement 32)
    api=$(./target/release/loadgen 2000 100 1 256 0 postgres2 | awk '/2 instances/ {print $(NF-2)}')
    echo "$round | $today | $one16 | $one32 | $api | $(echo "$api $today $one16 $one32" |
        awk '{printf "%.2fx today, %.2fx / %.2fx the statement", $1 / $2, $1 / $3, $1 / $4}')"
done
psql -q "$server/postgres" -c "DROP DATABASE $db"
./target/release/loadgen 2000 100 3 256 "${COMMENTS_IN_FLIGHT:-32}"
