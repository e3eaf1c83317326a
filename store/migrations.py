"""Versioned schema. ``PRAGMA user_version`` holds the version; each migration
runs in the same transaction as the version bump and its record in
``schema_migrations``, so a failed migration leaves the file as it was.

Migrations receive a ``sqlite_utils.Database`` over the same connection
(imported here, on demand: sqlite-utils costs ~100 ms to import, which the
everyday commands do not pay). Never edit a released migration: add one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from store.errors import StoreCorruptError
from store.integrity import install

if TYPE_CHECKING:
    from sqlite_utils import Database

    from store.db import Store

Migration = Callable[["Database"], None]

NETWORKS = ("facebook", "x", "instagram", "tiktok", "youtube", "otra")
ACCOUNT_STATUSES = ("solicitada", "autorizada", "activa", "baja")
VERIFICATIONS = ("no", "solicitada", "verificada")
RANKS = ("mando_superior", "mando_medio", "operativo")
ROLES = ("titular", "suplente", "enlace", "coadministrador")
ENTRY_KINDS = (
    "publicacion",
    "respuesta",
    "comentario_usuario",
    "solicitud",
    "incidente",
    "moderacion",
    "consulta",
    "cambio_contrasena",
    "cambio_administrador",
    "evaluacion",
    "capacitacion",
    "nota",
    "correccion",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({listed})"


def m001_initial(db: Database) -> None:
    """Settings, accounts, people, assignments, the periodic history and the calendar."""
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        f"""CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            network TEXT NOT NULL CHECK ({_in("network", NETWORKS)}),
            handle TEXT NOT NULL CHECK (length(trim(handle)) > 0),
            url TEXT,
            area TEXT,
            email TEXT,
            email_generic INTEGER NOT NULL DEFAULT 0,
            phone TEXT,
            status TEXT NOT NULL DEFAULT 'activa' CHECK ({_in("status", ACCOUNT_STATUSES)}),
            verification TEXT NOT NULL DEFAULT 'no' CHECK ({_in("verification", VERIFICATIONS)}),
            public INTEGER NOT NULL DEFAULT 1,
            private_messages INTEGER NOT NULL DEFAULT 1,
            opened_on TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT
        )"""
    )
    # One handle per network, whatever its case or leading '@'.
    db.execute("CREATE UNIQUE INDEX accounts_network_handle ON accounts (network, lower(ltrim(handle, '@')))")
    db.execute(
        f"""CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            email TEXT,
            rank TEXT CHECK (rank IS NULL OR {_in("rank", RANKS)}),
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE UNIQUE INDEX people_name ON people (lower(name))")
    db.execute(
        f"""CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            person_id INTEGER NOT NULL REFERENCES people (id),
            role TEXT NOT NULL CHECK ({_in("role", ROLES)}),
            start_date TEXT NOT NULL,
            end_date TEXT,
            created_at TEXT NOT NULL,
            CHECK (end_date IS NULL OR end_date >= start_date)
        )"""
    )
    db.execute("CREATE INDEX assignments_account ON assignments (account_id)")
    db.execute("CREATE INDEX assignments_person ON assignments (person_id)")
    db.create_table(
        "rotations",
        {
            "id": int,
            "account_id": int,
            "rotated_at": str,
            "reason": str,
            "author": str,
            "reference": str,
            "created_at": str,
        },
        pk="id",
        not_null={"account_id", "rotated_at", "created_at"},
        foreign_keys=[("account_id", "accounts", "id")],
    )
    db.execute("CREATE INDEX rotations_account ON rotations (account_id, rotated_at)")
    db.create_table(
        "evaluations",
        {"id": int, "account_id": int, "evaluated_on": str, "note": str, "author": str, "created_at": str},
        pk="id",
        not_null={"account_id", "evaluated_on", "created_at"},
        foreign_keys=[("account_id", "accounts", "id")],
    )
    db.execute("CREATE INDEX evaluations_account ON evaluations (account_id, evaluated_on)")
    db.create_table(
        "trainings",
        {"id": int, "person_id": int, "trained_on": str, "note": str, "author": str, "created_at": str},
        pk="id",
        not_null={"person_id", "trained_on", "created_at"},
        foreign_keys=[("person_id", "people", "id")],
    )
    db.execute("CREATE INDEX trainings_person ON trainings (person_id, trained_on)")
    for table, label in (("non_working_days", "reason"), ("electoral_periods", "name")):
        db.execute(
            f"""CREATE TABLE {table} (
                id INTEGER PRIMARY KEY,
                start_date TEXT NOT NULL,
                end_date TEXT NOT NULL,
                {label} TEXT,
                created_at TEXT NOT NULL,
                CHECK (end_date >= start_date)
            )"""
        )
    db.create_table("official_holidays", {"day": str, "name": str}, pk="day", not_null={"name"})
    db.create_table("holiday_years", {"year": int, "materialized_at": str}, pk="year")


def m004_bitacora(db: Database) -> None:
    """The append-only bitácora (hash chain, FTS5 index) and incidents with their notices.

    Triggers refuse UPDATE and DELETE on ``bitacora``: a correction is a new
    entry. The FTS table is external-content and filled by an INSERT trigger in
    the same transaction; it folds diacritics (``bitacora`` finds «bitácora»).
    """
    db.execute(
        f"""CREATE TABLE bitacora (
            id INTEGER PRIMARY KEY,
            account_id INTEGER REFERENCES accounts (id),
            kind TEXT NOT NULL CHECK ({_in("kind", ENTRY_KINDS)}),
            occurred_at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            author TEXT NOT NULL,
            text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
            refs TEXT,
            corrects_id INTEGER REFERENCES bitacora (id),
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            CHECK ((kind = 'correccion') = (corrects_id IS NOT NULL))
        )"""
    )
    db.execute("CREATE INDEX bitacora_account ON bitacora (account_id, id)")
    db.execute("CREATE INDEX bitacora_kind ON bitacora (kind, id)")
    db.execute("CREATE INDEX bitacora_occurred ON bitacora (occurred_at)")
    db.execute(
        "CREATE TRIGGER bitacora_no_update BEFORE UPDATE ON bitacora BEGIN"
        " SELECT RAISE(ABORT, 'resguardo: la bitácora no admite cambios: corrija con una entrada nueva'); END"
    )
    db.execute(
        "CREATE TRIGGER bitacora_no_delete BEFORE DELETE ON bitacora BEGIN"
        " SELECT RAISE(ABORT, 'resguardo: la bitácora no admite borrar entradas'); END"
    )
    db.execute(
        "CREATE VIRTUAL TABLE bitacora_fts USING fts5("
        "text, refs, content='bitacora', content_rowid='id',"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute(
        "CREATE TRIGGER bitacora_fts_insert AFTER INSERT ON bitacora BEGIN"
        " INSERT INTO bitacora_fts (rowid, text, refs) VALUES (new.id, new.text, new.refs); END"
    )
    db.execute(
        """CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            description TEXT NOT NULL CHECK (length(trim(description)) > 0),
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            close_note TEXT,
            closed_without_rotation INTEGER NOT NULL DEFAULT 0,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            CHECK (closed_at IS NULL OR closed_at >= opened_at)
        )"""
    )
    db.execute("CREATE INDEX incidents_account ON incidents (account_id)")
    db.execute(
        """CREATE TABLE incident_notices (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents (id),
            position INTEGER NOT NULL,
            recipient TEXT NOT NULL,
            notified_at TEXT,
            recorded_at TEXT,
            UNIQUE (incident_id, recipient)
        )"""
    )
    db.execute("CREATE INDEX incident_notices_pending ON incident_notices (notified_at, incident_id)")


SECOND_FACTORS = ("app", "sms", "llave", "ninguno")


def m002_credentials(db: Database) -> None:
    """What a password check found when each password was set, its keyed fingerprints, and 2FA.

    Never a password: the fingerprints are HMACs under a key that lives in the
    keyring. The installation id names this database's entries in the keyring.
    """
    db.execute(
        """CREATE TABLE credential_status (
            account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
            set_at TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 4),
            weak INTEGER NOT NULL,
            reasons TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL,
            source TEXT NOT NULL,
            author TEXT,
            checked_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX credential_status_fingerprint ON credential_status (fingerprint)")
    db.execute(
        """CREATE TABLE password_fingerprints (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            fingerprint TEXT NOT NULL,
            set_at TEXT NOT NULL,
            rotation_id INTEGER REFERENCES rotations (id)
        )"""
    )
    db.execute("CREATE INDEX password_fingerprints_account ON password_fingerprints (account_id, set_at)")
    db.execute(
        f"""CREATE TABLE second_factors (
            account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
            method TEXT NOT NULL CHECK ({_in("method", SECOND_FACTORS)}),
            recovery_location TEXT,
            codes_in_keyring INTEGER NOT NULL DEFAULT 0,
            author TEXT,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        "INSERT OR IGNORE INTO settings (key, value)"
        " VALUES ('installation_id', '\"' || lower(hex(randomblob(8))) || '\"')"
    )


CONSULTATION_STATES = ("pendiente", "aprobada", "rechazada")
REQUEST_STATES = ("abierta", "respondida", "canalizada")
OPENING_STATES = ("pendiente", "autorizada", "rechazada", "abierta")
CHANGE_REASONS = ("baja", "promocion", "cambio_adscripcion", "vacaciones", "salud", "otro")
CHANGE_ORIGINS = ("desasignacion", "alta")
PERSON_DOCUMENTS = ("designation_form", "responsiva")


def m003_workflows(db: Database) -> None:
    """Consultations, information requests, openings and closings, administrator changes,
    person documents, holiday notices, waivers, and the history of every state change."""
    # Every state change of a workflow record, with its author: rows elsewhere may move
    # from one state to the next, but the previous state always stays here.
    db.execute(
        """CREATE TABLE workflow_events (
            id INTEGER PRIMARY KEY,
            entity TEXT NOT NULL,
            entity_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT,
            note TEXT,
            author TEXT,
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX workflow_events_entity ON workflow_events (entity, entity_id, id)")
    db.execute(
        f"""CREATE TABLE consultations (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            subject TEXT NOT NULL CHECK (length(trim(subject)) > 0),
            body TEXT,
            office TEXT,
            sent_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pendiente' CHECK ({_in("state", CONSULTATION_STATES)}),
            answered_at TEXT,
            note TEXT,
            author TEXT,
            created_at TEXT NOT NULL,
            CHECK (answered_at IS NULL OR answered_at >= sent_at)
        )"""
    )
    db.execute("CREATE INDEX consultations_state ON consultations (state)")
    db.execute("CREATE INDEX consultations_account ON consultations (account_id, sent_at)")
    db.execute(
        f"""CREATE TABLE information_requests (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            requester TEXT NOT NULL CHECK (length(trim(requester)) > 0),
            subject TEXT NOT NULL CHECK (length(trim(subject)) > 0),
            received_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'abierta' CHECK ({_in("state", REQUEST_STATES)}),
            closed_at TEXT,
            area TEXT,
            office TEXT,
            note TEXT,
            author TEXT,
            created_at TEXT NOT NULL,
            CHECK (closed_at IS NULL OR closed_at >= received_at)
        )"""
    )
    db.execute("CREATE INDEX information_requests_state ON information_requests (state)")
    db.execute("CREATE INDEX information_requests_account ON information_requests (account_id, received_at)")
    db.execute(
        f"""CREATE TABLE opening_requests (
            id INTEGER PRIMARY KEY,
            network TEXT NOT NULL CHECK ({_in("network", NETWORKS)}),
            handle TEXT NOT NULL CHECK (length(trim(handle)) > 0),
            reference TEXT NOT NULL,
            requested_on TEXT NOT NULL,
            area TEXT,
            office TEXT,
            state TEXT NOT NULL DEFAULT 'pendiente' CHECK ({_in("state", OPENING_STATES)}),
            resolved_on TEXT,
            reason TEXT,
            account_id INTEGER REFERENCES accounts (id),
            author TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX opening_requests_state ON opening_requests (state)")
    db.execute(
        """CREATE TABLE opening_report_items (
            id INTEGER PRIMARY KEY,
            opening_id INTEGER NOT NULL REFERENCES opening_requests (id),
            item TEXT NOT NULL,
            reported_on TEXT NOT NULL,
            author TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (opening_id, item)
        )"""
    )
    db.execute(
        """CREATE TABLE closings (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL UNIQUE REFERENCES accounts (id),
            closed_on TEXT NOT NULL,
            reason TEXT,
            reference TEXT,
            author TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE closing_items (
            id INTEGER PRIMARY KEY,
            closing_id INTEGER NOT NULL REFERENCES closings (id),
            item TEXT NOT NULL,
            done_on TEXT NOT NULL,
            author TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (closing_id, item)
        )"""
    )
    db.execute(
        f"""CREATE TABLE admin_changes (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            reason TEXT NOT NULL CHECK ({_in("reason", CHANGE_REASONS)}),
            start_date TEXT NOT NULL,
            until_date TEXT,
            note TEXT,
            notified_on TEXT,
            notice_reference TEXT,
            author TEXT,
            created_at TEXT NOT NULL,
            CHECK (until_date IS NULL OR until_date >= start_date)
        )"""
    )
    # Which assignments a change ended and, for a suspension, the assignment that
    # resumes the day after it: the gap between both is what the rules see.
    db.execute(
        """CREATE TABLE admin_change_assignments (
            change_id INTEGER NOT NULL REFERENCES admin_changes (id),
            ended_assignment_id INTEGER NOT NULL REFERENCES assignments (id),
            resumed_assignment_id INTEGER REFERENCES assignments (id),
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            PRIMARY KEY (change_id, ended_assignment_id)
        )"""
    )
    db.execute(
        f"""CREATE TABLE person_documents (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            kind TEXT NOT NULL CHECK ({_in("kind", PERSON_DOCUMENTS)}),
            signed_on TEXT NOT NULL,
            reference TEXT,
            author TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX person_documents_person ON person_documents (person_id, kind, signed_on)")
    # The id is the first day of the period as YYYYMMDD: the notice's stable identity.
    db.execute(
        """CREATE TABLE holiday_notices (
            id INTEGER PRIMARY KEY,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL,
            label TEXT,
            done_on TEXT NOT NULL,
            note TEXT,
            author TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE waivers (
            id INTEGER PRIMARY KEY,
            kind TEXT,
            account_id INTEGER REFERENCES accounts (id),
            key TEXT,
            until_date TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            reference TEXT,
            author TEXT,
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            revoked_by TEXT,
            CHECK (kind IS NOT NULL OR key IS NOT NULL)
        )"""
    )
    db.execute("CREATE INDEX waivers_until ON waivers (until_date)")


#: ``bitacora_zones`` groups entry ids in blocks of 2**ZONE_BITS (``store.bitacora`` reads it);
#: the zones of existing files were computed with it: never change it.
ZONE_BITS = 10


def m005_bitacora_search(db: Database) -> None:
    """What the bitácora's search and the abandoned-account rule need at a million entries.

    ``bitacora_account_occurred`` (account_id, occurred_at): the latest declared
    activity of each account in one index seek. ``bitacora_zones``: for each
    block of 1,024 consecutive ids, the earliest and latest declared time in it,
    kept by an AFTER INSERT trigger in the same transaction (entries are never
    updated or deleted, so a block's span only grows). A date filter then reads
    only the blocks whose span meets the range instead of the whole log
    (``store.bitacora.Bitacora.search``).
    """
    db.execute("CREATE INDEX bitacora_account_occurred ON bitacora (account_id, occurred_at)")
    db.execute(
        "CREATE TABLE bitacora_zones ("
        " zone INTEGER PRIMARY KEY, first_occurred TEXT NOT NULL, last_occurred TEXT NOT NULL)"
    )
    db.execute(
        f"INSERT INTO bitacora_zones (zone, first_occurred, last_occurred)"
        f" SELECT id >> {ZONE_BITS}, min(occurred_at), max(occurred_at) FROM bitacora GROUP BY id >> {ZONE_BITS}"
    )
    db.execute(
        "CREATE TRIGGER bitacora_zones_insert AFTER INSERT ON bitacora BEGIN"
        f" INSERT INTO bitacora_zones (zone, first_occurred, last_occurred)"
        f" VALUES (new.id >> {ZONE_BITS}, new.occurred_at, new.occurred_at)"
        " ON CONFLICT (zone) DO UPDATE SET first_occurred = min(first_occurred, excluded.first_occurred),"
        " last_occurred = max(last_occurred, excluded.last_occurred); END"
    )


def m006_pending_secrets(db: Database) -> None:
    """New secrets waiting beside the current ones until their rotation is recorded.

    A row is committed BEFORE the keyring receives the new secret (under a
    distinct name), marked with its rotation in the same transaction that
    records it, and deleted once the new secret has replaced the old one. So
    after a crash at any point the next run knows which accounts to look at:
    a row without a rotation is a new secret nobody confirmed (shown, to be
    confirmed or discarded); a row with one only needs its promotion finished.
    What the check found (score, reasons, fingerprint) is kept so confirming
    records exactly what was judged; never a secret.
    """
    db.execute(
        """CREATE TABLE pending_secrets (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            kind TEXT NOT NULL CHECK (kind IN ('password', 'recovery')),
            source TEXT NOT NULL,
            started_at TEXT NOT NULL,
            author TEXT,
            reason TEXT,
            reference TEXT,
            score INTEGER,
            weak INTEGER,
            reasons TEXT,
            fingerprint TEXT,
            method TEXT,
            recovery_location TEXT,
            rotation_id INTEGER REFERENCES rotations (id),
            committed INTEGER NOT NULL DEFAULT 0,
            UNIQUE (account_id, kind)
        )"""
    )


def m007_integrity(db: Database) -> None:
    """Tamper evidence for what the bitácora's chain does not cover (``store.integrity``).

    ``record_log``: a hash chain of every change to the tables that feed the
    agenda (``store.integrity.COVERED``), appended by AFTER INSERT/UPDATE/DELETE
    triggers that call functions resguardo registers on each connection; the
    rows that exist now are recorded as they are (the baseline).
    ``bitacora_checkpoints``: the heads of both chains signed with a key kept in
    the keyring. Neither table admits UPDATE or DELETE.

    A later migration that changes the columns of a covered table (or covers a
    new one) must call ``store.integrity.install(db.conn)`` after its change: the
    triggers list the columns, and the rows it rewrote need new records.
    """
    db.execute(
        """CREATE TABLE record_log (
            seq INTEGER PRIMARY KEY,
            tbl TEXT NOT NULL,
            row_id,
            digest TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX record_log_row ON record_log (tbl, row_id, seq)")
    db.execute(
        """CREATE TABLE bitacora_checkpoints (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER,
            entries INTEGER NOT NULL,
            head_hash TEXT NOT NULL,
            records_seq INTEGER NOT NULL,
            records_head TEXT NOT NULL,
            created_at TEXT NOT NULL,
            mac TEXT NOT NULL
        )"""
    )
    for table, what in (("record_log", "el registro de cambios"), ("bitacora_checkpoints", "los puntos de control")):
        db.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN"
            f" SELECT RAISE(ABORT, 'resguardo: {what} no admite cambios'); END"
        )
        db.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN"
            f" SELECT RAISE(ABORT, 'resguardo: {what} no admite borrar'); END"
        )

    install(db.conn)


def m008_preflight_lists(db: Database) -> None:
    """The lists the draft preflight reads (``store.preflight``): candidate names, known words,
    running campaigns' hashtags and official links; one row per entry, unique within its list
    by ``folded`` (lower case, no accents)."""
    db.execute(
        f"""CREATE TABLE preflight_lists (
            id INTEGER PRIMARY KEY,
            list TEXT NOT NULL CHECK ({_in("list", ("candidatos", "palabras", "campanas", "enlaces"))}),
            value TEXT NOT NULL,
            folded TEXT NOT NULL,
            author TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (list, folded)
        )"""
    )


def m009_consultation_review(db: Database) -> None:
    """A consultation keeps the preflight of its draft (issue #15): ``review`` holds the JSON of
    ``tui.core.preflight.Review.as_dict()`` (NULL when the consultation has no text, and for the
    consultations recorded before this migration). ``consultations`` is covered by the record
    chain, so the triggers are rebuilt with the new column and every row gets its new record."""
    db.execute("ALTER TABLE consultations ADD COLUMN review TEXT")
    install(db.conn)


def m010_handovers(db: Database) -> None:
    """Administrator changes recorded the usual way (issue #13).

    ``admin_changes.origin``: how the change was recorded: NULL for the explicit
    change (``personas cambio``), ``desasignacion`` for a role ended by hand (its
    ``reason`` is then ``otro``: nobody said why) and ``alta`` for a new
    administrator added to an account that already had one.
    ``admin_change_starts``: who takes over on each account of a change (the
    successor of a handover, or the new administrator of an ``alta``).
    ``accounts.public`` / ``private_messages``: -1 for «never recorded» (the old default «sí»).
    Columns are only added; ``install`` re-records the rows (their digests gain the new column) and covers
    the new table.
    """
    db.execute(f"ALTER TABLE admin_changes ADD COLUMN origin TEXT CHECK ({_in('origin', CHANGE_ORIGINS)})")
    db.execute(
        """CREATE TABLE admin_change_starts (
            change_id INTEGER NOT NULL REFERENCES admin_changes (id),
            started_assignment_id INTEGER NOT NULL REFERENCES assignments (id),
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            PRIMARY KEY (change_id, started_assignment_id)
        )"""
    )
    # An account's «public» and «private messages» defaulted to «sí»: only a «no» was ever known.
    # -1 marks the unknown (read as «sí»; store.accounts.UNKNOWN; issue #13 defect 7).
    db.execute(
        "UPDATE accounts SET public = CASE public WHEN 1 THEN -1 ELSE public END,"
        " private_messages = CASE private_messages WHEN 1 THEN -1 ELSE private_messages END"
        " WHERE public = 1 OR private_messages = 1"
    )
    install(db.conn)


#: ``policy.codes.DutyKind``, frozen here as this migration wrote them.
DUTY_KINDS = (
    "mensaje_utcsyd",
    "aviso_asunto",
    "carta_descargo",
    "apoyo_utcsyd",
    "aprobacion_titular",
    "tramite_unicom",
    "oficio_junta",
    "estrategia_junta",
    "aviso_titulares",
    "solicitud_material",
    "retiro_contenido",
    "respuesta_usuario",
)


def m011_duties(db: Database) -> None:
    """Duties (issue #13, POLICY.md §11): things to do that a recorded fact opened, done once by a
    bitácora entry (``store.duties``, ``policy.duties``).

    ``arose_at``: when the duty arose (a UTCSyD message's first day); ``due_at``: its deadline
    (NULL: at once); ``group_id``/``position``: the notices recorded together (the first one's id);
    ``source_entry_id``: the bitácora entry that opened it, if any; ``done_*``: the entry that
    fulfilled it. ``bitacora_kind_account_occurred`` lets the agenda read each account's latest
    publication with one seek (content kept current).
    """
    db.execute(
        f"""CREATE TABLE duties (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK ({_in("kind", DUTY_KINDS)}),
            account_id INTEGER REFERENCES accounts (id),
            subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 1000),
            recipient TEXT,
            arose_at TEXT NOT NULL,
            due_at TEXT,
            group_id INTEGER,
            position INTEGER NOT NULL DEFAULT 1,
            source_entry_id INTEGER REFERENCES bitacora (id),
            reference TEXT,
            done_at TEXT,
            done_entry_id INTEGER REFERENCES bitacora (id),
            done_note TEXT,
            author TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX duties_open ON duties (done_at, id)")
    db.execute("CREATE INDEX bitacora_kind_account_occurred ON bitacora (kind, account_id, occurred_at)")
    install(db.conn)


MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "initial", m001_initial),
    (2, "credentials", m002_credentials),
    (3, "workflows", m003_workflows),
    (4, "bitacora", m004_bitacora),
    (5, "bitacora_search", m005_bitacora_search),
    (6, "pending_secrets", m006_pending_secrets),
    (7, "integrity", m007_integrity),
    (8, "preflight_lists", m008_preflight_lists),
    (9, "consultation_review", m009_consultation_review),
    (10, "handovers", m010_handovers),
    (11, "duties", m011_duties),
)

LATEST_VERSION = MIGRATIONS[-1][0]


def apply_migrations(store: Store, current: int) -> None:
    """Apply every migration newer than ``current``, each in its own transaction.

    Raises StoreCorruptError when a version-0 file already holds foreign tables
    (it is some other program's database).
    """
    from sqlite_utils import Database  # lazy: ~100 ms import, only on schema changes

    db = Database(store.conn, execute_plugins=False, recursive_triggers=False)
    if current == 0:
        foreign = store.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if foreign:
            raise StoreCorruptError(
                f"El archivo {store.path} es una base de datos SQLite de otro programa, no de resguardo."
            )
    for version, name, migration in MIGRATIONS:
        if version <= current:
            continue
        with store.atomic():
            store.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            migration(db)
            store.insert(
                "schema_migrations",
                {"version": version, "name": name, "applied_at": store.stamp()},
            )
            store.execute(f"PRAGMA user_version = {int(version)}")
