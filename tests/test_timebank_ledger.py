"""Ledger services on SQLite and PostgreSQL: transfers, floors, holds, reversals,
bad input, and tampering found by `ledger check` (and refused by PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from marketplace.extensions import db
from marketplace.timebank import services
from marketplace.timebank.check import check_ledger
from marketplace.timebank.errors import InsufficientHours, InvalidAmount, TransferRefused
from models import Account, Entry, Hold, Transfer
from models.errors import Conflict, ValidationFailed
from tests.conftest import truncate_all
from tests.factories import make_group, make_user


@pytest.fixture
def bank(db_session):
    """Two residents with 2 h each (from the issuance account) and a group."""
    ana, bob = make_user(name="Ana"), make_user(name="Bob")
    group = make_group()
    issuance = services.issuance_account()
    a, b = services.ensure_user_account(ana), services.ensure_user_account(bob)
    services.transfer_hours(issuance, a, 120, reason="volunteering", reference="seed")
    services.transfer_hours(issuance, b, 120, reason="volunteering", reference="seed")
    db.session.commit()
    return {"ana": ana, "bob": bob, "group": group, "issuance": issuance, "a": a, "b": b}


def tamper(*statements: str) -> None:
    """Change rows behind the ledger's back. On PostgreSQL the append-only
    trigger is switched off first, as a database owner could: the check must
    still find what was done."""
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE entries DISABLE TRIGGER entries_append_only"))
        for statement in statements:
            conn.execute(text(statement))
        if postgres:
            conn.execute(text("ALTER TABLE entries ENABLE TRIGGER entries_append_only"))


def assert_clean():
    report = check_ledger(db.engine)
    assert report.ok, report.findings


def test_a_transfer_is_two_entries_summing_to_zero_and_moves_cached_balances(bank):
    transfer = services.transfer_hours(bank["a"], bank["b"], 45, reason="gift", reference="r1",
                                       actor=bank["ana"])
    db.session.commit()
    entries = db.session.scalars(select(Entry).where(Entry.transfer_id == transfer.id).order_by(Entry.id)).all()
    assert [(e.account_id, e.amount_minutes) for e in entries] == [(bank["a"].id, -45), (bank["b"].id, 45)]
    assert entries[1].prev_hash == entries[0].hash
    assert db.session.get(Account, bank["a"].id).balance == 75
    assert db.session.get(Account, bank["b"].id).balance == 165
    assert db.session.get(Account, bank["issuance"].id).balance == -240
    assert_clean()


def test_below_the_floor_is_refused_and_changes_nothing(bank):
    before = db.session.scalar(select(func.count(Entry.id)))
    with pytest.raises(InsufficientHours) as caught:
        services.transfer_hours(bank["a"], bank["b"], 121, reason="gift")
    db.session.rollback()
    assert "2 h can be spent, this needs 2 h 01 min" in caught.value.message
    assert db.session.get(Account, bank["a"].id).balance == 120
    assert db.session.scalar(select(func.count(Entry.id))) == before
    assert_clean()


def test_a_resident_floor_setting_allows_credit(app, db_session):
    app.config["TIMEBANK_RESIDENT_FLOOR"] = 60
    ana, bob = make_user(), make_user()
    a, b = services.ensure_user_account(ana), services.ensure_user_account(bob)
    assert a.floor == -60
    services.transfer_hours(a, b, 60, reason="gift")
    with pytest.raises(InsufficientHours):
        services.transfer_hours(a, b, 1, reason="gift")
    db.session.rollback()


@pytest.mark.parametrize("minutes", [0, -30, 1.5, 600_001, True])
def test_bad_amounts_are_refused(bank, minutes):
    with pytest.raises(InvalidAmount):
        services.transfer_hours(bank["a"], bank["b"], minutes, reason="gift")


def test_transfers_to_oneself_are_refused(bank):
    with pytest.raises(TransferRefused, match="same account"):
        services.transfer_hours(bank["a"], bank["a"], 10, reason="gift")


def test_gifts_are_off_by_default_and_refuse_oneself_and_suspended_users(app, bank):
    with pytest.raises(TransferRefused, match="not enabled"):
        services.gift_hours(bank["ana"], bank["bob"], 10)
    app.config["TIMEBANK_GIFTS_ENABLED"] = True
    with pytest.raises(TransferRefused, match="yourself"):
        services.gift_hours(bank["ana"], bank["ana"], 10)
    suspended = make_user(status="suspended")
    with pytest.raises(TransferRefused, match="suspended"):
        services.gift_hours(bank["ana"], suspended, 10)
    with pytest.raises(TransferRefused, match="no resident"):
        services.gift_hours(bank["ana"], None, 10)
    with pytest.raises(InsufficientHours):
        services.gift_hours(bank["ana"], bank["bob"], 500)
    services.gift_hours(bank["ana"], bank["bob"], 30, "thanks")
    db.session.commit()
    assert db.session.get(Account, bank["b"].id).balance == 150


def test_a_typed_gift_is_read_whole_every_problem_at_once(app, bank):
    """read_gift (the gift form's check) reports unreadable hours and a wrong recipient together."""
    with pytest.raises(ValidationFailed) as refused:
        services.read_gift(bank["ana"], "nobody@example.org", "two hours")
    assert set(refused.value.fields) == {"hours", "recipient"}
    with pytest.raises(ValidationFailed) as refused:
        services.read_gift(bank["ana"], bank["ana"].email, "1:30")
    assert refused.value.fields == {"recipient": ["Choose someone else."]}
    assert services.read_gift(bank["ana"], bank["bob"].email.upper(), "1,5") == (bank["bob"], 90)


def test_holds_lower_available_are_idempotent_and_settle_to_the_group(bank):
    hold = services.place_hold(bank["ana"], 90, "booking:1")
    again = services.place_hold(bank["ana"], 90, "booking:1")
    db.session.commit()
    assert again.id == hold.id
    a = db.session.get(Account, bank["a"].id)
    assert (a.balance, a.held, a.available) == (120, 90, 30)
    with pytest.raises(InsufficientHours):
        services.place_hold(bank["ana"], 31, "booking:2")
    db.session.rollback()
    with pytest.raises(InsufficientHours):  # held hours cannot be spent elsewhere
        services.transfer_hours(bank["a"], bank["b"], 31, reason="gift")
    db.session.rollback()
    transfer = services.settle_hold("booking:1", bank["group"].id, actor=bank["bob"])
    db.session.commit()
    assert transfer.reason == "booking_payment" and transfer.reference == "booking:1"
    a = db.session.get(Account, bank["a"].id)
    assert (a.balance, a.held) == (30, 0)
    assert services.group_account(bank["group"]).balance == 90
    assert db.session.scalar(select(Hold.status).where(Hold.reference == "booking:1")) == "settled"
    with pytest.raises(Conflict):
        services.settle_hold("booking:1", bank["group"].id)
    db.session.rollback()
    assert_clean()


def test_released_holds_give_the_hours_back_and_release_is_a_no_op_twice(bank):
    services.place_hold(bank["ana"], 60, "booking:9")
    db.session.commit()
    services.release_hold("booking:9")
    services.release_hold("booking:9")
    services.release_hold("never-held")
    db.session.commit()
    a = db.session.get(Account, bank["a"].id)
    assert (a.balance, a.held) == (120, 0)
    # The reference is free again: a new hold can be placed for it.
    assert services.place_hold(bank["ana"], 10, "booking:9").minutes == 10
    db.session.commit()
    assert_clean()


def test_reversal_points_at_the_original_once_and_not_below_a_floor(bank):
    t = services.transfer_hours(bank["a"], bank["b"], 100, reason="gift")
    db.session.commit()
    reversal = services.reverse_transfer(t, actor=bank["ana"], memo="mistake")
    db.session.commit()
    assert reversal.reverses_id == t.id and reversal.reason == "reversal"
    assert db.session.get(Account, bank["a"].id).balance == 120
    with pytest.raises(Conflict, match="already been reversed"):
        services.reverse_transfer(t)
    db.session.rollback()
    with pytest.raises(Conflict, match="cannot itself be reversed"):
        services.reverse_transfer(reversal)
    db.session.rollback()
    spent = services.transfer_hours(bank["a"], bank["b"], 120, reason="gift")
    services.transfer_hours(bank["b"], bank["a"], 0 + 240, reason="gift")
    services.transfer_hours(bank["a"], services.ensure_group_account(bank["group"]), 240, reason="gift")
    db.session.commit()
    with pytest.raises(InsufficientHours):  # Bob has nothing left to give back
        services.reverse_transfer(spent)
    db.session.rollback()
    assert_clean()


def test_adjustments_need_a_reason_and_are_audited(bank):
    from models import AuditLog

    admin = make_user()
    with pytest.raises(Exception, match="Say why"):
        services.adjust_account(admin, bank["a"], 30, "  ")
    with pytest.raises(Exception, match="non-zero"):
        services.adjust_account(admin, bank["a"], 0, "x")
    services.adjust_account(admin, bank["a"], -30, "double counted volunteering on 3 May")
    db.session.commit()
    assert db.session.get(Account, bank["a"].id).balance == 90
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "timebank.adjust"))
    assert log.reason == "double counted volunteering on 3 May" and log.after["balance"] == 90
    assert_clean()


def test_ledger_check_cli_is_clean_then_finds_a_changed_entry(app, runner, bank):
    result = runner.invoke(args=["ledger", "check"])
    assert result.exit_code == 0, result.output
    assert "Ledger OK" in result.output
    tamper("UPDATE entries SET amount_minutes = 600 WHERE id = 2")
    result = runner.invoke(args=["ledger", "check"])
    assert result.exit_code == 1
    assert "entry 2: content does not match its hash" in result.output
    assert "transfer_sum" in result.output and "[balance]" in result.output and "[total]" in result.output


def test_ledger_check_finds_removed_entries_a_wrong_cache_and_a_broken_link(app, bank):
    services.transfer_hours(bank["a"], bank["b"], 10, reason="gift")
    db.session.commit()
    tamper("DELETE FROM entries WHERE id IN (5, 6)", f"UPDATE accounts SET held = 5 WHERE id = {bank['b'].id}",
           "UPDATE entries SET prev_hash = 'x' WHERE id = 3")
    kinds = {f.kind for f in check_ledger(db.engine).findings}
    messages = " ".join(f.message for f in check_ledger(db.engine).findings)
    assert {"chain", "held", "balance", "transfer_sum"} <= kinds
    assert "ledger head points at entry 6 but the last entry is 4" in messages
    assert "entry 3: previous-hash link is broken" in messages


@pytest.mark.postgres
def test_postgres_refuses_changes_to_entries_and_transfers(pg_url):
    from marketplace import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app(dict(TEST_CONFIG, SQLALCHEMY_DATABASE_URI=pg_url))
    try:
        with app.app_context():
            ana = make_user()
            issuance = services.issuance_account()
            services.transfer_hours(issuance, services.ensure_user_account(ana), 30, reason="adjustment")
            db.session.commit()
            db.engine.dispose()
        engine = create_engine(pg_url)
        for statement in ("UPDATE entries SET amount_minutes = 600", "DELETE FROM entries",
                          "UPDATE transfers SET reason = 'gift'", "DELETE FROM transfers"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.scalar(select(func.sum(Entry.amount_minutes))) == 0
            assert conn.scalar(select(func.count(Transfer.id))) == 1
        engine.dispose()
        with app.app_context():
            assert check_ledger(db.engine).ok
            db.engine.dispose()
    finally:
        truncate_all(pg_url)
