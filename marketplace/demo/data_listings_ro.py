"""Demo listings in Romanian: the Mănăștur garden, the Repair Café and the
(expired) neighbourhood fairs on the Someș.

Each listing: title + group slug is the natural key; `pact` is a pact `key`
from data.PACTS; `author` an email of a member of the group. Prices: money in
bani (`price_minor`, currency RON), hours in minutes (`price_minutes`); both
None means free. Goods have `stock`; events and services have `slots`, each
(weekday, weeks from the coming one, local start "HH:MM", minutes, capacity),
local time being Europe/Bucharest. `published_days_ago` sets published_at.
"""
from __future__ import annotations

_GARDEN = "gradina-comunitara-manastur"
_REPAIR = "repair-cafe-cluj"
_COORD = "coordinator@demo.example.org"
_MEMBER = "member@demo.example.org"
_FIXER = "repair@demo.example.org"

LISTINGS_RO: tuple[dict, ...] = (
    # --- Grădina comunitară Mănăștur (pact "garden", active) ---
    {
        "title": "Grădina comunitară Mănăștur: zi de plantat răsaduri",
        "group": _GARDEN, "pact": "garden", "author": _COORD,
        "kind": "event", "category": "plants_seeds", "status": "published",
        "published_days_ago": 21,
        "slots": (("sat", 0, "10:00", 180, 25), ("sat", 1, "10:00", 180, 25),
                  ("sat", 2, "10:00", 180, 25)),
        "description": (
            "Venim cu toții la grădină și plantăm răsadurile de primăvară.\n\n"
            "- roșii, ardei, vinete și dovlecei\n"
            "- mănuși și unelte avem noi\n"
            "- copiii sunt bineveniți\n\n"
            "Încălțămintea de grădină e de folos. **Intrarea este liberă.**"
        ),
    },
    {
        "title": "Piață de legume din grădină",
        "group": _GARDEN, "pact": "garden", "author": _COORD,
        "kind": "event", "category": "food", "status": "published",
        "published_days_ago": 14,
        "slots": (("sun", 0, "09:00", 240, 40), ("sun", 2, "09:00", 240, 40),
                  ("sun", 4, "09:00", 240, 40)),
        "description": (
            "Piața de duminică a grădinii: legume culese în aceeași dimineață, "
            "verdețuri și flori. Aduceți-vă sacoșa — nu folosim pungi de plastic.\n\n"
            "Ce rămâne nevândut ajunge la cantina socială din cartier."
        ),
    },
    {
        "title": "Coș de legume de sezon",
        "group": _GARDEN, "pact": "garden", "author": _COORD,
        "kind": "good", "category": "food", "status": "published",
        "published_days_ago": 12, "price_minor": 2500, "stock": 15,
        "description": (
            "Un coș de aproximativ 4 kg cu ce dă grădina în săptămâna respectivă: "
            "salată, ridichi, ceapă verde, dovlecei, roșii.\n\n"
            "Se ridică sâmbăta între 10:00 și 13:00, de la poarta grădinii."
        ),
    },
    {
        "title": "Răsaduri de roșii „Inimă de bou”",
        "group": _GARDEN, "pact": "garden", "author": _MEMBER,
        "kind": "good", "category": "plants_seeds", "status": "published",
        "published_days_ago": 18, "price_minor": 800, "price_minutes": 30, "stock": 60,
        "description": (
            "Răsaduri crescute din semințe proprii, în ghivece compostabile. "
            "Plătiți în lei sau cu **o jumătate de oră** de muncă la grădină.\n\n"
            "Se plantează după 15 mai, la 50 cm unul de altul."
        ),
    },
    {
        "title": "Semințe tradiționale din banca de semințe",
        "group": _GARDEN, "pact": "garden", "author": _MEMBER,
        "kind": "good", "category": "plants_seeds", "status": "published",
        "published_days_ago": 40, "stock": 100,
        "description": (
            "Plicuri cu semințe de soiuri vechi din Transilvania: fasole păstăi, "
            "mărar, busuioc, dovleac de Turda.\n\n"
            "Gratuit; în toamnă aduceți înapoi câteva semințe din recoltă. "
            "Despre băncile de semințe: [Seed Savers](https://www.seedsavers.org/)."
        ),
    },
    {
        "title": "Compost matur pentru balcon (sac de 10 l)",
        "group": _GARDEN, "pact": "garden", "author": _MEMBER,
        "kind": "good", "category": "plants_seeds", "status": "published",
        "published_days_ago": 30, "price_minutes": 30, "stock": 20,
        "description": (
            "Compost din resturile vegetale ale vecinilor, maturat 9 luni și cernut. "
            "Ideal pentru ghivecele de pe balcon.\n\n"
            "Se plătește în ore din banca de timp."
        ),
    },
    {
        "title": "Atelier de compostare pentru asociațiile de proprietari",
        "group": _GARDEN, "pact": "garden", "author": _COORD,
        "kind": "event", "category": "workshop", "status": "published",
        "published_days_ago": 9, "price_minutes": 60,
        "slots": (("wed", 0, "18:00", 90, 20), ("wed", 2, "18:00", 90, 20)),
        "description": (
            "Cum pornești un compostor în curtea blocului fără mirosuri și fără "
            "certuri cu vecinii.\n\n"
            "1. ce se pune și ce nu\n"
            "2. cum aerisești grămada\n"
            "3. cum convingi asociația\n\n"
            "Fiecare participant pleacă acasă cu un ghid tipărit."
        ),
    },
    {
        "title": "Miere de la stupii din Mănăștur (borcan 400 g)",
        "group": _GARDEN, "pact": "garden", "author": _COORD,
        "kind": "good", "category": "food", "status": "published",
        "published_days_ago": 25, "price_minor": 3500, "stock": 12,
        "description": (
            "Miere polifloră de la cei doi stupi ai grădinii. Recolta e mică, "
            "deci **un borcan de persoană**.\n\nBorcanul gol se poate returna."
        ),
    },
    {
        "title": "Împrumut de unelte de grădină",
        "group": _GARDEN, "pact": "garden", "author": _MEMBER,
        "kind": "service", "category": "tools", "status": "published",
        "published_days_ago": 33,
        "slots": (("sat", 0, "09:00", 240, 8), ("sat", 1, "09:00", 240, 8)),
        "description": (
            "Sape, greble, foarfeci de tăiat, o roabă și un motocultor mic. "
            "Le ridicați sâmbăta dimineață și le aduceți înapoi până la 13:00.\n\n"
            "Gratuit pentru locuitorii din Mănăștur."
        ),
    },
    {
        "title": "Dulceață de cireșe amare",
        "group": _GARDEN, "pact": "garden", "author": _MEMBER,
        "kind": "good", "category": "food", "status": "draft",
        "price_minor": 1800, "stock": 10,
        "description": "Borcane de 350 g, din cireșii de pe marginea grădinii. *Ciornă.*",
    },
    {
        "title": "Lemne de foc din toaletarea copacilor",
        "group": _GARDEN, "pact": "garden", "author": _MEMBER,
        "kind": "good", "category": "other", "status": "hidden",
        "status_reason": "Ascuns de moderator: lemnul din spațiile verzi publice "
                         "nu se poate vinde fără avizul Direcției Spații Verzi.",
        "published_days_ago": 50, "price_minor": 15000, "stock": 3,
        "description": "Lemn de salcâm, uscat un an, tăiat la 30 cm. Un metru ster.",
    },
    # --- Repair Café Cluj (pact "repair", active, complex) ---
    {
        "title": "Repair Café: reparăm împreună aparatele mici",
        "group": _REPAIR, "pact": "repair", "author": _FIXER,
        "kind": "event", "category": "repair", "status": "published",
        "published_days_ago": 28,
        "slots": (("sat", 0, "11:00", 180, 30), ("sat", 1, "11:00", 180, 30),
                  ("sat", 2, "11:00", 180, 30), ("sat", 3, "11:00", 180, 30)),
        "description": (
            "Aduceți prăjitorul care nu mai prăjește, lampa care pâlpâie sau "
            "radioul bunicii. Îl desfacem **împreună** și învățați cum se repară.\n\n"
            "- aparate electrice mici\n- jucării\n- haine și genți\n\n"
            "Piesele de schimb le plătiți la preț de cost."
        ),
    },
    {
        "title": "Reparații de biciclete",
        "group": _REPAIR, "pact": "repair", "author": _FIXER,
        "kind": "service", "category": "repair", "status": "published",
        "published_days_ago": 20, "price_minutes": 60,
        "slots": (("tue", 0, "17:00", 60, 8), ("thu", 0, "17:00", 60, 8),
                  ("tue", 1, "17:00", 60, 8)),
        "description": (
            "Reglaj de frâne și schimbătoare, pană, lanț nou. Lucrați cu un "
            "mecanic voluntar, pe standul atelierului.\n\nO oră din banca de timp."
        ),
    },
    {
        "title": "Ascuțit cuțite și foarfece",
        "group": _REPAIR, "pact": "repair", "author": _FIXER,
        "kind": "service", "category": "repair", "status": "published",
        "published_days_ago": 11, "price_minor": 1500,
        "slots": (("sat", 0, "10:00", 120, 10), ("sat", 2, "10:00", 120, 10)),
        "description": (
            "Ascuțim pe piatră de apă cuțite de bucătărie, foarfeci și dălți. "
            "Până la cinci bucăți pe programare."
        ),
    },
    {
        "title": "Scaune recondiționate din lemn masiv",
        "group": _REPAIR, "pact": "repair", "author": _FIXER,
        "kind": "good", "category": "furniture", "status": "published",
        "published_days_ago": 16, "price_minor": 12000, "price_minutes": 120, "stock": 6,
        "description": (
            "Scaune de bucătărie din anii '70, salvate de la groapa de gunoi, "
            "încleiate din nou, șlefuite și lăcuite cu ulei de in.\n\n"
            "Plătiți 120 lei **și** două ore de ajutor la atelier."
        ),
    },
    {
        "title": "Atelier de cusut: tivuri și fermoare",
        "group": _REPAIR, "pact": "repair", "author": _FIXER,
        "kind": "event", "category": "workshop", "status": "published",
        "published_days_ago": 7, "price_minutes": 90,
        "slots": (("thu", 0, "18:00", 120, 12), ("thu", 2, "18:00", 120, 12)),
        "description": (
            "Învățați să folosiți mașina de cusut: tiv la pantaloni, fermoar nou "
            "la geacă, petice.\n\nAveți la dispoziție patru mașini de cusut."
        ),
    },
    {
        "title": "Bibliotecă de unelte: bormașină, flex, scară",
        "group": _REPAIR, "pact": "repair", "author": _FIXER,
        "kind": "service", "category": "tools", "status": "published",
        "published_days_ago": 35, "price_minutes": 30,
        "slots": (("fri", 0, "17:00", 120, 10), ("fri", 1, "17:00", 120, 10)),
        "description": (
            "Împrumutați pentru o săptămână unelte pe care le folosiți de două "
            "ori pe an. Lista completă e afișată la atelier.\n\n"
            "Despre bibliotecile de unelte: "
            "[Library of Things](https://www.libraryofthings.co.uk/)."
        ),
    },
    {
        "title": "Masă de lucru din paleți",
        "group": _REPAIR, "pact": "repair", "author": _FIXER,
        "kind": "good", "category": "furniture", "status": "draft",
        "price_minor": 25000, "stock": 2,
        "description": "Masă de atelier, 160 × 80 cm, blat din stejar recuperat.",
    },
    # --- Târguri de cartier (pact "winter": active but past its end date) ---
    {
        "title": "Târg de cartier pe malul Someșului",
        "group": _GARDEN, "pact": "winter", "author": _COORD,
        "kind": "event", "category": "festival", "status": "published",
        "published_days_ago": 120,
        "slots": (("sat", -10, "16:00", 300, 40),),
        "description": (
            "Standuri cu produse de la grădinile comunitare din oraș, muzică și "
            "ceai de plante. Fără plastic de unică folosință."
        ),
    },
    {
        "title": "Plăcinte de casă cu brânză și mere",
        "group": _REPAIR, "pact": "winter", "author": _FIXER,
        "kind": "good", "category": "food", "status": "published",
        "published_days_ago": 110, "price_minor": 1000, "stock": 0,
        "description": "Plăcinte coapte în cuptorul cu lemne al grădinii. Ambalaj din hârtie.",
    },
    {
        "title": "Atelier de jucării din materiale reciclate",
        "group": _REPAIR, "pact": "winter", "author": _FIXER,
        "kind": "event", "category": "workshop", "status": "published",
        "published_days_ago": 115, "price_minutes": 60,
        "slots": (("sun", -10, "15:00", 120, 16),),
        "description": "Jucării din conserve, dopuri și resturi de material textil.",
    },
)
