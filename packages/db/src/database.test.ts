import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { quoteLiteral } from './database.js';

describe('quoteLiteral', () => {
  it('writes the same literal as pg’s escapeLiteral', () => {
    const client = new pg.Client();
    const samples = ['', 'plain', "it's", "''", 'back\\slash', "both ' and \\", '\\\\', 'سلام «ی» ك', '{"a":"b\'c","d":"e\\\\f"}', 'line\nbreak\ttab', '$1 $$ ;'];
    for (const text of samples) expect(quoteLiteral(text)).toBe(client.escapeLiteral(text));
  });
});
