"""`flask search check | rebuild | sync`, and the demo data being searchable."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.search_integration import handle, index_dir
from models import Listing
from search import SearchParams, open_index, search
from search.documents import documents_for
from tests.factories import make_group, make_listing, make_pact


def _ids(q):
    return {hit.id for hit in search(handle(), SearchParams(q=q)).hits}


def test_check_detects_a_document_deleted_behind_its_back_and_rebuild_fixes_it(app, runner):
    with app.app_context():
        pact = make_pact(make_group("Grădina Unu"))
        keep = make_listing(pact, title="Dulceață de caise").id
        lost = make_listing(pact, title="Zacuscă de casă").id
        db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output
    with app.app_context():
        writer = open_index(index_dir()).writer()
        writer.delete_by_term("id", str(lost))
        writer.commit()
        assert _ids("zacusca") == set()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"1 listing(s) missing from the index: {lost}" in result.output
    result = runner.invoke(args=["search", "rebuild", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 public listing(s)" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    with app.app_context():
        assert _ids("zacusca") == {lost}
        assert _ids("caise") == {keep}


def test_check_detects_an_outdated_document(app, runner):
    with app.app_context():
        listing = make_listing(make_pact(make_group()), title="Miere de salcâm")
        db.session.commit()
        listing_id = listing.id
        doc = documents_for(db.session, [listing_id])[listing_id]
        doc["title"] = "Old title"
        writer = open_index(index_dir()).writer()
        writer.update_document(**doc)
        writer.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "outdated in the index" in result.output


def test_sync_drains_pending_changes(make_app):
    app = make_app(SEARCH_DRAIN_ON_COMMIT=False, SEARCH_POLL_SECONDS=3600)
    runner = app.test_cli_runner()
    with app.app_context():
        listing = make_listing(make_pact(make_group()), title="Brânză de burduf")
        db.session.commit()
        listing_id = listing.id
        assert _ids("branza") == set()  # committed, not yet indexed
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0 and "pending changes: 1" in result.output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "Applied 1 change(s): 1 indexed" in result.output
    with app.app_context():
        assert _ids("branza") == {listing_id}


def test_search_page_polls_the_outbox(make_app):
    """A change whose after-commit drain did not happen is picked up by the next search."""
    app = make_app(SEARCH_DRAIN_ON_COMMIT=False, SEARCH_POLL_SECONDS=0)
    with app.app_context():
        listing = make_listing(make_pact(make_group()), title="Cozonac cu nucă")
        db.session.commit()
        listing_id = listing.id
    body = app.test_client().get("/api/v1/search?q=cozonac").get_json()
    assert [r["id"] for r in body["results"]] == [listing_id]


def test_demo_load_is_searchable(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        public = db.session.query(Listing).filter(Listing.status == "published").count()
        assert public > 0
        assert _ids("gradina")
        assert _ids("piata") or _ids("piață")
