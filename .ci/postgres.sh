# A throwaway PostgreSQL server for the store suite. Source it (bash, `set -euo pipefail` safe):
#
#   source .ci/postgres.sh
#
# It installs Debian's PostgreSQL when no server is installed (without the default `main`
# cluster), starts a fresh cluster in a temporary directory on a free port of 127.0.0.1 (trust
# authentication, durability off: the data is thrown away), exports DATABASE_URL, and stops the
# server and deletes its directory when the sourcing shell exits (EXIT trap, chained to any trap
# already set; INT and TERM exit through it). PostgreSQL refuses to run as root, so as root the
# server runs as `postgres`.

# The newest installed server's bin directory (Debian's layout: initdb and pg_ctl are not on PATH;
# a client-only install has the directory but no initdb).
ci_postgres_bin() {
  local found
  found="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null || true)"
  if [ -n "$found" ]; then dirname "$(printf '%s\n' "$found" | sort -V | tail -n 1)"; fi
}

ci_postgres_as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if [ -z "$(ci_postgres_bin)" ]; then
  echo "== installing PostgreSQL (Debian)"
  # Keep postgresql-common from creating and starting the default cluster on port 5432.
  ci_postgres_as_root mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" |
    ci_postgres_as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  ci_postgres_as_root apt-get update
  ci_postgres_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends postgresql
fi

CI_PGBIN="$(ci_postgres_bin)"
if [ "$(id -u)" = 0 ]; then CI_PGAS=(runuser -u postgres --); else CI_PGAS=(); fi
CI_PGTMP="$(mktemp -d -t pgci.XXXXXX)"
ci_postgres_stop() {
  "${CI_PGAS[@]}" "$CI_PGBIN/pg_ctl" -D "$CI_PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$CI_PGTMP"
}
CI_PG_PREVIOUS_TRAP="$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")"
# shellcheck disable=SC2064 # the previous trap is expanded now, on purpose
trap "ci_postgres_stop; ${CI_PG_PREVIOUS_TRAP}" EXIT
# A cancelled job exits through the EXIT trap too.
trap "exit 130" INT
trap "exit 143" TERM
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$CI_PGTMP"; fi

# A port the kernel just handed out, so parallel jobs on one machine do not collide.
CI_PGPORT="$(node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')"

echo "== starting PostgreSQL ($("$CI_PGBIN/postgres" --version)) on 127.0.0.1:$CI_PGPORT"
"${CI_PGAS[@]}" "$CI_PGBIN/initdb" -D "$CI_PGTMP/data" -U postgres --auth=trust -E UTF8 \
  --no-locale >/dev/null
"${CI_PGAS[@]}" "$CI_PGBIN/pg_ctl" -D "$CI_PGTMP/data" -l "$CI_PGTMP/server.log" -w -t 30 \
  -o "-p $CI_PGPORT -k $CI_PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$CI_PGTMP/server.log" >&2; false; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$CI_PGPORT/postgres"
