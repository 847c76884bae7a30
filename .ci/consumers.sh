#!/usr/bin/env bash
# Consumer checks: the package as users install it. `npm pack` (which builds dist/), publint and
# arethetypeswrong (ESM-only profile) on the tarball, then two blank projects that install the
# tarball from the registry's side:
#
#   lowest: the peers at the bottom of their ranges, no SQL peers, Node 22.13 (the engines floor)
#   newest: the newest peers in range, the optional SQL peers, Node 24 LTS
#
# In each, `.ci/consumers/checkout.ts` (a sandbox checkout that prints its session id) runs as
# `.mjs` on Node 22 and Node 24, as `.ts` on Bun, on Deno through node_modules and on Deno through
# `npm:` specifiers, and is type-checked by `tsc --strict` (no skipLibCheck) with `nodenext` and
# `bundler` resolution and by `deno check`; the newest project also type-checks `store.ts` (the
# store and its SQL types). The lowest project's type checks fail if the store's types leak.
# In both, the `ottu` bin runs through `npx` on the project's Node (help, the webhook signature of
# the documentation's vector): it is a bundle, so it needs no package the project lacks.
# Installs share the user's npm cache (`--prefer-offline`); Bun, Deno and tsc are the repo's own.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=$repo/node_modules/.bin
fixtures=$repo/.ci/consumers
export DENO_NO_UPDATE_CHECK=1 NO_COLOR=1

work=$(mktemp -d "${TMPDIR:-/tmp}/effect-ottu-consumers.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Deno starts from an empty cache and may not download (`--cached-only`): with a package.json
# beside them, `effect-ottu` and `npm:effect-ottu` both resolve from node_modules.
export DENO_DIR=$work/deno

# The version a peer range of package.json starts at (`^3.22.4` -> 3.22.4).
lowest() { node -p "require('./package.json').peerDependencies['$1'].replace(/^\^/, '')"; }
# The newest version on the registry within that range.
newest() {
  npm view "$1@$(node -p "require('./package.json').peerDependencies['$1']")" version --json |
    node -p "[].concat(JSON.parse(require('fs').readFileSync(0, 'utf8'))).at(-1)"
}

echo "== npm pack (builds dist/)"
tarball=$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)

echo "== publint"
"$bin/publint" --strict "$tarball"
echo "== attw (esm-only)"
"$bin/attw" "$tarball" --profile esm-only --format table-flipped

# project NAME PACKAGE@VERSION...: a blank project with the tarball and the given packages.
project() {
  local dir=$work/$1
  mkdir "$dir"
  echo "{ \"name\": \"consumer-$1\", \"private\": true, \"type\": \"module\" }" >"$dir/package.json"
  shift
  (cd "$dir" && npm install --prefer-offline --no-audit --no-fund --save-exact --loglevel=error \
    "$tarball" "$@")
  cp "$fixtures/checkout.ts" "$fixtures"/tsconfig.*.json "$dir/"
  cp "$dir/checkout.ts" "$dir/checkout.mjs"
  mkdir "$dir/npm"
  sed -E 's/from "((@effect\/|effect)[^"]*)"/from "npm:\1"/' "$dir/checkout.ts" >"$dir/npm/checkout.ts"
}

# ran LABEL COMMAND...: runs a checkout and shows the session id it printed.
ran() {
  local label=$1 out
  shift
  out=$("$@")
  grep -q '^session id: ' <<<"$out" || { echo "$label: no session id in: $out" >&2; return 1; }
  echo "$label: $(grep '^session id: ' <<<"$out")"
}

echo "== projects"
project lowest "effect@$(lowest effect)" "@effect/platform@$(lowest @effect/platform)" \
  node@22.13.1
project newest "effect@$(newest effect)" "@effect/platform@$(newest @effect/platform)" \
  "@effect/sql@$(newest @effect/sql)" "@effect/experimental@$(newest @effect/experimental)" \
  "@effect/sql-pg@$(newest @effect/sql-pg)" node@24.21.0
cp "$fixtures/store.ts" "$work/newest/"
# The optional peers stay optional: npm does not install them on its own.
if [ -e "$work/lowest/node_modules/@effect/sql" ]; then
  echo "lowest: @effect/sql was installed without being asked for" >&2
  exit 1
fi

node22=$work/lowest/node_modules/.bin/node
node24=$work/newest/node_modules/.bin/node
for name in lowest newest; do
  cd "$work/$name"
  if [ -e node_modules/@effect/cli ]; then
    echo "$name: @effect/cli was installed with the package" >&2
    exit 1
  fi
  PATH="$work/$name/node_modules/.bin:$PATH" npx --no-install ottu --help | grep -q 'webhook' ||
    { echo "$name: npx ottu --help lists no webhook command" >&2; exit 1; }
  signature=$(echo '{"amount": "86.000", "currency_code": "KWD", "customer_first_name": "example-customer"}' |
    PATH="$work/$name/node_modules/.bin:$PATH" npx --no-install ottu webhook sign --key pu9MpX3yPR)
  [ "$signature" = 6143b8ad4bd283540721ab000f6de746e722231aaaa90bc38f639081d3ff9f67 ] ||
    { echo "$name: npx ottu webhook sign printed $signature" >&2; exit 1; }
  echo "$name: npx ottu (Node $(PATH="$work/$name/node_modules/.bin:$PATH" node --version)): help and webhook sign ok"
  echo "== $name (${SECONDS}s): $(npm ls --depth=0 effect-ottu effect @effect/platform \
    @effect/sql @effect/experimental @effect/sql-pg node | grep -o '[^ ]*@[0-9][^ ]*' | tr '\n' ' ')"
  ran "$name: Node $("$node22" --version)" "$node22" checkout.mjs
  ran "$name: Node $("$node24" --version)" "$node24" checkout.mjs
  ran "$name: Bun $("$bin/bun" --version)" "$bin/bun" checkout.ts
  ran "$name: Deno (node_modules)" "$bin/deno" run --cached-only -A checkout.ts
  ran "$name: Deno (npm:)" "$bin/deno" run --cached-only -A npm/checkout.ts
  "$bin/deno" check --cached-only --quiet checkout.ts
  echo "$name: deno check (node_modules): ok"
  for mode in nodenext bundler; do
    "$bin/tsc" -p "tsconfig.$mode.json"
    echo "$name: tsc --strict $mode: $(echo ./*.ts) ok"
  done
done
