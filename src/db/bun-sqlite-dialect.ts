// Kysely's SqliteDialect speaks a better-sqlite3-shaped interface; this adapts bun:sqlite to it.
import type { Database as BunDatabase } from 'bun:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

type Params = ReadonlyArray<unknown>;
type Bindings = any[]; // bun:sqlite binds strings, numbers, bigints, blobs and null

export function bunSqliteDialect(db: BunDatabase): SqliteDialect {
  const adapter: SqliteDatabase = {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const statement = db.query(sql); // cached prepared statement
      return {
        reader: statement.columnNames.length > 0,
        all: (params: Params) => statement.all(...(params as Bindings)),
        run: (params: Params) => statement.run(...(params as Bindings)),
        iterate: (params: Params) => statement.iterate(...(params as Bindings)),
      };
    },
  };
  return new SqliteDialect({ database: adapter });
}
