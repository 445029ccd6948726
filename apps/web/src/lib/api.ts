/**
 * The HTTP client of the web app: JSON in and out, cookie session, the CSRF header on unsafe methods,
 * and every failure turned into a ProblemError carrying the server's stable `code` (translated by the
 * caller through `errors.<code>`).
 */
export interface ProblemDetail {
  path: string;
  code: string;
  params?: Record<string, unknown>;
}

export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly params: Record<string, unknown>;
  readonly errors: ProblemDetail[];
  readonly request_id: string | null;
  constructor(status: number, code: string, params: Record<string, unknown> = {}, errors: ProblemDetail[] = [], request_id: string | null = null) {
    super(code);
    this.name = 'ProblemError';
    this.status = status;
    this.code = code;
    this.params = params;
    this.errors = errors;
    this.request_id = request_id;
  }
}

export function isProblem(error: unknown, code?: string): error is ProblemError {
  return error instanceof ProblemError && (code === undefined || error.code === code);
}

const CSRF_COOKIE = 'chaharsu_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Kept from GET /api/me in case the cookie is not readable (e.g. another path). */
let csrfFromMe: string | null = null;

export function rememberCsrfToken(token: string | null | undefined): void {
  csrfFromMe = token ?? null;
}

function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return csrfFromMe;
}

async function problemOf(response: Response): Promise<ProblemError> {
  const requestId = response.headers.get('x-request-id');
  try {
    const body = (await response.json()) as { code?: unknown; params?: unknown; errors?: unknown; request_id?: unknown };
    if (typeof body.code === 'string') {
      return new ProblemError(
        response.status,
        body.code,
        body.params && typeof body.params === 'object' ? (body.params as Record<string, unknown>) : {},
        Array.isArray(body.errors) ? (body.errors as ProblemDetail[]) : [],
        typeof body.request_id === 'string' ? body.request_id : requestId,
      );
    }
  } catch {
    // not JSON: fall through to a generic code by status
  }
  const code = response.status >= 500 ? 'common.internal_error' : response.status === 404 ? 'common.not_found' : 'common.bad_request';
  return new ProblemError(response.status, code, {}, [], requestId);
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export async function apiRequest<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ProblemError(0, 'common.network_error');
  }
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => apiRequest<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => apiRequest<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => apiRequest<T>('PATCH', path, body),
  delete: <T = void>(path: string) => apiRequest<T>('DELETE', path),
};

/** `?a=1&b=x` from the defined, non-empty values. */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
