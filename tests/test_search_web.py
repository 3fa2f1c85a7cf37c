"""Search through HTTP, on SQLite and PostgreSQL: visibility, facets, sorts,
geo, bad input, and the outbox keeping the index in step with commits."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.search_integration import handle
from models import Listing, ListingKind, ListingStatus, SearchOutbox, Slot, User, utcnow
from models.visibility import public_listings
from search import SearchParams, search
from tests.factories import make_commons, make_group, make_listing, make_pact, make_user


def found(client, q, **args):
    response = client.get("/api/v1/search", query_string={"q": q, **args})
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["results"]}


@pytest.fixture
def city(app):
    with app.app_context():
        author = make_user("author@example.org")
        group = make_group("Grădina Verde")
        pact = make_pact(group, title="Pactul grădinii")
        tomatoes = make_listing(pact, title="Roșii din grădina comunitară", author=author,
                                description="Roșii proaspete, la Piața Mănăștur.")
        db.session.commit()
        ids = {"author": author.id, "group": group.id, "pact": pact.id, "tomatoes": tomatoes.id}
    return ids


def test_published_listing_is_found_right_after_commit(client, city):
    assert found(client, "gradina") == {city["tomatoes"]}
    assert found(client, "piata manastur") == {city["tomatoes"]}


def test_page_finds_listing_and_shows_highlight(client, city):
    response = client.get("/search?q=piata")
    assert response.status_code == 200
    assert "Roșii din grădina comunitară" in response.text
    assert "<mark>Piața</mark>" in response.text


@pytest.mark.parametrize("change", ["hide", "draft", "expire_pact", "terminate_pact", "suspend_author",
                                    "delete"])
def test_listing_that_stops_being_public_disappears_at_once(app, client, city, change):
    assert found(client, "gradina") == {city["tomatoes"]}
    with app.app_context():
        listing = db.session.get(Listing, city["tomatoes"])
        if change == "hide":
            listing.transition_to(ListingStatus.HIDDEN, "spam")
        elif change == "draft":
            listing.transition_to(ListingStatus.DRAFT)
        elif change == "expire_pact":
            listing.pact.end_date = dt.date.today() - dt.timedelta(days=1)
        elif change == "terminate_pact":
            listing.pact.status = "terminated"
        elif change == "suspend_author":
            db.session.get(User, city["author"]).status = "suspended"
        else:
            db.session.delete(listing)
        db.session.commit()
        assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0  # drained after commit
        # The index itself no longer has it (not only the SQL re-check of the page).
        assert search(handle(), SearchParams(q="gradina")).total == 0
    assert found(client, "gradina") == set()


def test_drafts_never_appear(app, client, city):
    with app.app_context():
        pact = db.session.get(Listing, city["tomatoes"]).pact
        make_listing(pact, title="Ciornă grădina secretă", status=ListingStatus.DRAFT)
        db.session.commit()
    assert found(client, "secreta") == set()
    assert found(client, "gradina") == {city["tomatoes"]}


def test_pact_expiring_overnight_needs_no_write(app, city):
    with app.app_context():
        listing = db.session.get(Listing, city["tomatoes"])
        listing.pact.end_date = dt.date.today()
        db.session.commit()
        assert search(handle(), SearchParams(q="gradina")).total == 1
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        assert search(handle(), SearchParams(q="gradina", today=tomorrow)).total == 0


def test_a_changed_title_is_searchable_and_the_old_one_is_gone(app, client, city):
    with app.app_context():
        db.session.get(Listing, city["tomatoes"]).title = "Castraveți murați"
        db.session.commit()
    assert found(client, "castraveti") == {city["tomatoes"]}
    assert found(client, "comunitara") == set()  # a word only the old title had


def test_group_rename_reaches_the_index(app, client, city):
    with app.app_context():
        db.session.get(Listing, city["tomatoes"]).group.name = "Albinele Vesele"
        db.session.commit()
    assert found(client, "albinele") == {city["tomatoes"]}


def test_rolled_back_change_leaves_no_trace(app, client, city):
    with app.app_context():
        pact = db.session.get(Listing, city["tomatoes"]).pact
        make_listing(pact, title="Fantomă nepublicată")
        db.session.get(Listing, city["tomatoes"]).title = "Titlu anulat"
        assert db.session.scalar(select(func.count(SearchOutbox.id))) >= 2  # written in the transaction
        db.session.rollback()
        assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0
    assert found(client, "fantoma") == set()
    assert found(client, "anulat") == set()
    assert found(client, "rosii") == {city["tomatoes"]}


def test_bulk_orm_update_writes_outbox_rows(app, client, city):
    from sqlalchemy import update

    with app.app_context():
        db.session.execute(update(Listing).where(Listing.id == city["tomatoes"]).values(title="Dovleci copți"))
        db.session.commit()
    assert found(client, "dovleci") == {city["tomatoes"]}


def test_facet_counts_match_sql(app, client, city):
    with app.app_context():
        pact = db.session.get(Listing, city["tomatoes"]).pact
        other = make_pact(make_group("Atelierul"), commons=make_commons("Școala 5", district="Gheorgheni"))
        for i, (category, kind) in enumerate([("food", "good"), ("repair", "service"), ("repair", "event"),
                                              ("culture", "event"), ("tools", "good")]):
            listing = make_listing(other if i % 2 else pact, title=f"Oferta {i}", kind=ListingKind(kind),
                                   price_minor=500 if i % 2 else None, price_minutes=60 if i > 2 else None)
            listing.category = category
        make_listing(pact, title="Oferta ascunsă", status=ListingStatus.HIDDEN).category = "repair"
        db.session.commit()
        expected = {}
        public = public_listings().subquery()
        for name in ("category", "kind"):
            rows = db.session.execute(select(public.c[name], func.count()).group_by(public.c[name])).all()
            expected[name] = {value: count for value, count in rows}
    body = client.get("/api/v1/search").get_json()
    assert body["total"] == 6
    for name in ("category", "kind"):
        assert {f["value"]: f["count"] for f in body["facets"][name]} == expected[name]
    pricing = {f["value"]: f["count"] for f in body["facets"]["pricing"]}
    assert pricing == {"free": 3, "money": 2, "hours": 2}
    districts = {f["value"]: f["count"] for f in body["facets"]["district"]}
    assert districts == {"Centru": 4, "Gheorgheni": 2}
    narrowed = client.get("/api/v1/search", query_string={"category": "repair"}).get_json()
    assert narrowed["total"] == expected["category"]["repair"]
    assert {f["value"]: f["count"] for f in narrowed["facets"]["kind"]} == {"service": 1, "event": 1}
    assert client.get("/api/v1/search", query_string={"hours": 1}).get_json()["total"] == 2
    assert client.get("/api/v1/search", query_string={"free": 1}).get_json()["total"] == 3


def test_sorts(app, client, city):
    now = utcnow()
    with app.app_context():
        pact = db.session.get(Listing, city["tomatoes"]).pact
        cheap = make_listing(pact, title="Sort ieftin", price_minor=100)
        dear = make_listing(pact, title="Sort scump", price_minor=9000)
        hours = make_listing(pact, title="Sort ore", price_minutes=60)
        soon = make_listing(pact, title="Sort curând", kind=ListingKind.EVENT)
        later = make_listing(pact, title="Sort târziu", kind=ListingKind.EVENT)
        for listing, days in ((soon, 2), (later, 20)):
            start = now + dt.timedelta(days=days)
            db.session.add(Slot(listing=listing, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=5))
        cheap.published_at = now - dt.timedelta(days=30)
        dear.published_at = now - dt.timedelta(days=1)
        db.session.commit()
        ids = {name: x.id for name, x in (("cheap", cheap), ("dear", dear), ("hours", hours), ("soon", soon),
                                          ("later", later))}

    def order(sort):
        body = client.get("/api/v1/search", query_string={"q": "sort", "sort": sort}).get_json()
        return [item["id"] for item in body["results"]]

    by_price = order("price")
    assert by_price.index(ids["cheap"]) < by_price.index(ids["dear"]) < by_price.index(ids["hours"])
    assert order("soonest")[:2] == [ids["soon"], ids["later"]]
    by_new = order("newest")
    assert by_new.index(ids["dear"]) < by_new.index(ids["cheap"])
    assert by_new[-1] == ids["cheap"]
    assert len(order("relevance")) == 5


def test_date_range_filter(app, client, city):
    now = utcnow()
    with app.app_context():
        pact = db.session.get(Listing, city["tomatoes"]).pact
        event = make_listing(pact, title="Concert în parc", kind=ListingKind.EVENT)
        start = now + dt.timedelta(days=10)
        db.session.add(Slot(listing=event, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=5))
        db.session.commit()
        event_id = event.id
    day = (now + dt.timedelta(days=10)).date()
    assert found(client, "concert", **{"from": day.isoformat(), "to": day.isoformat()}) == {event_id}
    assert found(client, "concert", **{"from": (day + dt.timedelta(days=1)).isoformat()}) == set()
    assert found(client, "concert", to=(day - dt.timedelta(days=1)).isoformat()) == set()


def test_geo_filter_and_distance_sort(app, client, city):
    with app.app_context():
        pact = db.session.get(Listing, city["tomatoes"]).pact
        # The pact's commons is at 46.77, 23.59.
        near = make_listing(pact, title="Geo aproape", latitude=46.775, longitude=23.59)   # ~0.6 km
        mid = make_listing(pact, title="Geo mijloc", latitude=46.79, longitude=23.59)      # ~2.2 km
        far = make_listing(pact, title="Geo departe", latitude=46.90, longitude=23.59)     # ~14 km
        db.session.commit()
        ids = (near.id, mid.id, far.id)
    point = {"lat": "46.77", "lon": "23.59"}
    assert found(client, "geo", km="1", **point) == {ids[0]}
    assert found(client, "geo", km="3", **point) == {ids[0], ids[1]}
    # A bounding box alone would let a corner point in; the exact distance does not.
    assert found(client, "geo", km="15", **point) == set(ids)
    body = client.get("/api/v1/search", query_string={"q": "geo", "sort": "distance", **point}).get_json()
    assert [item["id"] for item in body["results"]] == list(ids)
    assert 0.4 < body["results"][0]["distance_km"] < 0.8


@pytest.mark.parametrize("q", ['"unbalanced quote', 'gradina "', "AND", "OR OR", "NOT", "-", "*", "gr*dina",
                               "(((", "title:", "\x00\x01\x1f gradina", "\u202egradina", "%00", "a:b:c",
                               "x" * 499 + "*"])
def test_bad_queries_never_fail(client, city, q):
    for url in ("/search", "/api/v1/search", "/api/v1/search/suggest"):
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 200, (url, q, response.status_code)


def test_too_long_query_is_refused_clearly(client, city):
    q = "gradina " * 80
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "query_too_long" and "500" in error["message"]
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 422
    assert "too long" in page.text
    assert client.get("/api/v1/search/suggest", query_string={"q": q}).status_code == 422


def test_invalid_filters_are_422_in_the_api(client, city):
    response = client.get("/api/v1/search", query_string={"kind": "spaceship", "page": "0"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"kind", "page"}


def test_pagination_caps_page_size(app, client, city):
    with app.app_context():
        pact = db.session.get(Listing, city["tomatoes"]).pact
        for i in range(55):
            make_listing(pact, title=f"Pagina {i}")
        db.session.commit()
    body = client.get("/api/v1/search", query_string={"q": "pagina", "per_page": 500}).get_json()
    assert body["per_page"] == 50 and len(body["results"]) == 50 and body["total"] == 55
    second = client.get("/api/v1/search", query_string={"q": "pagina", "per_page": 50, "page": 2}).get_json()
    assert len(second["results"]) == 5
    assert not {r["id"] for r in body["results"]} & {r["id"] for r in second["results"]}


def test_suggestions_by_prefix(client, city):
    body = client.get("/api/v1/search/suggest", query_string={"q": "gra"}).get_json()
    assert body["titles"] == ["Roșii din grădina comunitară"]
    body = client.get("/api/v1/search/suggest", query_string={"q": "foo"}).get_json()
    assert {"value": "food", "label": "Food"} in body["categories"]


def test_page_works_without_javascript_and_has_no_inline_script(client, city):
    response = client.get("/search?q=rosii&category=food")
    assert response.status_code == 200
    assert '<form method="get"' in response.text and 'name="q"' in response.text
    assert "<script>" not in response.text and "onclick" not in response.text
    assert 'src="/static/js/suggest.js"' in response.text


def test_healthz_reports_the_index(client, city):
    body = client.get("/healthz").get_json()
    assert body["checks"]["index"] == "ok"
    assert body["checks"]["index_documents"] == 1
