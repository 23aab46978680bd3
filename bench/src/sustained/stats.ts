import type postgres from "postgres";

/** Size and vacuum state of every table of the library's database, summed. */
export interface TableStats {
  /** pg_total_relation_size: heap, indexes and TOAST. */
  readonly totalBytes: number;
  readonly indexBytes: number;
  readonly liveTuples: number;
  readonly deadTuples: number;
  /** Autovacuum runs over all tables since the cluster started. */
  readonly autovacuums: number;
  readonly autoanalyzes: number;
  /** The biggest table: name, bytes and dead tuples. */
  readonly largest: { readonly name: string; readonly totalBytes: number; readonly deadTuples: number } | undefined;
}

/** Cumulative pg_stat_statements counters of one statement. */
export interface StatementCounters {
  readonly queryId: string;
  /** The statement's text, whitespace collapsed, cut to 100 characters. */
  readonly query: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly rows: number;
  readonly sharedHit: number;
  readonly sharedRead: number;
}

/** One sample of the database, taken every window. */
export interface DbSample {
  /** Seconds since "go". */
  readonly at: number;
  readonly tables: TableStats;
  /** Statements that claim with SKIP LOCKED (every library's claim does), by query id. */
  readonly claims: readonly StatementCounters[];
  /** The session holding the oldest xmin, if any (autovacuum workers included: they show here too). */
  readonly oldestXmin: XminHolder | null;
  /** Vacuums and analyzes in progress in this database, e.g. "vacuum public.t: scanning heap 40%". */
  readonly maintenance: readonly string[];
}

/** Who holds the oldest snapshot: its age in transactions, backend type and statement. */
export interface XminHolder {
  readonly age: number;
  /** e.g. "client backend: SELECT …" or "autovacuum worker: autovacuum: VACUUM …". */
  readonly holder: string;
}

/** Reads table sizes, dead tuples, autovacuum counts and claim statement counters. */
export async function sampleDb(sql: postgres.Sql, at: number): Promise<DbSample> {
  const tables = await sql<{ name: string; total: string; indexes: string; live: string; dead: string; av: string; aa: string }[]>`
    SELECT schemaname || '.' || relname AS name, pg_total_relation_size(relid)::text AS total, pg_indexes_size(relid)::text AS indexes,
      n_live_tup::text AS live, n_dead_tup::text AS dead, autovacuum_count::text AS av, autoanalyze_count::text AS aa
    FROM pg_stat_user_tables`;
  const claims = await sql<{ id: string; query: string; calls: string; total: number; rows: string; hit: string; read: string }[]>`
    SELECT queryid::text AS id, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query, calls::text AS calls,
      total_exec_time AS total, rows::text AS rows, shared_blks_hit::text AS hit, shared_blks_read::text AS read
    FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query ILIKE '%skip locked%'`;
  const [xmin] = await sql<{ age: number; holder: string }[]>`
    SELECT age(backend_xmin)::int AS age, backend_type || ': ' || left(regexp_replace(coalesce(query, ''), '\\s+', ' ', 'g'), 50) AS holder
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
    ORDER BY age(backend_xmin) DESC LIMIT 1`;
  const maintenance = await sql<{ what: string }[]>`
    SELECT 'vacuum ' || relid::regclass::text || ': ' || phase ||
      CASE WHEN heap_blks_total > 0 THEN ' ' || (100 * heap_blks_scanned / heap_blks_total)::text || '%' ELSE '' END AS what
    FROM pg_stat_progress_vacuum WHERE datname = current_database()
    UNION ALL
    SELECT 'analyze ' || relid::regclass::text || ': ' || phase FROM pg_stat_progress_analyze WHERE datname = current_database()`;
  let largest: TableStats["largest"];
  const sum = { totalBytes: 0, indexBytes: 0, liveTuples: 0, deadTuples: 0, autovacuums: 0, autoanalyzes: 0 };
  for (const row of tables) {
    const total = Number(row.total);
    sum.totalBytes += total;
    sum.indexBytes += Number(row.indexes);
    sum.liveTuples += Number(row.live);
    sum.deadTuples += Number(row.dead);
    sum.autovacuums += Number(row.av);
    sum.autoanalyzes += Number(row.aa);
    if (!largest || total > largest.totalBytes) largest = { name: row.name, totalBytes: total, deadTuples: Number(row.dead) };
  }
  return {
    at,
    tables: { ...sum, largest },
    claims: claims.map((row) => ({
      queryId: row.id,
      query: row.query,
      calls: Number(row.calls),
      totalMs: Number(row.total),
      rows: Number(row.rows),
      sharedHit: Number(row.hit),
      sharedRead: Number(row.read),
    })),
    oldestXmin: xmin ? { age: xmin.age, holder: xmin.holder } : null,
    maintenance: maintenance.map((row) => row.what),
  };
}

/** Per-call figures of a statement between two samples. */
export interface StatementDelta {
  readonly calls: number;
  readonly meanMs: number;
  readonly rowsPerCall: number;
  /** Shared buffers hit (and read) per call. */
  readonly buffersPerCall: number;
}

/** The claim statement: of the SKIP LOCKED statements, the one called most often by the last sample. */
export function claimQueryId(last: DbSample | undefined): string | undefined {
  let best: StatementCounters | undefined;
  for (const statement of last?.claims ?? []) if (!best || statement.calls > best.calls) best = statement;
  return best?.queryId;
}

/** What one statement did between samples `from` and `to` (NaN figures when it was not called). */
export function statementDelta(from: DbSample | undefined, to: DbSample, queryId: string | undefined): StatementDelta {
  const find = (sample: DbSample | undefined) => sample?.claims.find((statement) => statement.queryId === queryId);
  const a = find(from);
  const b = find(to);
  const calls = (b?.calls ?? 0) - (a?.calls ?? 0);
  if (!b || calls <= 0) return { calls: 0, meanMs: Number.NaN, rowsPerCall: Number.NaN, buffersPerCall: Number.NaN };
  const buffers = b.sharedHit + b.sharedRead - (a ? a.sharedHit + a.sharedRead : 0);
  return {
    calls,
    meanMs: (b.totalMs - (a?.totalMs ?? 0)) / calls,
    rowsPerCall: (b.rows - (a?.rows ?? 0)) / calls,
    buffersPerCall: buffers / calls,
  };
}
