/* programme_vocab.c - the kinds, their documented columns and the shared
 * vocabulary of contracts, projects and GUP tables. */
#include "terrobs/programme.h"

#include "terrobs/cells.h"

#include <string.h>

static const char *const kind_names[TOB_PROG_N_KINDS] = {
    "contracts", "projects", "gup-sites", "gup-actions", "gup-reports"};

const char *tob_programme_kind_name(tob_programme_kind_t kind)
{
    return (unsigned)kind < TOB_PROG_N_KINDS ? kind_names[kind] : "?";
}

tob_status_t tob_programme_kind_parse(const char *name,
                                      tob_programme_kind_t *out,
                                      tob_error_t *err)
{
    for (size_t i = 0; i < TOB_PROG_N_KINDS; i++)
        if (name != NULL && strcmp(name, kind_names[i]) == 0) {
            *out = (tob_programme_kind_t)i;
            return TOB_OK;
        }
    return tob_error_set(err, TOB_ERR_ARG,
                         "unknown kind '%s' (contracts, projects, gup-sites, "
                         "gup-actions, gup-reports)",
                         name != NULL ? name : "");
}

/* Columns: header, aliases, required, example, help. The example values
 * are fictitious; the note column marks the row (TOB_PROG_EXAMPLE_NOTE). */
#define NOTE_EXAMPLE TOB_PROG_EXAMPLE_NOTE " : supprimer cette ligne"

static const tob_column_t contract_columns[] = {
    {"Code contrat", "code", 1, "CT-EXEMPLE", "contract code, unique"},
    {"Type", "type_contrat|nature", 1, "contrat de territoire",
     "contrat de territoire, PACTe, contrat de ville, convention NPNRU, "
     "autre"},
    {"Intitulé", "nom|nom_contrat|libelle", 1, "Contrat de territoire exemple",
     "name of the contract"},
    {"Niveau", "niveau_territoire", 1, "scot",
     "level of its territory: commune, epci, scot, zone, qpv..."},
    {"Code territoire", "territoire", 1, "S59-CA",
     "code of its territory at that level"},
    {"Date début", "debut", 0, "01/01/2012", "start of the period"},
    {"Date fin", "fin", 0, "31/12/2017", "end of the period"},
    {"Diagnostic partagé", "diagnostic", 0, "15/09/2011",
     "date of the phase (each phase column is optional)"},
    {"Cadre d'action stratégique", "cadre_strategique", 0, "15/03/2012",
     "date of the phase"},
    {"Plan d'actions", "plan_actions", 0, "29/06/2012", "date of the phase"},
    {"Clause de revoyure", "revoyure", 0, "30/06/2015", "date of the phase"},
    {"Partenaires", "signataires", 0, "Département du Nord; CA de Cambrai",
     "signatory partners, separated by ';'"},
    {"Budget", "montant|enveloppe", 0, "12500000",
     "budget of the contract in euros"},
    {"Note", "commentaire|source", 0, NOTE_EXAMPLE, "free text"},
};

static const tob_column_t project_columns[] = {
    {"Code contrat", "", 1, "CT-EXEMPLE", "code of an imported contract"},
    {"Code projet", "code|n°|numero", 1, "P001",
     "project code, unique within its contract"},
    {"Intitulé", "titre|libelle|nom_projet|projet", 1,
     "Réhabilitation de la salle des sports", "title"},
    {"Axe", "theme|thematique|axe_strategique", 0, "Cadre de vie",
     "axis or theme of the contract"},
    {"Maître d'ouvrage", "maitre_ouvrage|mo|porteur", 0, "Commune de Caudry",
     "project owner"},
    {"Commune", "code_commune|code_insee|insee", 0, "59139",
     "INSEE code of the commune where it is (or give a point)"},
    {"Longitude", "lon|x", 0, "", "WGS 84 (EPSG:4326) longitude"},
    {"Latitude", "lat|y", 0, "", "WGS 84 (EPSG:4326) latitude"},
    {"Coût total", "cout|montant_total|cout_total_ht", 0, "250000",
     "total cost in euros, >= 0"},
    {"Statut", "etat", 1, "engagé", "prévu, engagé, réalisé, abandonné"},
    {"Date début", "debut", 0, "01/03/2013", "planned start"},
    {"Date fin", "fin|echeance|date_fin_prevue", 0, "31/12/2014",
     "planned end: past it and not réalisé, the project is late"},
    {"Date statut", "date_engagement", 0, "15/02/2013",
     "date the status was reached"},
    {"financement:", "", 0, "100000",
     "one column per financer, e.g. 'financement:Département du Nord', "
     "amount in euros"},
    {"Note", "commentaire|source", 0, NOTE_EXAMPLE, "free text"},
};

static const tob_column_t site_columns[] = {
    {"Code site", "code", 1, "GUP-EXEMPLE", "site code, unique"},
    {"Nom", "nom_site|intitule", 1, "Quartier exemple", "name of the site"},
    {"Commune", "code_commune|code_insee|insee", 1, "62193",
     "INSEE code of its commune"},
    {"Niveau périmètre", "niveau", 0, "qpv",
     "level of the perimeter codes (default commune)"},
    {"Périmètre", "perimetre_codes", 0, "QN06254M",
     "territory codes separated by ';' (default: the commune)"},
    {"Coordinateur", "coordination|coordinatrice", 0, "Mme A. Exemple",
     "GUP coordinator"},
    {"référent:", "", 0, "M. B. Exemple",
     "one column per partner, e.g. 'référent:Ville', 'référent:Bailleur'"},
    {"Note", "commentaire|source", 0, NOTE_EXAMPLE, "free text"},
};

static const tob_column_t action_columns[] = {
    {"Code site", "", 1, "GUP-EXEMPLE", "code of an imported site"},
    {"Code action", "code|n°|numero", 0, "A01",
     "unique within the site (default: A and the row number)"},
    {"Intitulé", "action|libelle|titre", 1, "Réfection de l'éclairage",
     "what is to be done"},
    {"Volet", "", 1, "cadre de vie et espaces publics",
     "renouvellement urbain, cadre de vie et espaces publics, habitat, vie "
     "de quartier, fragilités sociales, tranquillité publique"},
    {"Référent", "partenaire|pilote", 0, "Ville",
     "a partner with a referent for the site"},
    {"Échéance", "date_echeance|date_limite", 0, "30/06/2025", "due date"},
    {"Statut", "etat", 1, "engagé", "prévu, engagé, réalisé, abandonné"},
    {"Date réalisation", "realisation", 0, "", "date it was done"},
    {"Note", "commentaire|source", 0, NOTE_EXAMPLE, "free text"},
};

static const tob_column_t report_columns[] = {
    {"Code site", "", 1, "GUP-EXEMPLE", "code of an imported site"},
    {"Numéro", "code|n°|numero_signalement", 0, "S0001",
     "unique within the site (default: S and the row number)"},
    {"Date", "date_signalement", 1, "06/01/2025", "date of the signalement"},
    {"Volet", "", 1, "tranquillité publique", "one of the six volets"},
    {"Lieu", "adresse|localisation", 0, "Hall 3, résidence exemple", "place"},
    {"Objet", "description|dysfonctionnement", 0, "Éclairage en panne",
     "what is wrong"},
    {"Référent", "partenaire|pilote", 0, "Bailleur",
     "partner in charge (a referent of the site)"},
    {"Statut", "etat", 1, "clos", "ouvert or clos"},
    {"Date clôture", "date_cloture_signalement|cloture", 0, "20/01/2025",
     "required when clos, not before the date"},
    {"Note", "commentaire|source", 0, NOTE_EXAMPLE, "free text"},
};

const tob_column_t *tob_programme_columns(tob_programme_kind_t kind, size_t *n)
{
#define RET(a)                                                                 \
    do {                                                                       \
        *n = sizeof a / sizeof a[0];                                           \
        return a;                                                              \
    } while (0)
    switch (kind) {
    case TOB_PROG_CONTRACTS:
        RET(contract_columns);
    case TOB_PROG_PROJECTS:
        RET(project_columns);
    case TOB_PROG_GUP_SITES:
        RET(site_columns);
    case TOB_PROG_GUP_ACTIONS:
        RET(action_columns);
    case TOB_PROG_GUP_REPORTS:
        RET(report_columns);
    }
#undef RET
    *n = 0;
    return NULL;
}

/* A vocabulary entry: key, French label, folded forms accepted. */
typedef struct term {
    const char *key;
    const char *label;
    const char *forms; /* '|'-separated folded forms */
} term_t;

static const term_t contract_kinds[] = {
    {"contrat_territoire", "Contrat de territoire",
     "contrat_de_territoire|contrat_territoire|ct"},
    {"pacte", "PACTe", "pacte"},
    {"contrat_ville", "Contrat de ville", "contrat_de_ville|contrat_ville|cv"},
    {"npnru", "Convention NPNRU",
     "convention_npnru|npnru|convention_anru|anru"},
    {"autre", "Autre contrat", "autre|autre_contrat"},
    {NULL, NULL, NULL}};

static const term_t phases[] = {
    {"diagnostic", "Diagnostic partagé", "diagnostic_partage|diagnostic"},
    {"cadre_strategique", "Cadre d'action stratégique",
     "cadre_d_action_strategique|cadre_strategique"},
    {"plan_actions", "Plan d'actions", "plan_d_actions|plan_actions"},
    {"revoyure", "Clause de revoyure", "clause_de_revoyure|revoyure"},
    {NULL, NULL, NULL}};

static const term_t statuses[] = {
    {"prevu", "Prévu", "prevu|prevue|prevus|prevues|a_faire|programme"},
    {"engage", "Engagé",
     "engage|engagee|engages|engagees|en_cours|commence|commencee"},
    {"realise", "Réalisé",
     "realise|realisee|realises|realisees|termine|terminee|acheve|achevee"},
    {"abandonne", "Abandonné",
     "abandonne|abandonnee|abandonnes|abandonnees|annule|annulee"},
    {NULL, NULL, NULL}};

static const term_t volets[] = {
    {"renouvellement_urbain", "Renouvellement urbain", "renouvellement_urbain"},
    {"cadre_de_vie", "Cadre de vie et espaces publics",
     "cadre_de_vie_et_espaces_publics|cadre_de_vie_espaces_publics|"
     "cadre_de_vie"},
    {"habitat", "Habitat", "habitat"},
    {"vie_de_quartier", "Vie de quartier", "vie_de_quartier"},
    {"fragilites_sociales", "Fragilités sociales", "fragilites_sociales"},
    {"tranquillite_publique", "Tranquillité publique", "tranquillite_publique"},
    {NULL, NULL, NULL}};

static const term_t report_statuses[] = {
    {"ouvert", "Ouvert",
     "ouvert|ouverte|en_cours|nouveau|a_traiter|en_attente"},
    {"clos", "Clos",
     "clos|close|cloture|cloturee|ferme|fermee|traite|traitee|resolu|"
     "resolue"},
    {NULL, NULL, NULL}};

static const term_t *terms_of(tob_vocab_t vocab, const char **what)
{
    static const char *const names[] = {"contract type", "phase", "status",
                                        "volet", "status"};
    static const term_t *const lists[] = {contract_kinds, phases, statuses,
                                          volets, report_statuses};
    if ((unsigned)vocab >= sizeof lists / sizeof lists[0])
        return NULL;
    if (what != NULL)
        *what = names[vocab];
    return lists[vocab];
}

/* Whether folded equals one of the '|'-separated forms. */
static int in_forms(const char *forms, const char *folded)
{
    size_t len = strlen(folded);
    for (const char *p = forms; *p != '\0';) {
        const char *bar = strchr(p, '|');
        size_t n = bar != NULL ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, folded, n) == 0)
            return 1;
        p += n + (bar != NULL);
    }
    return 0;
}

static void list_labels(const term_t *terms, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; terms[i].key != NULL && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         terms[i].label);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

tob_status_t tob_vocab_match(tob_vocab_t vocab, const char *text,
                             const char **key, tob_error_t *err)
{
    *key = NULL;
    const char *what = NULL;
    const term_t *terms = terms_of(vocab, &what);
    if (terms == NULL)
        return tob_error_set(err, TOB_ERR_ARG, "unknown vocabulary");
    char folded[128];
    tob_text_fold(text != NULL ? text : "", folded, sizeof folded);
    for (size_t i = 0; terms[i].key != NULL; i++)
        if (in_forms(terms[i].forms, folded)) {
            *key = terms[i].key;
            return TOB_OK;
        }
    char known[512];
    list_labels(terms, known, sizeof known);
    return tob_error_set(err, TOB_ERR_INPUT, "'%.60s' is not a %s (%s)",
                         text != NULL ? text : "", what, known);
}

const char *tob_vocab_label(tob_vocab_t vocab, const char *key)
{
    const term_t *terms = terms_of(vocab, NULL);
    for (size_t i = 0; terms != NULL && terms[i].key != NULL; i++)
        if (strcmp(terms[i].key, key) == 0)
            return terms[i].label;
    return key;
}

const char *tob_vocab_key(tob_vocab_t vocab, size_t i)
{
    const term_t *terms = terms_of(vocab, NULL);
    for (size_t j = 0; terms != NULL && terms[j].key != NULL; j++)
        if (j == i)
            return terms[j].key;
    return NULL;
}
