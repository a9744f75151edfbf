# Shared helpers of the project's scripts. Source it; never run it.
# Everything lives under the repository: .venv (Python 3.7), .local/ (PostgreSQL
# cluster, Odoo filestore, logs). Nothing is installed by hand.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
LOCAL="$ROOT/.local"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"

# Where the project's PostgreSQL cluster lives. As root, PostgreSQL runs as the
# `postgres` user, which cannot enter a checkout in a private folder (root's home, a
# `mktemp -d`): the cluster then lives in a folder of postgres's own, one per checkout
# (named after a hash of the checkout's path), and `scripts/stop --purge` removes it.
# We never loosen the permissions of the caller's folders. A normal user runs the
# cluster as itself, under .local/.
pg_home() {
    if [ -f "$LOCAL/pgdata/PG_VERSION" ] || [ "$(id -u)" -ne 0 ] || ! id postgres >/dev/null 2>&1; then
        echo "$LOCAL"; return
    fi
    mkdir -p "$LOCAL"
    if runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then
        echo "$LOCAL"
    else
        local home; home="$(getent passwd postgres | cut -d: -f6)"
        [ -d "$home" ] || home=/var/lib/postgresql
        echo "$home/lead2cash/$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)"
    fi
}
PGHOME="$(pg_home)"
PGDATA="$PGHOME/pgdata"
PGRUN="$PGHOME/pgrun"
export PGHOST="${PGHOST:-$PGRUN}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-odoo}"
export PGDATABASE="${PGDATABASE:-postgres}"
export ODOO_PRELOAD_ADDONS=no
export PATH="$ROOT/node_modules/.bin:$PATH"
PYTHON37="${PYTHON37:-}"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

find_python37() {
    local candidates=()
    [ -n "$PYTHON37" ] && candidates+=("$PYTHON37")
    if command -v pyenv >/dev/null 2>&1; then
        candidates+=("$(pyenv root)/versions/3.7.16/bin/python")
    fi
    candidates+=("$HOME/.pyenv/versions/3.7.16/bin/python" "$(command -v python3.7 || true)")
    local c
    for c in "${candidates[@]}"; do
        if [ -n "$c" ] && [ -x "$c" ] && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null; then
            echo "$c"; return 0
        fi
    done
    die "Python 3.7 not found (looked in pyenv and PATH); set PYTHON37=/path/to/python3.7"
}

# Debian packages the product and its tests need, installed only when missing.
SYSTEM_PACKAGES=(postgresql-15 postgresql-contrib wkhtmltopdf chromium chromium-driver
                 dovecot-imapd libpq-dev libxml2-dev libxslt1-dev libldap2-dev libsasl2-dev
                 libjpeg-dev zlib1g-dev fonts-dejavu-core poppler-utils)

ensure_system_packages() {
    local missing=() p
    for p in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "missing Debian packages (${missing[*]}) and not root: install them first"
        sudo="sudo"
    fi
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install failed for: ${missing[*]}"
    # Debian starts its own cluster on install; we use ours, on a socket of our own.
}

pip_filtered() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

# Runs a set-up step under a lock of its own, so that two commands started at once
# (a test run and the product, two test runs) never build the same thing together.
with_lock() {
    local name="$1"; shift
    mkdir -p "$LOCAL"
    ( flock 9 && "$@" ) 9>"$LOCAL/.$name.lock"
}

# The virtualenv is rebuilt only when a requirements file changed.
ensure_venv() { with_lock venv ensure_venv_unlocked; }
ensure_venv_unlocked() {
    ensure_node_modules
    local stamp="$VENV/.requirements.sha" want
    want="$(cat "$ROOT"/requirements*.txt | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
    local py; py="$(find_python37)"
    [ -x "$VENV/bin/python" ] || { say "creating virtualenv (Python 3.7)"; "$py" -m venv "$VENV"; }
    say "installing Python packages (pinned)"
    # (a machine's pip.conf may name local indexes that do not exist: pip warns once per package)
    local pip=(pip_filtered "$VENV/bin/pip" install -q --disable-pip-version-check)
    "${pip[@]}" "setuptools<58" wheel
    "${pip[@]}" --no-build-isolation vatnumber==1.2
    "${pip[@]}" -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
    "${pip[@]}" --no-deps -r "$ROOT/requirements-nodeps.txt"
    echo "$want" > "$stamp"
}

# lessc 3 for the web client's LESS bundles, from the npm registry into node_modules/.
ensure_node_modules() {
    command -v npm >/dev/null || die "npm not found: Node.js is needed to compile the web client's styles"
    if [ ! -x "$ROOT/node_modules/.bin/lessc" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.stamp" ]; then
        say "installing lessc 3 (npm ci)"
        (cd "$ROOT" && npm ci --no-audit --no-fund --silent >/dev/null) || die "npm ci failed"
        touch "$ROOT/node_modules/.stamp"
    fi
}

as_postgres() {
    # from / : postgres may not enter the caller's folder (a private checkout)
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The project's own PostgreSQL 15 cluster, listening on a unix socket only.
pg_start() { with_lock postgres pg_start_unlocked; }
pg_start_unlocked() {
    [ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL 15 not found in $PGBIN: install the Debian package postgresql-15 (or set PGBIN)"
    mkdir -p "$LOCAL"
    if [ ! -f "$PGDATA/PG_VERSION" ]; then
        say "creating PostgreSQL cluster in $PGDATA"
        mkdir -p "$PGDATA" "$PGRUN"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres:postgres "$PGDATA" "$PGRUN"
            [ "$PGHOME" != "$LOCAL" ] && chown postgres:postgres "$PGHOME" && chmod 700 "$PGHOME"
            echo "$ROOT" > "$PGHOME/checkout"
        fi
        as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 -A trust >/dev/null
        cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PGRUN'
port = $PGPORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 200
max_parallel_workers_per_gather = 2
CONF
    fi
    mkdir -p "$PGRUN"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGRUN"
    if ! as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        # the server must not inherit the set-up locks (fd 9) nor the users' lock (fd 8):
        # it would hold them for as long as it runs, and every later command would wait
        as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w start >/dev/null 8>&- 9>&- \
            || die "PostgreSQL did not start: see $PGDATA/server.log"
        # the caller that asked (PG_STARTED_FLAG, a file) learns that it started this server
        if [ -n "${PG_STARTED_FLAG:-}" ]; then
            { as_postgres cat "$PGDATA/postmaster.pid" 2>/dev/null || true; } | head -1 >"$PG_STARTED_FLAG"
        fi
    fi
    if ! psql -U postgres -tAc "select 1 from pg_roles where rolname='odoo'" | grep -q 1; then
        psql -q -U postgres -c "create role odoo login superuser" >/dev/null
    fi
}

pg_stop() {
    as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
}

# At the end of a command that started the cluster itself (pg_start with PG_STARTED_FLAG
# set): stops it unless another command of the project holds it or a client is connected.
# A cluster this command did not start (another command's, or one it found running) is
# never stopped here: a script that talks to it without hold_cluster may be between two
# connections. `scripts/stop` stops it whoever started it.
pg_stop_if_ours() {
    local started=""
    [ -n "${PG_STARTED_FLAG:-}" ] && started="$(cat "$PG_STARTED_FLAG" 2>/dev/null || true)"
    rm -f "${PG_STARTED_FLAG:-}"
    pg_running || return 0
    if [ -z "$started" ] || [ "$started" != "$({ as_postgres cat "$PGDATA/postmaster.pid" 2>/dev/null || true; } | head -1)" ]; then
        say "PostgreSQL left running: this command did not start it (scripts/stop stops it)"
    elif cluster_used_by_others || [ "$(pg_other_clients)" -gt 0 ]; then
        say "PostgreSQL left running: another command uses it (scripts/stop stops it)"
    else
        say "stopping PostgreSQL"; pg_stop
    fi
}

# Every command that uses the cluster holds a shared lock on it for its whole run, so
# that scripts/run, when it stops, stops PostgreSQL only if nothing else uses it.
hold_cluster() { mkdir -p "$LOCAL"; exec 8>"$LOCAL/.cluster-users.lock"; flock -s 8; }
cluster_used_by_others() { ! flock -n -x 8; }

pg_running() { [ -f "$PGDATA/PG_VERSION" ] && as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

# Client connections to the cluster other than the asking one (another test run, a server).
pg_other_clients() {
    psql -tAc "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || echo 0
}

# What the scripts need from the machine, each missing piece named on one line.
check_machine() {
    command -v dpkg-query >/dev/null 2>&1 \
        || die "this is not a Debian machine (no dpkg): the scripts install Debian 12/13 packages; see README 'What the machine needs'"
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        local p
        for p in "${SYSTEM_PACKAGES[@]}"; do
            dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
                || die "Debian package $p is missing and you are neither root nor a sudoer: ask an administrator for: apt-get install ${SYSTEM_PACKAGES[*]}"
        done
    fi
    if [ ! -f "$VENV/.requirements.sha" ]; then
        find_python37 >/dev/null
        command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 \
            || die "no C compiler: psycopg2 and vatnumber build from source; apt-get install gcc python3-dev"
    fi
    command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js 18+ (the web client's styles need lessc 3 from npm)"
    command -v flock >/dev/null 2>&1 || die "flock not found: apt-get install util-linux"
}

# Databases left by killed runs: test_<stamp>_<pid>[_...] of a process that is gone (and
# not kept with --keep-db), half-built templates and templates of other requirements.
drop_stale_databases() {
    local current db pid
    current="$(template_name)"
    for db in $(psql -tAc "select datname from pg_database where datname ~ '^(test|tmpl)_'"); do
        case "$db" in
            test_*)
                [[ "$db" =~ ^test_[0-9]{14}_([0-9]+) ]] || continue
                pid="${BASH_REMATCH[1]}"
                kill -0 "$pid" 2>/dev/null && continue
                grep -qx "$db" "$LOCAL/kept-databases" 2>/dev/null && continue ;;
            "$current") continue ;;
            tmpl_*)
                # a template being built holds the template lock
                ( flock -n 9 ) 9>"$LOCAL/.template.lock" || continue ;;
        esac
        say "dropping stale database $db"
        drop_db "$db"
    done
}

# Odoo itself, with the project's configuration.
odoo_cmd() {
    "$VENV/bin/python" "$ROOT/scripts/odoo-bin" -c "$ROOT/odoo.conf" --addons-path="$ROOT/addons,$VENV/lib/python3.7/site-packages/odoo/addons" --db_host="$PGHOST" --db_port="$PGPORT" \
        --db_user="$PGUSER" --data-dir="$LOCAL/data" "$@"
}

# One test module of an addon installed in a database, its tests run as an install with
# tests runs them, on the registry of every installed module (odoodb.py test-file).
# Args: database, then Odoo options (--test-file=<addon>/tests/test_x.py, --logfile=...).
odoo_test_file() {
    local db="$1"; shift
    "$VENV/bin/python" "$ROOT/scripts/odoodb.py" test-file "$db" -c "$ROOT/odoo.conf" \
        --addons-path="$ROOT/addons,$VENV/lib/python3.7/site-packages/odoo/addons" --db_host="$PGHOST" \
        --db_port="$PGPORT" --db_user="$PGUSER" --data-dir="$LOCAL/data" --test-enable "$@"
}

port_in_use() {
    "$VENV/bin/python" - "$1" <<'PY'
import socket, sys
s = socket.socket()
# as Odoo's server binds: a connection of a server just stopped, left in TIME_WAIT, does
# not keep the port
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}

# Our addons: every folder of addons/ with a manifest.
our_addons() {
    local d names=()
    for d in "$ROOT"/addons/*/__manifest__.py; do names+=("$(basename "$(dirname "$d")")"); done
    (IFS=,; echo "${names[*]}")
}

# Odoo modules every database of ours has before our addons: the French company's stack.
TEMPLATE_VERSION=3
BASE_MODULES="crm,sale_management,sale_crm,sale_stock,account_invoicing,contacts,fetchmail,l10n_fr,web_responsive,queue_job,report_xlsx,portal"

addons_hash() {
    (cd "$ROOT/addons" && find . -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po' -o -name '*.js' -o -name '*.css' -o -name '*.less' -o -name '*.html' \) -print0 \
        | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

db_exists() { psql -tAc "select 1 from pg_database where datname='$1'" | grep -q 1; }

# Clone a database and its filestore (attachments such as compiled web assets live there).
clone_db() {
    local src="$1" dst="$2"
    # (return, not only set -e: a caller may test the clone, where set -e does not apply)
    createdb -T "$src" "$dst" || return 1
    if [ -d "$LOCAL/data/filestore/$src" ]; then
        mkdir -p "$LOCAL/data/filestore"
        cp -a "$LOCAL/data/filestore/$src" "$LOCAL/data/filestore/$dst" || return 1
    fi
}

# Drops a database and its filestore; a database still in use is left alone.
drop_db() {
    if dropdb --if-exists "$1" >/dev/null 2>&1; then
        rm -rf "$LOCAL/data/filestore/$1"
    fi
}

# A database holding the French company and every Odoo module our addons build on,
# made once and cloned: installing crm, sale, account and stock takes minutes, cloning
# a second. Built under a temporary name and renamed when complete, so that a crash
# never leaves a half-made template.
ensure_template() { with_lock template ensure_template_unlocked; }
# bump TEMPLATE_VERSION when the way the template is made, or an addon of it
# (requirements-nodeps.txt), changes
template_name() {
    local key
    key="$( (echo "$TEMPLATE_VERSION"; cat "$ROOT/requirements.txt") | sha256sum | cut -c1-8)"
    echo "tmpl_${key}_$(echo "$BASE_MODULES" | sha256sum | cut -c1-6)"
}

ensure_template_unlocked() {
    local name
    name="$(template_name)"
    if db_exists "$name"; then echo "$name"; return 0; fi
    local work="${name}_wip" log="$LOCAL/logs/$name.log"
    mkdir -p "$LOCAL/logs"
    drop_db "$work"
    : > "$log"  # a fresh log: the verdict must not read an earlier, failed build's errors
    say "building template database $name (French company, $BASE_MODULES): a few minutes, once"
    createdb "$work"
    odoo_cmd -d "$work" -i base --stop-after-init --logfile="$log" \
        || die "base install failed: see $log"
    "$VENV/bin/python" "$ROOT/scripts/odoodb.py" french-company "$work" -c "$ROOT/odoo.conf" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --data-dir="$LOCAL/data" >>"$log" 2>&1 \
        || die "could not make the company French: see $log"
    odoo_cmd -d "$work" -i "$BASE_MODULES" --stop-after-init --logfile="$log" \
        || die "install of $BASE_MODULES failed: see $log"
    settle_modules "$work" >>"$log"
    # the web client's, the portal's and the reports' asset bundles, compiled once here
    # rather than by the first page each test database serves
    "$VENV/bin/python" "$ROOT/scripts/odoodb.py" build-assets "$work" -c "$ROOT/odoo.conf" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --data-dir="$LOCAL/data" >>"$log" 2>&1 \
        || die "could not compile the asset bundles: see $log"
    "$VENV/bin/python" "$ROOT/scripts/odoodb.py" summarize "$log" >"$log.verdict" \
        || { sed '$d' "$log.verdict" >&2; die "errors while building the template: see $log"; }
    rename_db "$work" "$name"
    echo "$name"
}

# Rename a database and its filestore (a database built under a temporary name is complete).
rename_db() {
    psql -q -c "ALTER DATABASE \"$1\" RENAME TO \"$2\""
    if [ -d "$LOCAL/data/filestore/$1" ]; then
        rm -rf "$LOCAL/data/filestore/$2"
        mv "$LOCAL/data/filestore/$1" "$LOCAL/data/filestore/$2"
    fi
}

settle_modules() {
    "$VENV/bin/python" "$ROOT/scripts/odoodb.py" settle-modules "$1"
}
