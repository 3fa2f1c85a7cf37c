"""Property-based: any sequence of transfers, holds, settlements, releases and
reversals keeps every ledger invariant, and the services agree with a simple
reference model about what is accepted and what is refused."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from marketplace import create_app
from marketplace.extensions import db
from marketplace.timebank import services
from marketplace.timebank.check import check_ledger
from marketplace.timebank.errors import InsufficientHours
from models import Account, Base
from models.errors import Conflict, DomainError
from tests.conftest import TEST_CONFIG
from tests.factories import make_group, make_user

USERS, GROUPS, REFS = 4, 2, 4
START = 180  # minutes each resident starts with

amounts = st.integers(min_value=1, max_value=400)
operations = st.lists(st.one_of(
    st.tuples(st.just("transfer"), st.integers(0, USERS - 1), st.integers(0, USERS - 1), amounts),
    st.tuples(st.just("hold"), st.integers(0, USERS - 1), st.integers(0, REFS - 1), amounts),
    st.tuples(st.just("release"), st.integers(0, REFS - 1)),
    st.tuples(st.just("settle"), st.integers(0, REFS - 1), st.integers(0, GROUPS - 1)),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
), min_size=1, max_size=25)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("props") / "ledger.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMMONS_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        application = create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
        with application.app_context():
            Base.metadata.create_all(db.engine)
        yield application
        with application.app_context():
            db.engine.dispose()


def _reset():
    db.session.rollback()
    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


class Model:
    """What the ledger should look like: balances, held, open holds, transfers."""

    def __init__(self, accounts):
        self.balance = {a: 0 for a in accounts}
        self.held = {a: 0 for a in accounts}
        self.holds = {}  # ref -> (account, minutes)
        self.transfers = []  # (legs, reversed?, is_reversal)

    def can_debit(self, account, minutes, floor=0):
        return self.balance[account] - self.held[account] - minutes >= floor

    def post(self, legs, is_reversal=False):
        for account, amount in legs:
            self.balance[account] += amount
        self.transfers.append([legs, False, is_reversal])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_random_sequences_keep_every_invariant(app, ops):
    with app.app_context():
        _reset()
        users = [make_user() for _ in range(USERS)]
        groups = [make_group() for _ in range(GROUPS)]
        issuance = services.issuance_account()
        accounts = [services.ensure_user_account(u).id for u in users]
        group_accounts = [services.ensure_group_account(g).id for g in groups]
        model = Model(accounts + group_accounts + [issuance.id])
        for account in accounts:
            services.transfer_hours(issuance, account, START, reason="volunteering")
            model.post([(issuance.id, -START), (account, START)])
        db.session.commit()
        transfer_ids = []  # every transfer posted after seeding, in order (model.transfers[USERS:])

        for op in ops:
            kind = op[0]
            try:
                if kind == "transfer":
                    _, s, d, m = op
                    expect_ok = s != d and model.can_debit(accounts[s], m)
                    t = services.transfer_hours(accounts[s], accounts[d], m, reason="gift")
                    model.post([(accounts[s], -m), (accounts[d], m)])
                    transfer_ids.append(t.id)
                elif kind == "hold":
                    _, u, r, m = op
                    ref = f"booking:{r}"
                    if ref in model.holds:
                        expect_ok = True
                        hold = services.place_hold(users[u], m, ref)
                        assert hold.minutes == model.holds[ref][1]  # the existing hold comes back
                    else:
                        expect_ok = model.can_debit(accounts[u], m)
                        services.place_hold(users[u], m, ref)
                        model.holds[ref] = (accounts[u], m)
                        model.held[accounts[u]] += m
                elif kind == "release":
                    expect_ok = True
                    ref = f"booking:{op[1]}"
                    services.release_hold(ref)
                    if ref in model.holds:
                        account, m = model.holds.pop(ref)
                        model.held[account] -= m
                elif kind == "settle":
                    ref = f"booking:{op[1]}"
                    expect_ok = ref in model.holds
                    t = services.settle_hold(ref, groups[op[2]].id)
                    account, m = model.holds.pop(ref)
                    model.held[account] -= m
                    model.post([(account, -m), (group_accounts[op[2]], m)])
                    transfer_ids.append(t.id)
                else:  # reverse
                    if not transfer_ids:
                        continue
                    index = op[1] % len(transfer_ids)
                    legs, reversed_, is_reversal = model.transfers[USERS + index]
                    back = [(a, -x) for a, x in legs]
                    expect_ok = not reversed_ and not is_reversal and all(
                        x >= 0 or a == issuance.id or model.can_debit(a, -x) for a, x in back)
                    t = services.reverse_transfer(transfer_ids[index])
                    model.transfers[USERS + index][1] = True
                    model.post(back, is_reversal=True)
                    transfer_ids.append(t.id)
                db.session.commit()
                assert expect_ok, f"{op} was accepted but the model refuses it"
            except (InsufficientHours, Conflict, DomainError) as exc:
                db.session.rollback()
                assert not expect_ok, f"{op} was refused ({exc.message}) but the model accepts it"

            for account_id, balance in model.balance.items():
                row = db.session.get(Account, account_id)
                db.session.refresh(row)
                assert (row.balance, row.held) == (balance, model.held[account_id]), op
                if row.floor is not None:
                    assert row.balance >= row.floor
        report = check_ledger(db.engine)
        assert report.ok, report.findings
