import { defineErrorCodes } from '@chaharsu/kit';

/**
 * Expected outcomes of a Holoo command: the agent reports the code, the panel translates it.
 * A command rejected with one of these changed nothing and is recorded as rejected (not retried).
 */
export const HolooErrors = defineErrorCodes({
  'holoo.article_not_found': 404,
  'holoo.article_code_taken': 409,
  'holoo.article_code_invalid': 422,
  'holoo.article_code_range_full': 409,
  'holoo.group_not_found': 404,
  'holoo.group_code_taken': 409,
  'holoo.group_code_range_full': 409,
  'holoo.unit_not_found': 404,
  'holoo.customer_not_found': 404,
  'holoo.warehouse_not_found': 404,
  'holoo.article_not_in_warehouse': 422,
  'holoo.document_numbering_exhausted': 409,
  'holoo.column_missing': 422,
  'holoo.unsupported_schema': 422,
  'holoo.unsupported_required_column': 422,
  'holoo.company_database_not_found': 404,
  'holoo.invalid_command': 422,
});
