/**
 * The runtime's own SQLite, behind one small shape: `bun:sqlite` on Bun, `node:sqlite` on Deno,
 * better-sqlite3 on Node. Each driver is loaded by a dynamic import chosen at run time, so Deno
 * and Bun never load the native better-sqlite3 addon and Node never sees a `bun:` specifier.
 *
 * @internal
 */

/** A prepared statement. */
export interface Statement {
  /** Runs the statement with positional parameters; the rows it returns (none for most writes). */
  readonly all: (params: ReadonlyArray<unknown>) => ReadonlyArray<Record<string, unknown>>
}

/** An open database. */
export interface Database {
  readonly driver: Driver
  readonly prepare: (sql: string) => Statement
  readonly close: () => void
}

/** The SQLite drivers, one per runtime. */
export type Driver = "bun:sqlite" | "node:sqlite" | "better-sqlite3"

/** The driver of the running runtime. */
export const runtimeDriver = (): Driver =>
  "Bun" in globalThis ? "bun:sqlite" : "Deno" in globalThis ? "node:sqlite" : "better-sqlite3"

/** What the three drivers' statements have in common; better-sqlite3 adds `reader`. */
interface NativeStatement {
  readonly reader?: boolean
  all(...params: ReadonlyArray<unknown>): Array<Record<string, unknown>>
  run(...params: ReadonlyArray<unknown>): unknown
}

interface NativeDatabase {
  prepare(sql: string): NativeStatement
  close(): void
}

type NativeConstructor = new (path: string, options?: object) => NativeDatabase

/** A variable specifier keeps type checkers and bundlers from resolving every driver. */
const load = (specifier: string): Promise<Record<string, unknown>> => import(specifier)

const constructorOf = async (driver: Driver): Promise<NativeConstructor> => {
  const module = await load(driver)
  const exported =
    driver === "bun:sqlite"
      ? module.Database
      : driver === "node:sqlite"
        ? module.DatabaseSync
        : module.default
  if (typeof exported !== "function") throw new Error(`${driver} has no database constructor`)
  return exported as NativeConstructor
}

/**
 * Opens (creating when missing) the database at `path`; `":memory:"` is a private in-memory
 * database. better-sqlite3 refuses `all()` on statements that return no rows, so those `run()`.
 */
export const open = async (path: string, driver: Driver = runtimeDriver()): Promise<Database> => {
  const Native = await constructorOf(driver)
  const db = driver === "bun:sqlite" ? new Native(path, { create: true }) : new Native(path)
  return {
    driver,
    close: () => db.close(),
    prepare: (sql) => {
      const statement = db.prepare(sql)
      if (statement.reader === false) {
        return {
          all: (params) => {
            statement.run(...params)
            return []
          },
        }
      }
      return { all: (params) => statement.all(...params) }
    },
  }
}
