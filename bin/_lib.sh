# shellcheck shell=bash
# Shared by bin/run, bin/test and .ci/run (sourced, not executed).
# Creates .venv with Python 3.11 and keeps it in step with the requirements files.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

log() { printf '[kefu] %s\n' "$*" >&2; }
die() { printf '[kefu] ERROR: %s\n' "$*" >&2; exit 1; }

# Python 3.11 is the only supported interpreter (Django 5.2 LTS; see DESIGN.md). Debian's own python3.11 comes
# before the PATH's: built with profile-guided and link-time optimisation into one static binary, it serves Kefu
# with 10-30 % less CPU per request than a default pyenv build (bench/README.md). It makes venvs only with
# python3.11-venv installed (ensurepip), so a candidate without ensurepip is passed over.
find_python311() {
  local candidate
  for candidate in "${KEFU_PYTHON:-}" /usr/bin/python3.11 python3.11 python3 "$HOME"/.pyenv/versions/3.11.*/bin/python3.11; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# A venv copied from another path or made by another Python has dead shebangs: rebuild it.
venv_is_usable() {
  [ -x "$PY" ] && "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null &&
    [ "$("$PY" -c 'import sys; print(sys.prefix)')" = "$VENV" ]
}

ensure_venv() {
  if ! venv_is_usable; then
    local python
    if [ -e "$VENV" ] && [ ! -O "$VENV" ]; then
      die "$VENV is not usable by $(id -un) and belongs to someone else: run as its owner, or remove it"
    fi
    python="$(find_python311)" || die "Python 3.11 not found (set KEFU_PYTHON=/path/to/python3.11)"
    log "creating .venv with $python"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
  fi
}

# Install a requirements file only when it (or a file it includes) changed since the last install.
# usage: ensure_requirements requirements.txt|requirements-dev.txt
ensure_requirements() {
  local req="$1" stamp digest
  ensure_venv
  stamp="$VENV/.kefu-${req%.txt}.sha256"
  digest="$(cd "$ROOT" && cat requirements.txt "$req" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
    return 0
  fi
  log "installing $req into .venv"
  # The grep drops only pip's notes about configured package locations absent on this machine.
  "$PY" -m pip install --quiet --disable-pip-version-check --no-input -r "$ROOT/$req" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  echo "$digest" >"$stamp"
  # The dev file includes the runtime one, so the runtime stamp is current too.
  if [ "$req" != requirements.txt ]; then
    (cd "$ROOT" && cat requirements.txt requirements.txt | sha256sum | cut -d' ' -f1) >"$VENV/.kefu-requirements.sha256"
  fi
}

# Compile translations when the project has its own catalogues; .venv is skipped because
# compilemessages would otherwise rewrite Django's bundled catalogues too.
compile_messages() {
  if ! find "$ROOT/kefu" -path '*/locale/*' -name '*.po' -print -quit 2>/dev/null | grep -q .; then
    return 0
  fi
  if ! command -v msgfmt >/dev/null 2>&1; then
    log "warning: gettext (msgfmt) is missing, translations are not recompiled (apt-get install gettext)"
    return 0
  fi
  (cd "$ROOT" && "$PY" manage.py compilemessages --verbosity 0 --ignore .venv --ignore node_modules --ignore staticfiles)
}
