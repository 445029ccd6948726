import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, AssertionError, statusOfCode } from '@chaharsu/kit';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

/** Every error leaves as application/problem+json with a stable code; 5xx text never leaves the server. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, status: number, code: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: `https://chaharsu.ir/problems/${code}`,
      title: code,
      status,
      code,
      request_id: request.id,
      ...extra,
    });
}

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) {
    return sendProblem(reply, request, error.status, error.code, {
      ...(Object.keys(error.params).length ? { params: error.params } : {}),
      ...(error.errors.length ? { errors: error.errors } : {}),
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
      code: String((v.params as { issue?: { code?: string } })?.issue?.code ?? v.keyword ?? 'invalid'),
      params: { message: v.message ?? '' },
    }));
    return sendProblem(reply, request, 422, 'common.validation_failed', { errors });
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, issues: error.cause }, 'response did not match its schema');
    return sendProblem(reply, request, 500, 'common.internal_error');
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode === 429) return sendProblem(reply, request, 429, 'common.rate_limited');
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fastifyError.statusCode === 413) return sendProblem(reply, request, 413, 'common.payload_too_large');
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fastifyError.statusCode === 415) return sendProblem(reply, request, 415, 'common.unsupported_media_type');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'common.validation_failed' : 'common.bad_request';
    return sendProblem(reply, request, fastifyError.statusCode, statusOfCode(code) ? code : 'common.bad_request');
  }
  request.log.error({ err: error, assertion: error instanceof AssertionError }, 'unhandled error');
  return sendProblem(reply, request, 500, 'common.internal_error');
}
