/**
 * @chaharsu/holoo — the Holoo database adapter. See README.md for the API, the simulator, the
 * Arabic/Persian rule and what has (not) been verified against a real SQL Server.
 */
export { connectSqlServer, connectHolooSimulator, diffCompanyDatabases, HolooInstance, type SqlServerConfig, type SimulatorConnectionOptions } from './connection.js';
export { HolooCompany, type ChangeLogRow } from './company.js';
export { type AppliedCommand, type ApplyCommandInput, type JsonValue, type RejectedResult, executeHolooCommand } from './commands.js';
export { type CommandScope, updateArticles, createArticle, createMainGroup, createSubGroup, renameGroup } from './catalog.writer.js';
export { writeDocument, jalaliDate } from './documents.writer.js';
export { rowHash, ARTICLE_PAGE_MAX, type ArticlePageInput } from './catalog.reader.js';
export { type HolooDialect, type ColumnInfo, type ColumnKind, type NaiveDateTime, APPLIED_COMMAND_TABLE, CHANGE_LOG_TABLE } from './dialect.js';
export { mssqlDialect } from './dialect.mssql.js';
export { postgresDialect } from './dialect.postgres.js';
export { CompanyShape, TableShape } from './shape.js';
export { HolooErrors } from './holoo.errors.js';
export { toHolooText, fromHolooText, holooTextKey } from './text.js';
export * from './holoo.contracts.js';
