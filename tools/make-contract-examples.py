#!/usr/bin/env python3
"""make-contract-examples.py - writes the FICTITIOUS contract, project and GUP
example files of layers/examples/ (no open data exists for them).

Deterministic: a fixed seed per file, so running it again gives the same
bytes. Reads only the real commune layers of layers/data/ (codes, names,
EPCI, shapes to put project points inside their commune) and
layers/zones-somme-pacte.csv / layers/scot-nord.csv for the EPCI lists.
Every row says it is fictitious in its Note column, and every file name
starts with `fictif-`. Usage: python3 tools/make-contract-examples.py
"""
import csv
import datetime as dt
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = os.environ.get("TOB_LAYERS", os.path.join(ROOT, "layers"))
OUT = os.path.join(ROOT, "layers", "examples")
NOTE = "Données fictives (exemple terrobs)"

CONTRACT_HEADERS = [
    "Code contrat", "Type", "Intitulé", "Niveau", "Code territoire",
    "Date début", "Date fin", "Diagnostic partagé",
    "Cadre d'action stratégique", "Plan d'actions", "Clause de revoyure",
    "Partenaires", "Budget", "Note"]
PROJECT_HEADERS = [
    "Code contrat", "Code projet", "Intitulé", "Axe", "Maître d'ouvrage",
    "Commune", "Longitude", "Latitude", "Coût total", "Statut", "Date début",
    "Date fin", "Date statut"]
SITE_HEADERS = ["Code site", "Nom", "Commune", "Niveau périmètre",
                "Périmètre", "Coordinateur"]
ACTION_HEADERS = ["Code site", "Code action", "Intitulé", "Volet",
                  "Référent", "Échéance", "Statut", "Date réalisation",
                  "Note"]
REPORT_HEADERS = ["Code site", "Numéro", "Date", "Volet", "Lieu", "Objet",
                  "Référent", "Statut", "Date clôture", "Note"]

VOLETS = ["renouvellement urbain", "cadre de vie et espaces publics",
          "habitat", "vie de quartier", "fragilités sociales",
          "tranquillité publique"]


def fr_date(d):
    return d.strftime("%d/%m/%Y") if d else ""


def fr_money(v):
    """Euros as a French spreadsheet exports them: no thousands separator,
    a decimal comma only when there are cents."""
    cents = round(v * 100)
    if cents % 100 == 0:
        return str(cents // 100)
    return "%d,%02d" % (cents // 100, cents % 100)


def write_csv(name, headers, rows):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(headers)
        for r in rows:
            w.writerow(r)
    print("wrote %s (%d rows)" % (name, len(rows)), file=sys.stderr)


def load_communes(name):
    with open(os.path.join(LAYERS, "data", name), encoding="utf-8") as f:
        return json.load(f)["features"]


def epci_list(path, zone_code=None):
    with open(os.path.join(LAYERS, path), encoding="utf-8") as f:
        return [r["member_code"] for r in csv.DictReader(f)
                if zone_code is None or r["zone_code"] == zone_code]


# ---- points inside communes (ray casting on the GeoJSON rings) ----------

def in_ring(x, y, ring):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_feature(x, y, geom):
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" \
        else [geom["coordinates"]]
    for poly in polys:
        if in_ring(x, y, poly[0]) and not any(in_ring(x, y, h)
                                              for h in poly[1:]):
            return True
    return False


def point_in(rng, feature):
    """A point well inside the commune: inside its polygon and inside it
    again 150 m around, so simplified borders never move it out."""
    geom = feature["geometry"]
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" \
        else [geom["coordinates"]]
    xs = [p[0] for poly in polys for p in poly[0]]
    ys = [p[1] for poly in polys for p in poly[0]]
    d = 0.002
    for _ in range(5000):
        x = rng.uniform(min(xs), max(xs))
        y = rng.uniform(min(ys), max(ys))
        if all(in_feature(x + dx, y + dy, geom)
               for dx, dy in ((0, 0), (d, 0), (-d, 0), (0, d), (0, -d))):
            return round(x, 5), round(y, 5)
    raise SystemExit("no inner point for " + feature["properties"]["code"])


# ---- projects -------------------------------------------------------------

TITLES = {
    "Développement économique et emploi": [
        "Extension de la zone d'activités", "Création d'un atelier relais",
        "Requalification de la friche industrielle",
        "Aménagement d'une pépinière d'entreprises",
        "Création d'un espace de coworking",
        "Aménagement du marché couvert"],
    "Aménagement, cadre de vie et habitat": [
        "Aménagement du centre-bourg", "Requalification de la place",
        "Rénovation énergétique de la mairie",
        "Réhabilitation de logements communaux",
        "Aménagement des abords de l'église", "Création d'un cimetière paysager",
        "Enfouissement des réseaux", "Réfection de la voirie communale"],
    "Solidarités, santé et services": [
        "Création d'une maison de santé pluriprofessionnelle",
        "Extension de la crèche", "Création d'un relais petite enfance",
        "Aménagement d'une résidence seniors",
        "Création d'un espace France services",
        "Réhabilitation du centre social"],
    "Éducation, sport et culture": [
        "Réhabilitation de la salle des sports", "Extension de l'école",
        "Construction d'une médiathèque", "Aménagement d'un city-stade",
        "Restauration de l'église", "Rénovation de la salle des fêtes",
        "Création d'un terrain de football synthétique",
        "Mise en accessibilité de l'école"],
    "Mobilité et environnement": [
        "Création d'une liaison cyclable", "Aménagement d'un pôle d'échanges",
        "Sécurisation de la traversée du village",
        "Création d'un bassin de tamponnement",
        "Plantation de haies bocagères",
        "Réhabilitation de la station d'épuration",
        "Aménagement d'une aire de covoiturage"],
}
AXES = list(TITLES)


def cost(rng, lo=15000, hi=4000000):
    v = rng.lognormvariate(12.3, 1.0)
    v = min(max(v, lo), hi)
    if rng.random() < 0.8:
        return round(v, -2)
    return round(v, 2)


def funding(rng, total, financers, share_main):
    """Splits up to the total among financers; the first is the contract's
    main financer at share_main (a fraction range)."""
    left = total
    out = []
    main = round(total * rng.uniform(*share_main), -2)
    main = min(main, left)
    out.append(main)
    left -= main
    for _ in financers[1:-1]:
        if rng.random() < 0.45 and left > 0:
            v = min(round(total * rng.uniform(0.05, 0.3), -2), left)
        else:
            v = 0
        out.append(v)
        left -= v
    out.append(round(left, 2))  # the owner pays the rest
    return out


def status_plan(rng, n, n_engage, n_realise, n_abandonne):
    statuses = (["engagé"] * n_engage + ["réalisé"] * n_realise +
                ["abandonné"] * n_abandonne)
    statuses += ["prévu"] * (n - len(statuses))
    rng.shuffle(statuses)
    return statuses


def project_dates(rng, status, first, last, as_of):
    """Dates consistent with the statuses as of a date: engaged and done
    projects started before it, done ones ended before it."""
    def between(a, b):
        return a + dt.timedelta(days=rng.randrange(0, max(1, (b - a).days)))
    if status in ("engagé", "réalisé"):
        start = between(first, min(last, as_of) - dt.timedelta(days=200))
    else:
        start = between(first, last - dt.timedelta(days=200))
    end = start + dt.timedelta(days=rng.randrange(180, 900))
    sdate = None
    if status == "engagé":
        sdate = min(start + dt.timedelta(days=rng.randrange(-60, 120)), as_of)
    elif status == "réalisé":
        end = min(end, as_of - dt.timedelta(days=rng.randrange(0, 60)))
        start = min(start, end - dt.timedelta(days=90))
        sdate = end + dt.timedelta(days=rng.randrange(0, 45))
        sdate = min(sdate, as_of)
    elif status == "abandonné":
        sdate = min(start + dt.timedelta(days=rng.randrange(30, 400)), as_of)
    return start, end, sdate


def commune_owner(name):
    for article, prep in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return "Commune " + prep + name[len(article):]
    if name[0] in "AEIOUYÉÈÂÎ":
        return "Commune d'" + name
    return "Commune de " + name


def owner_for(rng, commune, epci_names, extra):
    r = rng.random()
    if r < 0.62:
        return commune_owner(commune["properties"]["nom"])
    if r < 0.85:
        return epci_names[commune["properties"]["siren_epci"]]
    return rng.choice(extra)


def make_projects(rng, contract, communes, n, statuses, period, financers,
                  share_main, epci_names, extra_owners, n_point, n_whole):
    rows, funds = [], []
    located = list(range(n - n_whole))
    by_point = set(rng.sample(located, n_point))
    for i in range(n):
        axis = AXES[rng.randrange(len(AXES))]
        title = rng.choice(TITLES[axis])
        status = statuses[i]
        start, end, sdate = project_dates(rng, status, *period)
        total = cost(rng)
        fund = funding(rng, total, financers, share_main)
        if i >= n - n_whole:
            commune, code, lon, lat = None, "", "", ""
            owner = rng.choice(list(epci_names.values()))
            title = title + " (échelle du territoire)"
        else:
            commune = communes[rng.randrange(len(communes))]
            owner = owner_for(rng, commune, epci_names, extra_owners)
            code, lon, lat = commune["properties"]["code"], "", ""
            if i in by_point:
                lon, lat = point_in(rng, commune)
                code = ""
            title = "%s - %s" % (title, commune["properties"]["nom"])
        rows.append([contract, "P%03d" % (i + 1), title, axis, owner, code,
                     lon, lat, fr_money(total), status, fr_date(start),
                     fr_date(end), fr_date(sdate)] +
                    [fr_money(v) if v else "" for v in fund] + [NOTE])
        funds.append(fund)
    return rows


def project_headers(financers):
    return PROJECT_HEADERS + ["financement:" + f for f in financers] + \
        ["Note"]


def contract_row(code, kind, name, level, terr, start, end, phases,
                 partners, budget):
    return [code, kind, name, level, terr, fr_date(start), fr_date(end)] + \
        [fr_date(p) for p in phases] + ["; ".join(partners),
                                        fr_money(budget), NOTE]


def d(y, m, day):
    return dt.date(y, m, day)


def cambresis():
    """Nord's contrat de territoire of the Cambrésis SCoT, 2012-2017:
    280 projects, 91 engaged (62 engagés + 29 réalisés)."""
    rng = random.Random(5901)
    epcis = epci_list("scot-nord.csv", "S59-CA")
    feats = [f for f in load_communes("communes-59-nord.geojson")
             if f["properties"]["siren_epci"] in epcis]
    names = {f["properties"]["siren_epci"]: f["properties"]["nom_epci"]
             for f in feats}
    partners = ["Département du Nord"] + [names[e] for e in epcis] + \
        ["Syndicat mixte du SCoT du Cambrésis"]
    write_csv("fictif-cambresis-contrat.csv", CONTRACT_HEADERS, [
        contract_row("CT59-CAMBRESIS", "contrat de territoire",
                     "Contrat de territoire du Cambrésis 2012-2017", "scot",
                     "S59-CA", d(2012, 1, 1), d(2017, 12, 31),
                     [d(2011, 9, 15), d(2012, 3, 16), d(2012, 6, 29),
                      d(2015, 6, 26)], partners, 38500000)])
    financers = ["Département du Nord", "Région Nord-Pas-de-Calais", "État",
                 "Europe (FEDER)", "Maître d'ouvrage"]
    statuses = status_plan(rng, 280, 62, 29, 14)
    rows = make_projects(rng, "CT59-CAMBRESIS", feats, 280, statuses,
                         (d(2012, 3, 1), d(2017, 9, 30), d(2017, 12, 31)), financers,
                         (0.15, 0.4), names,
                         ["Département du Nord", "Partenord Habitat",
                          "Syndicat mixte du SCoT du Cambrésis",
                          "Noréade"], 60, 6)
    write_csv("fictif-cambresis-projets.csv", project_headers(financers),
              rows)


def somme_pacte():
    """The Somme's PACTe: one contract per EPCI of the three PACTe zones,
    2021-2026, with their projects and financial follow-up."""
    rng = random.Random(8001)
    feats = load_communes("communes-80-somme.geojson")
    names = {f["properties"]["siren_epci"]: f["properties"]["nom_epci"]
             for f in feats}
    contracts, projects = [], []
    financers = ["Département de la Somme", "État (DETR-DSIL)",
                 "Région Hauts-de-France", "Maître d'ouvrage"]
    for k, epci in enumerate(epci_list("zones-somme-pacte.csv")):
        code = "PACTE80-%02d" % (k + 1)
        communes = [f for f in feats
                    if f["properties"]["siren_epci"] == epci]
        n = rng.randrange(6, 15)
        budget = round(rng.uniform(1.5e6, 6e6), -4)
        contracts.append(contract_row(
            code, "PACTe", "PACTe 2021-2026 - " + names[epci], "epci", epci,
            d(2021, 1, 1), d(2026, 12, 31),
            [d(2020, 10, 1), d(2021, 2, 5), d(2021, 6, 25), d(2024, 3, 15)],
            ["Département de la Somme", names[epci]], budget))
        n_eng = rng.randrange(n // 4, n // 2 + 1)
        n_real = rng.randrange(0, n // 4 + 1)
        statuses = status_plan(rng, n, n_eng, n_real, rng.randrange(0, 2))
        projects += make_projects(rng, code, communes, n, statuses,
                                  (d(2021, 3, 1), d(2026, 6, 30), d(2026, 6, 30)), financers,
                                  (0.2, 0.5), names, ["Département de la Somme"],
                                  n // 5, 1 if n > 10 else 0)
    write_csv("fictif-somme-pacte-contrats.csv", CONTRACT_HEADERS, contracts)
    write_csv("fictif-somme-pacte-projets.csv", project_headers(financers),
              projects)


ACTIONS = {
    "renouvellement urbain": [
        "Information des locataires sur le relogement",
        "Gestion des espaces en attente de démolition",
        "Sécurisation des abords du chantier"],
    "cadre de vie et espaces publics": [
        "Réfection de l'éclairage public", "Enlèvement des dépôts sauvages",
        "Remplacement du mobilier urbain", "Reprise des cheminements piétons",
        "Renforcement du nettoiement"],
    "habitat": [
        "Diagnostic des halls d'immeubles", "Remise en état des caves",
        "Lutte contre les nuisibles", "Réparation des interphones"],
    "vie de quartier": [
        "Fête de quartier", "Marche exploratoire avec les habitants",
        "Jardins partagés", "Permanence du conseil citoyen"],
    "fragilités sociales": [
        "Repérage des personnes isolées", "Accompagnement des impayés",
        "Permanence d'accès aux droits"],
    "tranquillité publique": [
        "Présence de médiateurs en soirée", "Cellule de veille tranquillité",
        "Traitement des épaves de véhicules"],
}
OBJECTS = {
    "renouvellement urbain": ["Palissade de chantier dégradée",
                              "Bâtiment muré squatté"],
    "cadre de vie et espaces publics": [
        "Éclairage en panne", "Dépôt sauvage", "Nid-de-poule",
        "Banc cassé", "Poubelle débordante", "Tags"],
    "habitat": ["Ascenseur en panne", "Porte de hall forcée",
                "Infiltration d'eau", "Cafards signalés"],
    "vie de quartier": ["Salle associative fermée", "Aire de jeux abîmée"],
    "fragilités sociales": ["Personne âgée isolée", "Famille sans chauffage"],
    "tranquillité publique": ["Rodéo motorisé", "Regroupement bruyant",
                              "Véhicule épave", "Incivilités en hall"],
}
# Mean closing delay (days) by volet: some partners are slower than others.
DELAYS = {"renouvellement urbain": 40, "cadre de vie et espaces publics": 9,
          "habitat": 21, "vie de quartier": 15, "fragilités sociales": 30,
          "tranquillité publique": 12}
REFERENT_OF = {"renouvellement urbain": "MOUS",
               "cadre de vie et espaces publics": "Ville",
               "habitat": "Bailleur", "vie de quartier": "Centre social",
               "fragilités sociales": "Centre social",
               "tranquillité publique": "CLSPD"}


def gup(prefix, sites, seed, year, places):
    """Sites, actions per volet and a year of signalements."""
    rng = random.Random(seed)
    partners = ["Ville", "Bailleur", "CLSPD", "MOUS", "Centre social"]
    site_rows = []
    for code, name, commune, level, perim, who, refs in sites:
        site_rows.append([code, name, commune, level, perim, who] + refs +
                         [NOTE])
    write_csv("fictif-%s-gup-sites.csv" % prefix,
              SITE_HEADERS + ["référent:" + p for p in partners] + ["Note"],
              site_rows)
    actions, reports = [], []
    for code, _, _, _, _, _, refs in sites:
        present = {p for p, name in zip(partners, refs) if name}

        def referent(volet):
            who = REFERENT_OF[volet]
            return who if who in present else "Ville"
        n = 0
        for volet in VOLETS:
            for title in rng.sample(ACTIONS[volet],
                                    rng.randrange(1, len(ACTIONS[volet]) + 1)):
                n += 1
                due = d(year, 1, 1) + dt.timedelta(days=rng.randrange(30, 540))
                st = rng.choices(["prévu", "engagé", "réalisé", "abandonné"],
                                 [3, 4, 4, 1])[0]
                done = ""
                if st == "réalisé":
                    done = fr_date(min(due - dt.timedelta(
                        days=rng.randrange(-40, 90)), d(year + 1, 6, 30)))
                actions.append([code, "A%02d" % n, title, volet,
                                referent(volet), fr_date(due), st, done,
                                NOTE])
        for k in range(rng.randrange(140, 220)):
            volet = rng.choices(VOLETS, [1, 6, 4, 1, 1, 3])[0]
            when = d(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
            delay = int(rng.expovariate(1 / DELAYS[volet]))
            closed = when + dt.timedelta(days=delay)
            is_open = closed > d(year, 12, 31) or rng.random() < 0.08
            reports.append([code, "S%04d" % (k + 1), fr_date(when), volet,
                            rng.choice(places[code]),
                            rng.choice(OBJECTS[volet]), referent(volet),
                            "ouvert" if is_open else "clos",
                            "" if is_open else fr_date(closed), NOTE])
    reports.sort(key=lambda r: (r[0], r[2][6:] + r[2][3:5] + r[2][:2]))
    write_csv("fictif-%s-gup-actions.csv" % prefix, ACTION_HEADERS, actions)
    write_csv("fictif-%s-gup-signalements.csv" % prefix, REPORT_HEADERS,
              reports)


def calais():
    refs = [["Mme C. Lemaire", "M. D. Caron", "Mme E. Vasseur",
             "M. F. Dufour", "Mme G. Lefort"],
            ["M. H. Boulanger", "Mme I. Delattre", "Mme E. Vasseur",
             "M. F. Dufour", "M. J. Fournier"],
            ["Mme K. Leclercq", "M. D. Caron", "Mme E. Vasseur", "",
             "Mme L. Roussel"]]
    sites = [
        ("CAL-BEAU-MARAIS", "Beau Marais", "62193", "qpv", "QN06254M",
         "Mme A. Martin", refs[0]),
        ("CAL-FORT-NIEULAY", "Fort-Nieulay", "62193", "qpv", "QN06253M",
         "Mme A. Martin", refs[1]),
        ("CAL-CENTRE-VILLE", "Centre-Ville", "62193", "commune", "62193",
         "M. B. Petit", refs[2]),
    ]
    places = {
        "CAL-BEAU-MARAIS": ["Résidence A, hall 2", "Résidence B, hall 5",
                            "Parking nord", "Square central",
                            "Abords du groupe scolaire", "Allée piétonne"],
        "CAL-FORT-NIEULAY": ["Tour 1, hall 1", "Tour 3, hall 2",
                             "Parking du stade", "Aire de jeux",
                             "Abords du centre social"],
        "CAL-CENTRE-VILLE": ["Place centrale", "Rue commerçante",
                             "Parking souterrain", "Jardin public",
                             "Abords de la gare"],
    }
    gup("calais", sites, 6201, 2025, places)


def la_seyne():
    """La Seyne-sur-Mer (83126): NPNRU convention over the QPV Berthe (the
    "quartier Nord") and Centre-Ville, and GUP on both."""
    rng = random.Random(8312)
    feats = [f for f in load_communes(
        "communes-83-toulon-provence-mediterranee.geojson")
        if f["properties"]["code"] == "83126"]
    names = {"248300543": "Métropole Toulon-Provence-Méditerranée"}
    write_csv("fictif-la-seyne-contrat.csv", CONTRACT_HEADERS, [
        contract_row("NPNRU-83126", "convention NPNRU",
                     "Convention NPNRU de La Seyne-sur-Mer - Nord "
                     "(Berthe) et Centre-Ville", "commune", "83126",
                     d(2019, 7, 1), d(2030, 12, 31),
                     [d(2017, 5, 10), d(2018, 11, 20), d(2019, 7, 1),
                      d(2024, 10, 15)],
                     ["ANRU", "État", "Ville de La Seyne-sur-Mer",
                      "Métropole Toulon-Provence-Méditerranée",
                      "Bailleurs sociaux", "Banque des Territoires"],
                     182000000)])
    financers = ["ANRU", "Ville", "Métropole", "Bailleurs", "Région Sud",
                 "Maître d'ouvrage"]
    statuses = status_plan(rng, 36, 14, 7, 2)
    rows = make_projects(rng, "NPNRU-83126", feats, 36, statuses,
                         (d(2019, 9, 1), d(2030, 6, 30), d(2026, 6, 30)), financers,
                         (0.25, 0.45), names,
                         ["Ville de La Seyne-sur-Mer", "Bailleur social"],
                         24, 0)
    write_csv("fictif-la-seyne-projets.csv", project_headers(financers),
              rows)
    refs = [["M. M. Giraud", "Mme N. Fabre", "M. O. Garcia", "Mme P. Blanc",
             "M. Q. Morel"],
            ["M. M. Giraud", "Mme R. Henry", "M. O. Garcia", "Mme P. Blanc",
             ""]]
    sites = [
        ("SEY-NORD", "Nord (Berthe)", "83126", "qpv", "QN08308M",
         "Mme S. Roux", refs[0]),
        ("SEY-CENTRE-VILLE", "Centre-Ville", "83126", "qpv", "QN08309M",
         "Mme S. Roux", refs[1]),
    ]
    places = {"SEY-NORD": ["Bâtiment 4, hall B", "Parvis du centre commercial",
                           "Parking des tours", "Allée des platanes",
                           "City-stade"],
              "SEY-CENTRE-VILLE": ["Place du marché", "Rue piétonne",
                                   "Port, quai", "Immeuble dégradé, entrée",
                                   "Square"]}
    gup("la-seyne", sites, 8313, 2025, places)


def cacem():
    """CA du Centre de la Martinique (CACEM, 249720061): contrat de ville
    Engagements Quartiers 2030, projects in its four communes."""
    rng = random.Random(9720)
    feats = [f for f in load_communes("communes-972-martinique.geojson")
             if f["properties"]["siren_epci"] == "249720061"]
    names = {"249720061": "CA du Centre de la Martinique"}
    write_csv("fictif-cacem-contrat.csv", CONTRACT_HEADERS, [
        contract_row("CV972-CACEM", "contrat de ville",
                     "Contrat de ville Engagements Quartiers 2030 - CACEM",
                     "epci", "249720061", d(2024, 1, 1), d(2030, 12, 31),
                     [d(2023, 6, 1), d(2023, 12, 15), d(2024, 4, 12),
                      d(2027, 6, 30)],
                     ["État", "CA du Centre de la Martinique",
                      "Collectivité Territoriale de Martinique",
                      "Ville de Fort-de-France", "Ville du Lamentin",
                      "Ville de Schœlcher", "Ville de Saint-Joseph", "CAF"],
                     24000000)])
    financers = ["État", "CACEM", "CTM", "Europe (FEDER)", "Maître d'ouvrage"]
    statuses = status_plan(rng, 42, 15, 6, 1)
    rows = make_projects(rng, "CV972-CACEM", feats, 42, statuses,
                         (d(2024, 2, 1), d(2030, 6, 30), d(2026, 6, 30)), financers,
                         (0.2, 0.5), names, ["Association locale"], 12, 2)
    write_csv("fictif-cacem-projets.csv", project_headers(financers), rows)


def main():
    cambresis()
    somme_pacte()
    calais()
    la_seyne()
    cacem()


if __name__ == "__main__":
    main()
