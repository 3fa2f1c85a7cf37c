"""Translation catalogues: they compile, keep placeholders, cover the code's
strings, and the pages really come out in Romanian, Italian, Polish and Hungarian.

The pages are rendered from catalogues compiled into a temporary directory, so
the tests check the .po files as they are now, not a stale .mo build product.
"""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = ("ro", "it", "pl", "hu")
MIN_COVERAGE = 0.95

# %(name)s, %(n)d, %(m)02d, %s ... ("%%" is a literal percent sign, not a placeholder)
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
# Markup that must survive translation: Markdown bold and HTML tags.
MARKUP = re.compile(r"\*\*|</?[a-zA-Z][^>]*>")


def _catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


def _placeholders(text):
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def _pairs(message):
    """(source, translation) pairs of a message, one per plural form."""
    if isinstance(message.id, (list, tuple)):
        singular, plural = message.id
        forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
        # Form 0 is the singular in every language here; the others follow msgid_plural.
        return [(singular if index == 0 else plural, form) for index, form in enumerate(forms)]
    return [(message.id, message.string)]


def _translated(message):
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return bool(message.string) and all(strings) and "fuzzy" not in message.flags


def _key(msgid):
    return tuple(msgid) if isinstance(msgid, (list, tuple)) else msgid


@pytest.fixture(scope="module")
def source_msgids():
    """The strings the code marks for translation right now (same rules as `pybabel extract`)."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None, lazy_pgettext=((1, "c"), 2))
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.add((context, _key(message)))
    return found


@pytest.fixture(scope="module")
def compiled_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("translations")
    for locale in LOCALES:
        target = out / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        with open(target / "messages.mo", "wb") as fh:
            write_mo(fh, _catalog(locale))
    return out


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_compiles_without_errors(locale):
    catalog = _catalog(locale)
    problems = [(message.id, [str(err) for err in errors]) for message, errors in catalog.check()]
    assert problems == []
    assert not catalog.fuzzy
    fuzzy = [message.id for message in catalog if message.id and "fuzzy" in message.flags]
    assert fuzzy == [], "fuzzy entries are not used at runtime; check and unflag them"
    assert catalog.num_plurals == {"ro": 3, "it": 3, "pl": 3, "hu": 2}[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_and_markup_match_the_source(locale):
    mismatches = []
    for message in _catalog(locale):
        if not message.id or not _translated(message):
            continue
        for source, translation in _pairs(message):
            if _placeholders(source) != _placeholders(translation):
                mismatches.append((source, translation))
            if sorted(MARKUP.findall(source)) != sorted(MARKUP.findall(translation)):
                mismatches.append((source, translation))
    assert mismatches == []


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_are_all_filled(locale):
    catalog = _catalog(locale)
    for message in catalog:
        if message.id and isinstance(message.id, (list, tuple)) and _translated(message):
            assert len(message.string) == catalog.num_plurals, message.id


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_covers_the_code(locale, source_msgids):
    translated = {(message.context, _key(message.id)) for message in _catalog(locale)
                  if message.id and _translated(message)}
    missing = sorted(str(msgid) for msgid in source_msgids - translated)
    coverage = 1 - len(missing) / len(source_msgids)
    assert coverage >= MIN_COVERAGE, (
        f"{locale}: {coverage:.1%} of {len(source_msgids)} strings translated; "
        f"run the extract/update steps in docs/translations.md. Missing, first 20: {missing[:20]}")


def test_template_is_in_step_with_the_catalogues():
    with open(TRANSLATIONS / "messages.pot", "rb") as fh:
        template = {(message.context, _key(message.id)) for message in read_po(fh) if message.id}
    for locale in LOCALES:
        in_catalog = {(message.context, _key(message.id)) for message in _catalog(locale) if message.id}
        assert template - in_catalog == set(), f"{locale}: run pybabel update"


@pytest.fixture
def translated_client(make_app, compiled_dir):
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(compiled_dir)).test_client()


def _page(client, locale, path):
    client.post("/language", data={"locale": locale, "next": path})
    response = client.get(path)
    return response, unescape(response.data.decode())


LOGIN = {"ro": "Autentificare", "it": "Accedi", "pl": "Zaloguj się", "hu": "Bejelentkezés"}


@pytest.mark.parametrize("locale", LOCALES)
def test_login_page_in_each_language(translated_client, locale):
    response, html = _page(translated_client, locale, "/login")
    assert response.status_code == 200
    assert f'<html lang="{locale}">' in html
    assert f"<h1>{LOGIN[locale]}</h1>" in html
    assert "Forgot your password?" not in html
    assert {"ro": "Ți-ai uitat parola?", "it": "Hai dimenticato la password?",
            "pl": "Nie pamiętasz hasła?", "hu": "Elfelejtetted a jelszavad?"}[locale] in html


@pytest.mark.parametrize("locale,words", [
    ("ro", ["Cum poți participa", "banca de timp", "Caută anunțuri"]),
    ("it", ["Come partecipare", "banca del tempo", "Cerca annunci"]),
    ("pl", ["Jak się włączyć", "banku czasu", "Szukaj ogłoszeń"]),
    ("hu", ["Hogyan vehetsz részt", "időbank", "Ajánlatok keresése"]),
])
def test_home_page_in_each_language(translated_client, locale, words):
    response, html = _page(translated_client, locale, "/")
    assert response.status_code == 200
    for word in words:
        assert word in html
    assert "How to take part" not in html


@pytest.mark.parametrize("locale,word", [
    ("ro", "Pacte de colaborare"), ("it", "Patti di collaborazione"),
    ("pl", "Pakty współpracy"), ("hu", "Együttműködési megállapodások"),
])
def test_pacts_page_in_each_language(translated_client, locale, word):
    response, html = _page(translated_client, locale, "/pacts")
    assert response.status_code == 200
    assert word in html


@pytest.mark.parametrize("locale,message", [
    ("ro", "Nu am găsit această pagină."), ("it", "Non abbiamo trovato questa pagina."),
    ("pl", "Nie znaleźliśmy tej strony."), ("hu", "Nem találjuk ezt az oldalt."),
])
def test_error_page_and_json_error_in_each_language(translated_client, locale, message):
    response, html = _page(translated_client, locale, "/no-such-page")
    assert response.status_code == 404 and message in html
    as_json = translated_client.get("/no-such-page", headers={"Accept": "application/json"})
    assert as_json.json["error"]["message"] == message


def test_form_errors_are_translated(translated_client):
    translated_client.post("/language", data={"locale": "pl", "next": "/login"})
    response = translated_client.post("/login", data={"email": "", "password": ""})
    html = unescape(response.data.decode())
    assert "To pole jest wymagane." in html or "Wpisz adres e-mail" in html
    assert "This field is required." not in html


def test_search_filter_errors_are_translated(translated_client):
    """marshmallow's own messages are English only; the schemas use ours."""
    response, html = _page(translated_client, "ro", "/search?lat=nord&lon=23.5&from=ieri&km=900")
    assert response.status_code == 422
    assert "Scrie o dată ca 2026-05-31." in html
    assert "Folosește un număr de la 0.1 la 500." in html
    assert "Not a valid" not in html and "Must be" not in html
    api = translated_client.get("/api/v1/search", query_string={"page": "0", "kind": "x"}).json["error"]
    assert api["fields"] == {"page": ["Folosește un număr de cel puțin 1."], "kind": ["Alege o opțiune."]}


def test_api_validation_errors_are_translated(translated_client):
    from tests.factories import make_user

    with translated_client.application.app_context():
        make_user("ana@example.org", password="a long enough password")
        from marketplace.extensions import db

        db.session.commit()
    translated_client.post("/language", data={"locale": "it", "next": "/"})
    translated_client.post("/login", data={"email": "ana@example.org", "password": "a long enough password"})
    response = translated_client.post("/api/v1/bookings", json={"listing_id": "x", "quantity": 0})
    error = response.json["error"]
    assert response.status_code == 422 and error["code"] == "validation_failed"
    assert error["message"] == "Alcune informazioni non sono valide."
    assert error["fields"] == {"listing_id": ["Inserisci un numero intero."], "quantity": ["Usa un numero da 1 a 100."]}


@pytest.mark.parametrize("locale,price,time", [
    ("en", "12.50", "1 h 30 min"), ("ro", "12,50", "1 h 30 min"), ("it", "12,50", "1 h 30 min"),
    ("pl", "12,50", "1 godz. 30 min"), ("hu", "12,50", "1 óra 30 perc"),
])
def test_money_and_hours_are_written_the_readers_way(translated_client, locale, price, time):
    from flask_babel import force_locale

    from marketplace.templating import hours, money

    with translated_client.application.test_request_context(), force_locale(locale):
        assert price in money(1250, "EUR")
        assert hours(90) == time
        assert hours(-45).startswith("-45 ")


def _said_in(locale, msgid, **values):
    """The catalogue's translation of `msgid` in `locale`, filled in like gettext does."""
    text = _catalog(locale).get(msgid).string
    assert text, f"{locale} has no translation of {msgid!r}"
    return text % values if values else text


def test_people_are_told_in_their_own_language_whoever_acts(translated_client):
    """The coordinator and the moderator act in English; the volunteer reads Italian, the coordinator Romanian."""
    import datetime as dt

    from flask_babel import force_locale
    from sqlalchemy import select

    from marketplace.extensions import db
    from marketplace.pacts import services as pacts
    from marketplace.timebank import volunteering
    from models import Notification, PactStatus
    from tests.factories import make_group, make_pact, make_user

    with translated_client.application.test_request_context(), force_locale("en"):
        coordinator, volunteer = make_user(name="Ana"), make_user(name="Giulia")
        moderator = make_user(roles=("moderator",))
        coordinator.locale, volunteer.locale = "ro", "it"
        group = make_group("Grădina Mănăștur", coordinator=coordinator)
        pact, submitted = make_pact(group), make_pact(group, status=PactStatus.SUBMITTED, title="Curtea școlii")
        db.session.flush()
        [log] = volunteering.log_hours(coordinator, group, pact.id, dt.date.today(), "Weeding",
                                       [(volunteer.email, 120)])
        volunteering.dispute(volunteer, log, "It was three hours")
        volunteering.decide(moderator, log, approve=False, minutes=None, reason="No sign-in sheet")
        pacts.decide_pact(moderator, submitted, "start_review")
        told = {(n.user_id, n.subject) for n in db.session.scalars(select(Notification))}

    assert (volunteer.id, _said_in("it", "%(group)s logged %(hours)s of volunteering for you",
                                   group="Grădina Mănăștur", hours=_said_in("it", "%(h)d h", h=2))) in told
    assert (volunteer.id, _said_in("it", "A moderator decided on your disputed hours")) in told
    assert (volunteer.id, "A moderator decided on your disputed hours") not in told
    assert (coordinator.id, _said_in("ro", "%(name)s disputed the hours you logged", name="Giulia")) in told
    assert (coordinator.id, _said_in("ro", "Pact “%(title)s”: %(status)s", title="Curtea școlii",
                                     status=_said_in("ro", "The city started reviewing the pact."))) in told
