"""The demo city as plain data: people, groups, commons and pacts.

No database code here. Dates are offsets in days from the day the demo is
loaded, so the demo stays current whenever it is loaded. Listings live in
`data_listings_ro.py` (Romanian) and `data_listings_it_en.py` (Italian,
English); `LISTINGS` below joins them.
"""
from __future__ import annotations

from .data_listings_it_en import LISTINGS_IT_EN
from .data_listings_ro import LISTINGS_RO

CITY = "Cluj-Napoca"
COUNTRY = "Romania"
CURRENCY = "RON"
TIMEZONE = "Europe/Bucharest"

# One password for every demo account. Demo data only: never load it into a
# production database (the CLI refuses to unless told otherwise).
DEMO_PASSWORD = "commons-demo-2026"

# (email, what the account shows) — the README lists the same logins.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("admin@demo.example.org", "site admin"),
    ("moderator@demo.example.org", "city moderator"),
    ("researcher@demo.example.org", "researcher"),
    ("coordinator@demo.example.org", "coordinator of Grădina comunitară Mănăștur"),
    ("member@demo.example.org", "member of Grădina comunitară Mănăștur"),
    ("resident@demo.example.org", "resident, no roles"),
    ("repair@demo.example.org", "coordinator of Repair Café Cluj"),
    ("ponte@demo.example.org", "coordinator of Associazione Ponte Cluj"),
    ("tutors@demo.example.org", "coordinator of Cluj Community Tutors"),
)

# Users: email, display name, locale, site roles (SiteRole values).
USERS: tuple[dict, ...] = (
    {"email": "admin@demo.example.org", "display_name": "Andrei Pop",
     "locale": "ro", "roles": ("admin",)},
    {"email": "moderator@demo.example.org", "display_name": "Ioana Mureșan",
     "locale": "ro", "roles": ("moderator",)},
    {"email": "researcher@demo.example.org", "display_name": "Mihaela Rus",
     "locale": "en", "roles": ("researcher",)},
    {"email": "coordinator@demo.example.org", "display_name": "Maria Popescu",
     "locale": "ro", "roles": ()},
    {"email": "member@demo.example.org", "display_name": "Vlad Crișan",
     "locale": "ro", "roles": ()},
    {"email": "resident@demo.example.org", "display_name": "Elena Moldovan",
     "locale": "ro", "roles": ()},
    {"email": "repair@demo.example.org", "display_name": "Radu Bogdan",
     "locale": "ro", "roles": ()},
    {"email": "ponte@demo.example.org", "display_name": "Giulia Rossi",
     "locale": "it", "roles": ()},
    {"email": "tutors@demo.example.org", "display_name": "Ana Kovács",
     "locale": "en", "roles": ()},
)

# Groups, with their members: (email, GroupRole value).
GROUPS: tuple[dict, ...] = (
    {
        "slug": "gradina-comunitara-manastur",
        "name": "Grădina comunitară Mănăștur",
        "contact_email": "gradina.manastur@demo.example.org",
        "listings_need_review": False,
        "description": (
            "Vecini din Mănăștur care au transformat terenul viran de pe strada "
            "Primăverii într-o grădină comunitară: 24 de straturi, un compostor "
            "comun, doi stupi și o bancă de semințe tradiționale.\n\n"
            "Ne întâlnim **sâmbăta dimineața**; oricine poate veni să ajute."
        ),
        "members": (
            ("coordinator@demo.example.org", "coordinator"),
            ("member@demo.example.org", "member"),
        ),
    },
    {
        "slug": "repair-cafe-cluj",
        "name": "Repair Café Cluj",
        "contact_email": "repair@demo.example.org",
        "listings_need_review": False,
        "description": (
            "Un colectiv de meșteri voluntari: electroniști, tâmplari, croitorese "
            "și bicicliști. În fosta centrală termică de pe Aleea Slatina reparăm "
            "împreună cu proprietarii obiectele care altfel ar ajunge la gunoi.\n\n"
            "- reparații de aparate mici și biciclete\n"
            "- bibliotecă de unelte\n"
            "- mobilier recondiționat"
        ),
        "members": (("repair@demo.example.org", "coordinator"),),
    },
    {
        "slug": "associazione-ponte-cluj",
        "name": "Associazione Ponte Cluj",
        "contact_email": "ponte@demo.example.org",
        "listings_need_review": False,
        "description": (
            "Associazione culturale italo-rumena nata nel 2019 a Cluj-Napoca. "
            "Organizziamo cineforum, corsi di lingua, laboratori di cucina e "
            "serate di lettura in Piața Muzeului, per chi parla italiano e per "
            "chi vuole impararlo.\n\n"
            "*Un ponte tra Cluj e l'Italia, una serata alla volta.*"
        ),
        "members": (("ponte@demo.example.org", "coordinator"),),
    },
    {
        "slug": "cluj-community-tutors",
        "name": "Cluj Community Tutors",
        "contact_email": "tutors@demo.example.org",
        # The newest group: the city still reviews its listings.
        "listings_need_review": True,
        "description": (
            "English-speaking volunteers (students, teachers and expats) who run "
            "a free homework club, conversation evenings and coding workshops in "
            "the school yard on Strada Constantin Brâncuși, Gheorgheni.\n\n"
            "Parents and pupils welcome; most sessions are free or paid in hours."
        ),
        "members": (("tutors@demo.example.org", "coordinator"),),
    },
)

# Commons: name is the natural key; kind is a CommonsKind value.
COMMONS: tuple[dict, ...] = (
    {
        "name": "Spațiul verde de pe strada Primăverii",
        "kind": "green_area",
        "district": "Mănăștur",
        "address": "Strada Primăverii 22, 400604 Cluj-Napoca",
        "latitude": 46.7586, "longitude": 23.5561,
        "description": "Teren viran între blocuri, amenajat ca grădină comunitară.",
    },
    {
        "name": "Curtea școlii de pe strada Constantin Brâncuși",
        "kind": "school_yard",
        "district": "Gheorgheni",
        "address": "Strada Constantin Brâncuși 78, 400458 Cluj-Napoca",
        "latitude": 46.7694, "longitude": 23.6247,
        "description": "Curtea școlii, deschisă cartierului după ore și în weekend.",
    },
    {
        "name": "Fosta centrală termică de pe Aleea Slatina",
        "kind": "building",
        "district": "Mărăști",
        "address": "Aleea Slatina 4, 400388 Cluj-Napoca",
        "latitude": 46.7798, "longitude": 23.6128,
        "description": "Clădire dezafectată a termoficării, dată în folosință comunității.",
    },
    {
        "name": "Piața Muzeului",
        "kind": "square",
        "district": "Centru",
        "address": "Piața Muzeului, 400019 Cluj-Napoca",
        "latitude": 46.7712, "longitude": 23.5866,
        "description": "Piațetă pietonală în centrul istoric, lângă Biserica Franciscană.",
    },
    {
        "name": "Malul Someșului la podul Grigorescu",
        "kind": "green_area",
        "district": "Grigorescu",
        "address": "Strada Fântânele 2, 400294 Cluj-Napoca",
        "latitude": 46.7689, "longitude": 23.5637,
        "description": "Faleza și pajiștea de pe malul drept al Someșului Mic.",
    },
    {
        "name": "Strada Observatorului (tronson pietonal de weekend)",
        "kind": "street",
        "district": "Zorilor",
        "address": "Strada Observatorului 34, 400363 Cluj-Napoca",
        "latitude": 46.7561, "longitude": 23.5905,
        "description": "Tronson de stradă propus pentru închidere în weekend.",
    },
)

_CITY_RO = "Primăria Cluj-Napoca — "

# Pacts: `key` links listings to pacts inside this data; title is the natural
# key in the database. start/end are day offsets from the load day.
PACTS: tuple[dict, ...] = (
    {
        "key": "garden",
        "title": "Pact de colaborare: Grădina comunitară Mănăștur",
        "commons": "Spațiul verde de pe strada Primăverii",
        "kind": "ordinary", "status": "active", "start": -400, "end": 330,
        "groups": ("gradina-comunitara-manastur",),
        "city_office": _CITY_RO + "Direcția Ecologie Urbană și Spații Verzi",
        "aims": "Îngrijirea și folosirea în comun a spațiului verde dintre blocuri; "
                "educație pentru compost, biodiversitate și hrană locală.",
        "activities": "- straturi comunitare și răsadniță\n- compostare\n"
                      "- piață lunară de legume\n- ateliere pentru copii",
        "group_commitments": "Întreținerea straturilor, a gardului și a compostorului; "
                             "acces liber în timpul zilei; raport anual de activitate.",
        "city_commitments": "Apă pentru irigat, colectarea deșeurilor vegetale, "
                            "10 m³ de pământ vegetal pe an, asigurare de răspundere civilă.",
    },
    {
        "key": "repair",
        "title": "Repair Café în fosta centrală termică Slatina",
        "commons": "Fosta centrală termică de pe Aleea Slatina",
        "kind": "complex", "status": "active", "start": -200, "end": 530,
        "groups": ("repair-cafe-cluj",),
        "city_office": _CITY_RO + "Direcția Patrimoniu",
        "aims": "Reducerea deșeurilor prin reparații și reutilizare; un atelier "
                "deschis cartierului Mărăști.",
        "activities": "Sesiuni de reparații, bibliotecă de unelte, ateliere de "
                      "croitorie și tâmplărie, recondiționare de mobilier.",
        "group_commitments": "Amenajarea parterului, program public de două ori pe "
                             "săptămână, respectarea normelor de siguranță la foc.",
        "city_commitments": "Folosința gratuită a clădirii, racordarea la curent, "
                            "verificarea anuală a instalației electrice.",
    },
    {
        "key": "ponte",
        "title": "Piazza Ponte: serate culturale în Piața Muzeului",
        "commons": "Piața Muzeului",
        "kind": "ordinary", "status": "active", "start": -120, "end": 245,
        "groups": ("associazione-ponte-cluj",),
        "city_office": _CITY_RO + "Serviciul Relații Comunitare și Turism",
        "aims": "Animare culturală a piațetei; schimb lingvistic italo-român.",
        "activities": "Cineforum în aer liber, serate de lectură, ateliere de "
                      "gătit, sărbători de cartier.",
        "group_commitments": "Montarea și demontarea echipamentelor în aceeași zi, "
                             "liniște după ora 22:00, curățenie după fiecare eveniment.",
        "city_commitments": "Acordul de ocupare a domeniului public, branșament "
                            "electric temporar, promovare în agenda culturală a orașului.",
    },
    {
        "key": "tutors",
        "title": "Meditații și conversație în curtea școlii din Gheorgheni",
        "commons": "Curtea școlii de pe strada Constantin Brâncuși",
        "kind": "ordinary", "status": "active", "start": -60, "end": 300,
        "groups": ("cluj-community-tutors",),
        "city_office": _CITY_RO + "Direcția Generală de Asistență Socială și Medicală",
        "aims": "Sprijin școlar gratuit pentru elevii din cartier; practica limbii engleze.",
        "activities": "Clubul temelor, seri de conversație în engleză, ateliere de programare.",
        "group_commitments": "Voluntari cu cazier verificat, prezența unui adult "
                             "responsabil, raport trimestrial.",
        "city_commitments": "Acces la curte și la două săli după ore, în acord cu "
                            "conducerea școlii; materiale didactice de bază.",
    },
    {
        "key": "winter",
        "title": "Târguri de cartier pe malul Someșului, Grigorescu",
        "commons": "Malul Someșului la podul Grigorescu",
        "kind": "ordinary", "status": "active", "start": -400, "end": -30,
        "groups": ("gradina-comunitara-manastur", "repair-cafe-cluj"),
        "city_office": _CITY_RO + "Direcția Ecologie Urbană și Spații Verzi",
        "aims": "Târguri lunare de cartier, fără plastic de unică folosință.",
        "activities": "Târg de produse locale, ateliere de jucării din materiale reciclate.",
        "group_commitments": "Organizarea standurilor și curățenia zilnică a malului.",
        "city_commitments": "Branșament electric temporar și toalete ecologice.",
    },
    {
        "key": "orto",
        "title": "Orto sociale italo-rumeno",
        "commons": "Malul Someșului la podul Grigorescu",
        "kind": "ordinary", "status": "expired", "start": -900, "end": -500,
        "groups": ("associazione-ponte-cluj", "gradina-comunitara-manastur"),
        "city_office": _CITY_RO + "Direcția Ecologie Urbană și Spații Verzi",
        "aims": "Un orto sociale sperimentale per un anno.",
        "activities": "Coltivazione di pomodori e basilico, pranzi comunitari.",
        "group_commitments": "Cura delle aiuole e restituzione del terreno a fine pact.",
        "city_commitments": "Acqua e recinzione temporanea.",
    },
    {
        "key": "street",
        "title": "Stradă deschisă pe Observatorului",
        "commons": "Strada Observatorului (tronson pietonal de weekend)",
        "kind": "complex", "status": "draft", "start": 60, "end": 425,
        "groups": ("cluj-community-tutors",),
        "city_office": _CITY_RO + "Direcția Tehnică, Serviciul Siguranța Circulației",
        "aims": "Închiderea tronsonului pentru mașini în weekend; joacă și sport pe stradă.",
        "activities": "Street play duminica, fotbal pe stradă, cretă pentru copii.",
        "group_commitments": "Voluntari la capetele tronsonului, curățenie la final.",
        "city_commitments": "Indicatoare temporare și aviz de la Poliția Rutieră.",
    },
    {
        "key": "pollinators",
        "title": "Grădina de polenizatori din curtea școlii Brâncuși",
        "commons": "Curtea școlii de pe strada Constantin Brâncuși",
        "kind": "ordinary", "status": "submitted", "start": 30, "end": 760,
        "groups": ("gradina-comunitara-manastur", "cluj-community-tutors"),
        "city_office": _CITY_RO + "Direcția Ecologie Urbană și Spații Verzi",
        "aims": "Flori indigene pentru albine și fluturi; lecții în aer liber.",
        "activities": "Plantări cu elevii, hotel pentru insecte, observații lunare.",
        "group_commitments": "Plantare și udare în vacanța de vară.",
        "city_commitments": "Semințe și răsaduri din pepiniera orașului.",
    },
    {
        "key": "bikes",
        "title": "Atelier comunitar de biciclete Slatina",
        "commons": "Fosta centrală termică de pe Aleea Slatina",
        "kind": "complex", "status": "under_review", "start": 45, "end": 1140,
        "groups": ("repair-cafe-cluj",),
        "city_office": _CITY_RO + "Direcția Patrimoniu",
        "aims": "Un atelier de biciclete deschis, cu piese recuperate.",
        "activities": "Reparații asistate, cursuri de mers pe bicicletă pentru adulți.",
        "group_commitments": "Amenajarea subsolului, program de trei seri pe săptămână.",
        "city_commitments": "Rafturi pentru biciclete și acces la subsol.",
    },
)

LISTINGS: tuple[dict, ...] = LISTINGS_RO + LISTINGS_IT_EN
