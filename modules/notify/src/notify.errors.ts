import { defineErrorCodes } from '@chaharsu/kit';

export const NotifyErrors = defineErrorCodes({
  'notify.not_found': 404,
});
