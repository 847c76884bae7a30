/**
 * The runtime's own SQLite, behind one small shape: `bun:sqlite` on Bun, `node:sqlite` on Node
 * (≥ 22.13, where it needs no flag) and on Deno. Nothing is compiled at install time. Each driver
 * is loaded by a dynamic import chosen at run time, so Node and Deno never see a `bun:` specifier.
 *
 * **Gotchas**: Node 22 prints one `ExperimentalWarning` ("SQLite is an experimental feature") on
 * stderr when `node:sqlite` is first loaded; Node 24 does not. Node 22 refuses to bind booleans
 * (`sqliteClient.ts` binds them as `1`/`0` on every runtime). `node:sqlite` throws a `RangeError`
 * when it reads an integer beyond `Number.MAX_SAFE_INTEGER` (the store writes none).
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

/** The SQLite drivers, one per runtime (Node and Deno share `node:sqlite`). */
export type Driver = "bun:sqlite" | "node:sqlite"

/** The driver of the running runtime. */
export const runtimeDriver = (): Driver => ("Bun" in globalThis ? "bun:sqlite" : "node:sqlite")

/** What both drivers' statements have in common: `all` also runs statements that return no rows. */
interface NativeStatement {
  all(...params: ReadonlyArray<unknown>): Array<Record<string, unknown>>
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
  const exported = driver === "bun:sqlite" ? module.Database : module.DatabaseSync
  if (typeof exported !== "function") throw new Error(`${driver} has no database constructor`)
  return exported as NativeConstructor
}

/**
 * Opens (creating when missing) the database at `path`; `":memory:"` is a private in-memory
 * database.
 */
export const open = async (path: string, driver: Driver = runtimeDriver()): Promise<Database> => {
  const Native = await constructorOf(driver)
  const db = driver === "bun:sqlite" ? new Native(path, { create: true }) : new Native(path)
  return {
    driver,
    close: () => db.close(),
    prepare: (sql) => {
      const statement = db.prepare(sql)
      return { all: (params) => statement.all(...params) }
    },
  }
}
