"""The SQL of team mode on PostgreSQL: group roles, GRANTs, row-level security, and the
`SECURITY DEFINER` functions through which every login keeps the caches up to date.

Every statement is idempotent (`qualcode.store.migrate` runs them again after migrating:
`CREATE OR REPLACE` in a migration resets a trigger function to `SECURITY INVOKER`).
`{coder}` and `{supervisor}` are the quoted names of the two group roles, `{schema}` the
quoted schema of the tables.
The supervisor role is a member of the coder role, so a supervisor has every right of a
coder, and the policies of both roles are OR-ed.

What a coder may write mirrors `qualcode.services.roles`: their own codings (never an
adjudicated one), memos, suggestions, done marks and matrix cells; open codes they create;
what an `import-qdpx` of their own codings onto the project's transcripts writes: a file's
cases and sets, the name of the project it came from and their own REFI-QDA user GUID.
Transcripts, speakers and turns (importing, splitting and joining, metadata, deletion), the
codebook, coders, settings, adjudications, cards, sections, report choices and models are a
supervisor's. Nobody writes the caches directly: triggers
and two functions, all owned by the schema owner, do (the summary's refresh is in
`qualcode.store.team_summary_sql`).
"""

from __future__ import annotations

from qualcode.store.team_summary_sql import refresh_function

# Tables every coder reads and nobody writes but the functions below (the caches).
CACHES = ("coding_summary", "turn_summary", "coding_summary_stale", "segment_search")
# Tables a coder writes, with the rights the table-level GRANT gives (RLS narrows them).
CODER_WRITES = {
    "coding": "INSERT, UPDATE, DELETE",
    "memo": "INSERT, UPDATE, DELETE",
    "suggestion": "INSERT, UPDATE, DELETE",
    "transcript_done": "INSERT, UPDATE, DELETE",
    "matrix_cell": "INSERT, UPDATE",
    "code": "INSERT",
    "refi_object": "INSERT, UPDATE",  # a coder's import-qdpx keeps the file's cases and sets
    "setting": "INSERT",  # only the name of the REFI-QDA project a first import came from
    "coder": "UPDATE (refi_guid)",  # their own user GUID from an imported file
}
TRIGGER_FUNCTIONS = (
    "coding_summary_mark",
    "segment_summary_mark",
    "transcript_summary_mark",
    "summary_mark_all",
)
MY_CODER = "qualcode_my_coder()"
# Policies per table: (name, command, role key, USING, WITH CHECK). Role key "coder" or
# "supervisor"; None for an absent clause.
_OWN = f"coder_id = {MY_CODER}"
_NOT_ADJUDICATED = f"{_OWN} AND origin <> 'adjudicated'"
Policy = tuple[str, str, str, str | None, str | None]
# Policies an earlier qualcode created, dropped by the set-up (coders imported transcripts).
RETIRED_POLICIES = {
    "transcript": ("qc_import_insert", "qc_import_update"),
    "speaker": ("qc_import_insert",),
    "segment": ("qc_tiling_insert",),
}
POLICIES: dict[str, list[Policy]] = {
    "coding": [
        ("qc_own_insert", "INSERT", "coder", None, _NOT_ADJUDICATED),
        ("qc_own_update", "UPDATE", "coder", _NOT_ADJUDICATED, _NOT_ADJUDICATED),
        ("qc_own_delete", "DELETE", "coder", _NOT_ADJUDICATED, None),
    ],
    "memo": [
        ("qc_own_insert", "INSERT", "coder", None, _OWN),
        ("qc_own_update", "UPDATE", "coder", _OWN, _OWN),
        ("qc_own_delete", "DELETE", "coder", _OWN, None),
    ],
    "suggestion": [
        ("qc_own_insert", "INSERT", "coder", None, _OWN),
        ("qc_own_update", "UPDATE", "coder", _OWN, _OWN),
        ("qc_own_delete", "DELETE", "coder", _OWN, None),
    ],
    "transcript_done": [
        ("qc_own_insert", "INSERT", "coder", None, _OWN),
        ("qc_own_update", "UPDATE", "coder", _OWN, _OWN),
        ("qc_own_delete", "DELETE", "coder", _OWN, None),
    ],
    # a matrix cell is shared: any coder may write its summary, signed with their name
    "matrix_cell": [
        ("qc_signed_insert", "INSERT", "coder", None, _OWN),
        ("qc_signed_update", "UPDATE", "coder", "true", _OWN),
    ],
    "code": [
        (
            "qc_open_insert",
            "INSERT",
            "coder",
            None,
            f"is_open AND key LIKE 'open.%' AND created_by = {MY_CODER}",
        ),
    ],
    # importing transcripts and changing turns are a supervisor's: a coder only reads them
    "transcript": [],
    "speaker": [],
    "segment": [],
    "setting": [("qc_refi_insert", "INSERT", "coder", None, "key = 'refi_project'")],
    "coder": [("qc_own_guid", "UPDATE", "coder", f"id = {MY_CODER}", f"id = {MY_CODER}")],
}

_ROLES = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {coder_literal}) THEN
    CREATE ROLE {coder} NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {supervisor_literal}) THEN
    CREATE ROLE {supervisor} NOLOGIN;
  END IF;
END
$$"""

_MY_CODER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {{schema}}.{MY_CODER} RETURNS integer
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = {{schema}}, pg_temp AS $$
  SELECT id FROM coder WHERE name = COALESCE(
    (SELECT (value::jsonb) -> 'logins' ->> current_user::text FROM setting WHERE key = 'team'),
    current_user::text)
$$"""

# The search index of every turn that lacks a current vector, as
# `qualcode.store.search.catch_up` builds it.
_CATCH_UP_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.qualcode_search_catch_up() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  added integer;
BEGIN
  INSERT INTO segment_search (segment_id, start_char, end_char, document)
  SELECT s.id, s.start_char, s.end_char,
         to_tsvector('{ts_config}', substr(t.text, s.start_char + 1, s.end_char - s.start_char))
  FROM segment AS s JOIN transcript AS t ON t.id = s.transcript_id
  WHERE NOT EXISTS (SELECT 1 FROM segment_search AS x WHERE x.segment_id = s.id
                    AND x.start_char = s.start_char AND x.end_char = s.end_char)
  ORDER BY s.id
  ON CONFLICT (segment_id) DO UPDATE SET start_char = excluded.start_char,
    end_char = excluded.end_char, document = excluded.document;
  GET DIAGNOSTICS added = ROW_COUNT;
  RETURN added;
END
$$"""


def quoted(name: str) -> str:
    """A PostgreSQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A PostgreSQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def setup_statements(
    *,
    schema: str,
    coder: str,
    supervisor: str,
    tables: list[str],
    refresh_lock: int,
    cell_marks: int,
    model_role: str,
    any_coder: int,
    any_consensus: int,
    ts_config: str,
) -> list[str]:
    """Every statement of `qualcode team setup`, in order, for the tables of the schema."""
    names = {
        "schema": quoted(schema),
        "coder": quoted(coder),
        "supervisor": quoted(supervisor),
        "coder_literal": literal(coder),
        "supervisor_literal": literal(supervisor),
    }
    c, s, sc = names["coder"], names["supervisor"], names["schema"]
    statements = [
        _ROLES.format(**names),
        f"GRANT {c} TO {s}",
        f"REVOKE ALL ON SCHEMA {sc} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {sc} TO {c}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {sc} FROM PUBLIC, {c}, {s}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {sc} FROM PUBLIC, {c}, {s}",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {sc} FROM PUBLIC, {c}, {s}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {sc} TO {c}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sc} TO {c}",
    ]
    for table in tables:
        if table in CACHES or table == "alembic_version":
            continue
        statements.append(f"GRANT INSERT, UPDATE, DELETE ON {sc}.{quoted(table)} TO {s}")
        if table in CODER_WRITES:
            statements.append(f"GRANT {CODER_WRITES[table]} ON {sc}.{quoted(table)} TO {c}")
    statements.append(_MY_CODER_FUNCTION.format(**names))
    statements.append(
        refresh_function(
            schema=sc,
            lock=refresh_lock,
            cap=cell_marks,
            model_role=literal(model_role),
            consensus=any_consensus,
            any_coder=any_coder,
        )
    )
    statements.append(_CATCH_UP_FUNCTION.format(schema=sc, ts_config=ts_config))
    for function in (MY_CODER, "qualcode_refresh_summary()", "qualcode_search_catch_up()"):
        statements.append(f"GRANT EXECUTE ON FUNCTION {sc}.{function} TO {c}")
    for function in TRIGGER_FUNCTIONS:
        statements.append(
            f"ALTER FUNCTION {sc}.{function}() SECURITY DEFINER SET search_path = {sc}, pg_temp"
        )
    for table, policies in POLICIES.items():
        target = f"{sc}.{quoted(table)}"
        statements.append(f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY")
        for retired in RETIRED_POLICIES.get(table, ()):
            statements.append(f"DROP POLICY IF EXISTS {retired} ON {target}")
        every = [
            ("qc_read", "SELECT", "coder", "true", None),
            ("qc_supervise", "ALL", "supervisor", "true", "true"),
            *policies,
        ]
        for name, command, role, using, check in every:
            statements.append(f"DROP POLICY IF EXISTS {name} ON {target}")
            clauses = f" USING ({using})" if using else ""
            clauses += f" WITH CHECK ({check})" if check else ""
            statements.append(
                f"CREATE POLICY {name} ON {target} FOR {command} TO {names[role]}{clauses}"
            )
    return statements


def login_statements(login: str, group: str, other_group: str, verifier: str | None) -> list[str]:
    """Create (or keep) LOGIN role `login` and make it a member of `group` only. `verifier`
    is the password as the server stores it (a SCRAM verifier made by the client: the
    password itself is never sent, so no server log can hold it); an existing login's
    password is replaced with it."""
    with_password = f" PASSWORD {literal(verifier)}" if verifier is not None else ""
    again = f"ALTER ROLE {quoted(login)}{with_password};" if verifier is not None else "NULL;"
    return [
        f"""DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {literal(login)}) THEN
    CREATE ROLE {quoted(login)} LOGIN{with_password};
  ELSE
    {again}
  END IF;
END
$$""",
        f"REVOKE {quoted(other_group)} FROM {quoted(login)}",
        f"GRANT {quoted(group)} TO {quoted(login)}",
    ]
