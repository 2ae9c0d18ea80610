"""A mobile app's journey through the API, using only the client generated from openapi.yaml.

Usage: client_scenario.py BASE_URL   (e.g. http://127.0.0.1:18091, a `canyu serve --demo`)
with the generated package `canyu_client` importable. Any failure exits non-zero.
"""

import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

from canyu_client import AuthenticatedClient, Client
from canyu_client.api.auth import log_in, register_account
from canyu_client.api.decisions import (
    create_decision,
    get_decision,
    list_decisions,
    open_consultation,
    publish_draft,
    submit_comment,
)
from canyu_client.api.events import list_events, list_my_signups, sign_up
from canyu_client.models import (
    ConsultationRequest,
    LoginRequest,
    NewComment,
    NewDecision,
    NewDraft,
    NewSignup,
    RegisterRequest,
    Stage,
)
from canyu_client.types import UNSET

# The demo's staff of 区发展改革委 (api/src/demo/mod.rs).
DEMO_STAFF = ("fgw@yangpu.demo", "demo-staff-2021")


def step(message):
    print(f"-- {message}", flush=True)


def expect(response, status, what):
    """The parsed body of a response, or exit with what the server said."""
    if response.status_code != status:
        sys.exit(f"FAIL {what}: HTTP {int(response.status_code)}, wanted {status}: "
                 f"{response.content.decode(errors='replace')[:500]}")
    return response.parsed


def pages(operation, **kwargs):
    """Every item of a paged list operation, following next_cursor."""
    cursor = UNSET
    while True:
        page = expect(operation.sync_detailed(limit=100, cursor=cursor, **kwargs), 200, operation.__name__)
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def logged_in(api, login, password):
    body = LoginRequest(login=login, password=password)
    session = expect(log_in.sync_detailed(client=Client(base_url=api), body=body), 200, f"log in {login}")
    # raise_on_unexpected_status: a status the spec does not document is a failure too.
    return AuthenticatedClient(base_url=api, token=session.token, raise_on_unexpected_status=True)


def open_decision(api, resident):
    """A decision taking comments now: the demo's, or else one a demo staff member opens."""
    for summary in pages(list_decisions, client=resident, stage=Stage.CONSULTATION_OPEN):
        decision = expect(get_decision.sync_detailed(summary.id, client=resident), 200, "get decision")
        if decision.consultation and decision.consultation.is_open:
            step(f"decision open for comment: {decision.title}")
            return decision

    step("no consultation open; the demo staff of 区发展改革委 opens one")
    staff = logged_in(api, *DEMO_STAFF)
    now = datetime.now(timezone.utc)
    new = NewDecision(
        year=now.year,
        title=f"客户端测试决策 {now:%Y%m%d%H%M%S}",
        summary="生成的客户端的测试。",
        background="持续集成。",
        legal_basis="《重大行政决策程序暂行条例》",
        timetable="即时征求意见",
    )
    decision = expect(create_decision.sync_detailed(client=staff, body=new), 201, "create decision")
    draft = NewDraft(body="# 总则\n\n第一条 本办法适用于本区。\n")
    expect(publish_draft.sync_detailed(decision.id, client=staff, body=draft), 201, "publish draft")
    # opens_at left out means "now" on the server's clock; 31 days needs no shortened_reason.
    window = ConsultationRequest(closes_at=now + timedelta(days=31))
    decision = expect(open_consultation.sync_detailed(decision.id, client=staff, body=window), 200,
                      "open consultation")
    if not (decision.consultation and decision.consultation.is_open):
        sys.exit("FAIL the consultation just opened is not open")
    step(f"decision opened for comment: {decision.title}")
    return decision


def main(base_url):
    api = base_url.rstrip("/") + "/api/v1"

    # Milliseconds keep the number unique on a database that earlier runs used too.
    mobile = f"139{time.time_ns() // 10**6 % 10**8:08d}"
    step(f"register resident {mobile}")
    form = RegisterRequest(login=mobile, password="client-scenario-1", display_name="客户端测试")
    expect(register_account.sync_detailed(client=Client(base_url=api), body=form), 201, "register")

    step("log in")
    resident = logged_in(api, mobile, "client-scenario-1")

    step("list events with seats and an open signup window")
    event = next((e for e in pages(list_events, client=resident, has_seats=True)
                  if e.seats_left > 0 and e.signup_open), None)
    if event is None:
        sys.exit("FAIL no event with seats left and signup open")
    step(f"event: {event.title} ({event.seats_left} seats left)")

    key = str(uuid.uuid4())
    step(f"sign up with Idempotency-Key {key}")
    first = expect(sign_up.sync_detailed(event.id, client=resident, body=NewSignup(party_size=1),
                                         idempotency_key=key), 201, "sign up")
    step("retry the same signup with the same key")
    again = expect(sign_up.sync_detailed(event.id, client=resident, body=NewSignup(party_size=1),
                                         idempotency_key=key), 201, "sign up retry")
    if again.id != first.id:
        sys.exit(f"FAIL the retry made another signup: {again.id} != {first.id}")
    step(f"same signup {first.id} ({first.status})")

    decision = open_decision(api, resident)
    step("comment as the resident")
    comment = expect(submit_comment.sync_detailed(decision.id, client=resident,
                                                  body=NewComment(body="建议增加夜间开放时段。")),
                     201, "submit comment")
    step(f"comment {comment.id}, tracking number {comment.tracking_number}")

    step("read my signups")
    mine = [s.id for s in pages(list_my_signups, client=resident)]
    if first.id not in mine:
        sys.exit(f"FAIL signup {first.id} is not among my signups {mine}")

    print("client scenario: all steps passed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
