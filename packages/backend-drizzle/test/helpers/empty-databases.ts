/**
 * Empty Postgres databases made on demand by one test file, all dropped after its tests
 * (kept, and named, when a test failed), and roles the file created, dropped after them.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, afterEach } from "vitest";
import { ADMIN_URL, databaseUrl } from "./pg.js";

/** Creates empty databases and login roles for one test file. */
export interface EmptyDatabases {
  /** A new empty database; returns its name. */
  create(): Promise<string>;
  /** A new login role without privileges; returns its name. */
  createRole(): Promise<string>;
  /** Runs `statements` as the admin in database `name`. */
  run(name: string, ...statements: string[]): Promise<void>;
}

/** Registers the clean-up hooks and returns the factory. */
export function useEmptyDatabases(prefix: string): EmptyDatabases {
  const databases: string[] = [];
  const roles: string[] = [];
  let failed = false;
  afterEach((context) => {
    if (context.task.result?.state === "fail") failed = true;
  });
  afterAll(async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      if (failed) {
        console.warn(`Keeping databases ${databases.join(", ")} and roles ${roles.join(", ")} because a test failed.`);
        return;
      }
      for (const name of databases) await admin`DROP DATABASE IF EXISTS ${admin(name)} WITH (FORCE)`;
      for (const role of roles) await admin`DROP ROLE IF EXISTS ${admin(role)}`;
    } finally {
      await admin.end({ timeout: 1 });
    }
  });
  return {
    async create() {
      const name = `${prefix}_${randomBytes(5).toString("hex")}`;
      await withAdmin(ADMIN_URL, (admin) => admin`CREATE DATABASE ${admin(name)}`);
      databases.push(name);
      return name;
    },
    async createRole() {
      const role = `${prefix}_role_${randomBytes(4).toString("hex")}`;
      await withAdmin(ADMIN_URL, (admin) => admin`CREATE ROLE ${admin(role)} LOGIN`);
      roles.push(role);
      return role;
    },
    async run(name, ...statements) {
      await withAdmin(databaseUrl(name), async (admin) => {
        for (const statement of statements) await admin.unsafe(statement);
      });
    },
  };
}

async function withAdmin(url: string, work: (admin: postgres.Sql) => Promise<unknown>): Promise<void> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await work(admin);
  } finally {
    await admin.end({ timeout: 1 });
  }
}
