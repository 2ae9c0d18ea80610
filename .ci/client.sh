#!/usr/bin/env bash
# Proves a mobile developer can use the checked-in openapi.yaml: it must be valid OpenAPI 3.0,
# a Python client must generate from it without a single warning (a warning means a model or an
# endpoint was silently left out), and that client must carry a resident's journey through the
# running service.
# Usage: .ci/client.sh BASE_URL   (e.g. http://127.0.0.1:18091, a `canyu serve --demo`)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: .ci/client.sh BASE_URL}
spec=${CLIENT_SPEC:-openapi.yaml}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== client: tools"
# A venv of its own: pinned versions, nothing left on the machine. openapi-generator-cli ships
# its jar in the wheel and runs it on the machine's Java; the client needs only httpx and attrs,
# which openapi-python-client brings along.
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check \
  'openapi-python-client==0.29.1' 'openapi-generator-cli==7.26.0'

echo "== client: openapi-generator-cli validate $spec"
"$work/venv/bin/openapi-generator-cli" validate -i "$spec"

echo "== client: openapi-python-client generate"
# No post hooks: they would run ruff, which is not installed and only formats. The QR code is
# SVG text, a content type the generator knows only when told it is text.
cat >"$work/config.yaml" <<'EOF'
post_hooks: []
content_type_overrides:
  image/svg+xml: text/plain
EOF
if ! "$work/venv/bin/openapi-python-client" generate --path "$spec" --config "$work/config.yaml" \
  --meta none --output-path "$work/gen/canyu_client" --fail-on-warning >"$work/generate.log" 2>&1 ||
  grep -qiE 'warning|unable|error|skipping' "$work/generate.log"; then
  cat "$work/generate.log"
  echo "openapi-python-client did not generate the client cleanly from $spec"
  exit 1
fi

echo "== client: scenario against $base"
PYTHONPATH="$work/gen" "$work/venv/bin/python" .ci/client_scenario.py "$base"
