import { type z } from 'zod';
import { AppError } from '@chaharsu/kit';
import { HolooErrors } from './holoo.errors.js';

/** Parses command input; a malformed command is an expected outcome (recorded as rejected), not a crash. */
export function parseCommandInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(HolooErrors['holoo.invalid_command'], { issue: issue?.message ?? 'invalid', path: issue?.path.join('.') ?? '' });
  }
  return parsed.data;
}
