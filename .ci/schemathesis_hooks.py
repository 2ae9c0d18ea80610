"""Hooks of the schemathesis runs in .ci/schemathesis.sh (loaded by .ci/schemathesis.toml)."""

import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"[!-~]{1,255}")


@schemathesis.hook
def before_call(context, case, kwargs):
    """A fresh Idempotency-Key on every request, as a client makes one per distinct request.

    Generated keys repeat ("0", "!"), and the service rightly refuses a key reused for another
    request (422 `taken`), which positive_data_acceptance and missing_required_header report as
    failures. A key the spec forbids is left alone, for the negative tests.
    """
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and VALID_KEY.fullmatch(key):
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
