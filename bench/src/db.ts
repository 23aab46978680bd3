import { randomBytes } from "node:crypto";
import postgres from "postgres";

/** Server address (without database); override with BENCH_PG_URL. */
export const SERVER_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432";

/** An open connection to a scratch database made for one library and one scenario. */
export interface FreshDatabase {
  readonly name: string;
  readonly url: string;
  readonly sql: postgres.Sql;
  /** Closes the connection and drops the database. */
  drop(): Promise<void>;
}

function adminConnection(): postgres.Sql {
  return postgres(`${SERVER_URL}/postgres`, { max: 1, onnotice: () => {} });
}

/** Creates `bench_<lib>_<random>` on the local server. */
export async function createFreshDatabase(lib: string): Promise<FreshDatabase> {
  const name = `bench_${lib}_${randomBytes(4).toString("hex")}`;
  const admin = adminConnection();
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end();
  }
  const url = `${SERVER_URL}/${name}`;
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      const dropper = adminConnection();
      try {
        await dropper`DROP DATABASE IF EXISTS ${dropper(name)} WITH (FORCE)`;
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Runs `body` on a fresh database and always drops it afterwards. */
export async function withFreshDatabase<T>(lib: string, body: (db: FreshDatabase) => Promise<T>): Promise<T> {
  const db = await createFreshDatabase(lib);
  try {
    return await body(db);
  } finally {
    await db.drop();
  }
}

/** Server facts for BENCHMARKS.md. */
export async function serverSettings(): Promise<Record<string, string>> {
  const admin = adminConnection();
  try {
    const names = ["server_version", "synchronous_commit", "shared_buffers", "fsync", "max_connections", "work_mem"];
    const out: Record<string, string> = {};
    for (const name of names) {
      const [row] = await admin`SELECT current_setting(${name}) AS value`;
      out[name] = String(row?.value);
    }
    return out;
  } finally {
    await admin.end();
  }
}
