/**
 * Expected outcomes are AppError(code): a stable, dotted code (`module.what_happened`) that the web
 * client translates, mapped to an HTTP status by one table. Broken invariants are plain Errors
 * (assertions) and become 500s whose text never leaves the server.
 */
const statusByCode = new Map<string, number>();

/** Each module registers its codes once, at import time: `defineErrorCodes({ 'ledger.insufficient_funds': 409 })`. */
export function defineErrorCodes<const T extends Record<string, number>>(codes: T): { [K in keyof T]: K } {
  const names = {} as { [K in keyof T]: K };
  for (const [code, status] of Object.entries(codes)) {
    assert(/^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(code), `error code "${code}" must be dotted snake_case`);
    assert(status >= 400 && status < 500, `error code "${code}" must map to a 4xx status`);
    const existing = statusByCode.get(code);
    assert(existing === undefined || existing === status, `error code "${code}" registered twice with different statuses`);
    statusByCode.set(code, status);
    (names as Record<string, string>)[code] = code;
  }
  return names;
}

export function statusOfCode(code: string): number | undefined {
  return statusByCode.get(code);
}

export function registeredErrorCodes(): string[] {
  return [...statusByCode.keys()].sort();
}

export type ErrorParams = Record<string, string | number | boolean | null>;

export class AppError extends Error {
  readonly code: string;
  readonly params: ErrorParams;
  /** Field-level problems, e.g. from schema validation or an import. */
  readonly errors: Array<{ path: string; code: string; params?: ErrorParams }>;
  constructor(code: string, params: ErrorParams = {}, errors: AppError['errors'] = []) {
    super(code);
    assert(statusByCode.has(code), `unregistered error code "${code}"`);
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.errors = errors;
  }
  get status(): number {
    return statusByCode.get(this.code) ?? 400;
  }
}

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Codes every module may use. */
export const CommonErrors = defineErrorCodes({
  'common.validation_failed': 422,
  'common.bad_request': 400,
  'common.not_found': 404,
  'common.unauthenticated': 401,
  'common.forbidden': 403,
  'common.csrf_failed': 403,
  'common.rate_limited': 429,
  'common.conflict': 409,
  'common.no_organisation_selected': 409,
  'common.payload_too_large': 413,
  'common.unsupported_media_type': 415,
});
