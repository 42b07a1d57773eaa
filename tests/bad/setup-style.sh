# setup-style.sh - sourced by run.sh for the style group: the variable the
# styles map, one value per commune.
sql "$STORE" "
INSERT INTO variable (name, label, unit) VALUES ('v', 'Valeur', 'u');
INSERT INTO observation (territory, variable, year, value)
 SELECT id, 'v', 2021, 10 * id FROM territory;" >/dev/null
