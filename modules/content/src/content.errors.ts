import { defineErrorCodes } from '@chaharsu/kit';

export const ContentErrors = defineErrorCodes({
  /** The language is not one of fa, en, ar, uz. */
  'content.locale_unknown': 422,
  /** The key is not in the default catalogue (typos would otherwise pile up as dead overrides). */
  'content.unknown_key': 422,
  /** The text drops or adds an {{interpolation}} placeholder of the default text. */
  'content.placeholders_mismatch': 422,
  /** The text is empty or longer than the limit. */
  'content.value_invalid': 422,
  /** An import had bad entries; `errors` lists them per key and nothing was written. */
  'content.import_invalid': 422,
  /** No guide for the page in the language asked for, nor in Persian. */
  'help.not_found': 404,
});
