#!/usr/bin/env python3
"""PostgreSQL backend CPU per row of the statements a sink can write a batch with.

Not part of the test suite; docs/performance.md (Sink, issue 14) keeps its figures. For each way
of writing, one psql session fills the table (id bigint PRIMARY KEY, name text, amount
numeric(12,2), ts timestamptz, doc jsonb) with 300,000 rows, then writes 20 batches, one
transaction each, and prints the CPU seconds its backend used for them (/proc/self/stat, read
with pg_read_file: run as a superuser, on a server on this machine) and the microseconds per row.
A batch is the benchmark's mix for 10,000 records: 3,000 updates of existing rows, 6,500 new
rows, 500 deletes. Rows travel as COPY text (psql's \\copy, as the sink sends them) or as array
literals (as array parameters are sent).

    python3 integration-tests/scripts/sink-statement-cpu.py -h /tmp/sock -p 5432 -U postgres
"""
import os
import subprocess
import sys
import tempfile

N, BATCHES = 300_000, 20


def row(i, name):
    return [str(i), name, "%d.%02d" % (i % 100_000, i % 100), "2024-01-01 00:00:00.123456+00",
            '{"id": %d, "tags": ["a", "b"], "ok": true}' % i]


def array_literal(values):
    return "'{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                           for v in values) + "}'"


def arrays(rows):
    cols = list(zip(*rows))
    return ("%s::bigint[], %s::text[], %s::numeric[], %s::timestamptz[], %s::jsonb[]"
            % tuple(array_literal(c) for c in cols))


def key_array(ids):
    return "'{" + ",".join(str(i) for i in ids) + "}'::text[]"


SET = "name=EXCLUDED.name, amount=EXCLUDED.amount, ts=EXCLUDED.ts, doc=EXCLUDED.doc"
USET = "name=s.name, amount=s.amount, ts=s.ts, doc=s.doc"


def main(psql_args):
    work = tempfile.mkdtemp(prefix="sink-statement-cpu-")
    os.chdir(work)
    upd, new = {}, {}
    with open("base.txt", "w") as f:
        for i in range(N):
            f.write("\t".join(row(i, "name-%d" % i)) + "\n")
    for b in range(BATCHES):
        upd[b] = [row(i, "updated-%d" % i) for i in range(b * 10_000, (b + 1) * 10_000)
                  if i % 100 < 30]
        new[b] = [row(N + b * 10_000 + i, "new") for i in range(6_500)]
        for name, rows in (("upd", upd[b]), ("new", new[b]), ("mix", upd[b] + new[b])):
            with open("%s%d.txt" % (name, b), "w") as f:
                f.writelines("\t".join(r) + "\n" for r in rows)

    def probe(b):  # the sink's query for the keys that exist (TableWrite.existingKeys)
        ids = [int(r[0]) for r in upd[b] + new[b]]
        return ("SELECT count(*) FROM (SELECT d.ord FROM unnest(%s) WITH ORDINALITY AS d(k1, ord)"
                " WHERE EXISTS (SELECT 1 FROM t WHERE t.id = d.k1::bigint)) x;" % key_array(ids))

    def delete(b):
        ids = [i for i in range(b * 10_000, (b + 1) * 10_000) if 30 <= i % 100 < 35]
        return "DELETE FROM t USING unnest(%s) AS d(k1) WHERE t.id = d.k1::bigint;" % key_array(ids)

    upsert_stage = "INSERT INTO t SELECT * FROM stage ON CONFLICT (id) DO UPDATE SET " + SET + ";"
    ways = {  # name: (rows counted, statements of batch b)
        "COPY of 6,500 new rows into the table": (6_500, lambda b: ["\\copy t from 'new%d.txt'" % b]),
        "new rows: staging + INSERT ON CONFLICT": (6_500, lambda b: [
            "\\copy stage from 'new%d.txt'" % b, upsert_stage]),
        "new rows: unnest(arrays) ON CONFLICT": (6_500, lambda b: [
            "INSERT INTO t SELECT * FROM unnest(%s) ON CONFLICT (id) DO UPDATE SET %s;"
            % (arrays(new[b]), SET)]),
        "3,000 updates: staging + INSERT ON CONFLICT": (3_000, lambda b: [
            "\\copy stage from 'upd%d.txt'" % b, upsert_stage]),
        "updates: staging + UPDATE FROM": (3_000, lambda b: [
            "\\copy stage from 'upd%d.txt'" % b,
            "UPDATE t SET " + USET + " FROM stage s WHERE t.id = s.id;"]),
        "updates: unnest(arrays) ON CONFLICT": (3_000, lambda b: [
            "INSERT INTO t SELECT * FROM unnest(%s) ON CONFLICT (id) DO UPDATE SET %s;"
            % (arrays(upd[b]), SET)]),
        "updates: UPDATE FROM unnest(arrays)": (3_000, lambda b: [
            "UPDATE t SET %s FROM unnest(%s) s(id, name, amount, ts, doc) WHERE t.id = s.id;"
            % (USET, arrays(upd[b]))]),
        "updates: staging + MERGE": (3_000, lambda b: [
            "\\copy stage from 'upd%d.txt'" % b,
            "MERGE INTO t USING stage s ON t.id = s.id WHEN MATCHED THEN UPDATE SET " + USET
            + " WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.name, s.amount, s.ts, s.doc);"]),
        "mix (the sink): key query, COPY new, staging + ON CONFLICT, DELETE": (10_000, lambda b: [
            probe(b), "\\copy t from 'new%d.txt'" % b, "\\copy stage from 'upd%d.txt'" % b,
            upsert_stage, delete(b)]),
        "mix: all through staging + ON CONFLICT, DELETE": (10_000, lambda b: [
            "\\copy stage from 'mix%d.txt'" % b, upsert_stage, delete(b)]),
        "the key query alone": (10_000, lambda b: [probe(b)]),
    }
    setup = (
        "\\set QUIET on\n"
        "DROP TABLE IF EXISTS t;\n"
        "CREATE TABLE t (id bigint PRIMARY KEY, name text, amount numeric(12,2), ts timestamptz,"
        " doc jsonb);\n"
        "\\copy t from 'base.txt'\n"
        "VACUUM ANALYZE t;\nCHECKPOINT;\n"
        "CREATE OR REPLACE FUNCTION pg_temp.cpu() RETURNS float8 LANGUAGE sql AS $$"
        " SELECT (split_part(s, ' ', 12)::float8 + split_part(s, ' ', 13)::float8) / 100"
        " FROM (SELECT substr(x, position(') ' in x) + 2) s"
        " FROM pg_read_file('/proc/self/stat') x) y $$;\n"
        "CREATE TEMP TABLE stage (id bigint, name text, amount numeric(12,2), ts timestamptz,"
        " doc jsonb) ON COMMIT DELETE ROWS;\n"
        "SELECT pg_temp.cpu() AS c0 \\gset\n")
    for name, (rows, statements) in ways.items():
        script = [setup]
        for b in range(BATCHES):
            script.append("BEGIN;\n" + "\n".join(statements(b)) + "\nCOMMIT;\n")
        script.append("SELECT round((pg_temp.cpu() - :c0)::numeric, 2),"
                      " round(((pg_temp.cpu() - :c0) * 1e6 / %d)::numeric, 2);\n"
                      % (rows * BATCHES))
        with open("run.sql", "w") as f:
            f.write("".join(script))
        out = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-f", "run.sql"]
                             + psql_args, check=True, capture_output=True, text=True).stdout
        cpu, per_row = out.strip().splitlines()[-1].split("|")
        print("%-70s %6s CPU s  %6s us/row" % (name, cpu, per_row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
