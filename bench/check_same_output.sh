#!/usr/bin/env bash
# `pendientes --json` of this checkout, byte for byte against another one (the agenda must not change
# when only its speed does): the demo database of each of the four profiles and the synthetic
# institution of 10,000 accounts, all at the same RESGUARDO_NOW.
#
#     bench/check_same_output.sh BASELINE_CHECKOUT [ACCOUNTS]
#
# BASELINE_CHECKOUT is a plain checkout of the version to compare with (e.g. `git archive main | tar -x
# -C /tmp/base`). Each database is written once by the baseline's code; this checkout reads a copy
# (migrating it if its schema is newer). Both run with this checkout's .venv, the baseline through
# PYTHONPATH. Exits 1 on the first difference.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
base="$(cd "${1:?usage: bench/check_same_output.sh BASELINE_CHECKOUT [ACCOUNTS]}" && pwd)"
accounts="${2:-10000}"
python="$here/.venv/bin/python"
work="$(mktemp -d "${TMPDIR:-/tmp}/resguardo-misma-salida-XXXXXX")"
trap 'rm -rf "$work"' EXIT

export RESGUARDO_NOW="${RESGUARDO_NOW:-2026-11-23T10:00:00-06:00}"
export PYTHON_KEYRING_BACKEND=tests.memory_keyring.MemoryKeyring
export RESGUARDO_TEST_KEYRING="$work/keyring.json"
export PYTHONDONTWRITEBYTECODE=1
entry="import sys; from tui.cli import run; sys.argv[0] = 'resguardo'; run()"

resguardo() {  # resguardo TREE ARGS...
    local tree="$1"
    shift
    (cd "$tree" && PYTHONPATH="$tree" "$python" -c "$entry" "$@")
}

compare() {  # compare LABEL DB
    local label="$1" db="$2"
    cp "$db" "$work/current.db"
    resguardo "$base" pendientes --json --db "$db" >"$work/before.json"
    resguardo "$here" pendientes --json --db "$work/current.db" >"$work/after.json"
    if cmp -s "$work/before.json" "$work/after.json"; then
        echo "igual: $label ($(wc -c <"$work/after.json") bytes, md5 $(md5sum <"$work/after.json" | cut -c1-8))"
    else
        echo "DISTINTA: $label"
        cmp "$work/before.json" "$work/after.json" || true
        exit 1
    fi
    rm -f "$work/current.db"*
}

for profile in ine ieeags ieesonora iecm; do
    db="$work/demo-$profile.db"
    resguardo "$base" --db "$db" demo --perfil "$profile" >/dev/null
    compare "demostración $profile" "$db"
done

db="$work/institution-$accounts.db"
(cd "$base" && PYTHONPATH="$base" "$python" -c \
    "import sys; from pathlib import Path; sys.path.insert(0, 'bench'); from synthetic import build; build($accounts, 'ine', Path('$db'))")
compare "institución sintética de $accounts cuentas" "$db"
