/**
 * Kysely's SQL Server compiler quotes identifiers ANSI-style ("A_Code"), which SQL Server accepts only
 * while QUOTED_IDENTIFIER is ON. Holoo's names include the reserved word Delete, so this compiler uses
 * T-SQL brackets ([Delete]), which work under every session setting; a `]` inside a name is doubled.
 */
import { type DatabaseIntrospector, type Kysely, MssqlDialect, MssqlQueryCompiler, type QueryCompiler, MssqlAdapter, MssqlIntrospector, type DialectAdapter } from 'kysely';

export class BracketMssqlQueryCompiler extends MssqlQueryCompiler {
  protected override getLeftIdentifierWrapper(): string {
    return '[';
  }

  protected override getRightIdentifierWrapper(): string {
    return ']';
  }

  protected override sanitizeIdentifier(identifier: string): string {
    return identifier.replace(/]/g, ']]');
  }
}

export class HolooMssqlDialect extends MssqlDialect {
  override createQueryCompiler(): QueryCompiler {
    return new BracketMssqlQueryCompiler();
  }
}

/** The pieces of the SQL Server dialect other than the driver (for compiling without a connection). */
export const mssqlDialectParts = {
  createAdapter: (): DialectAdapter => new MssqlAdapter(),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector: (db: Kysely<any>): DatabaseIntrospector => new MssqlIntrospector(db),
  createQueryCompiler: (): QueryCompiler => new BracketMssqlQueryCompiler(),
};
