import { defineErrorCodes } from '@chaharsu/kit';

export const BranchSyncErrors = defineErrorCodes({
  'branch_sync.branch_not_found': 404,
  'branch_sync.agent_not_found': 404,
  'branch_sync.command_not_found': 404,
  'branch_sync.enrolment_code_invalid': 401,
  'branch_sync.no_agent': 409,
  'branch_sync.command_not_retryable': 409,
  'branch_sync.release_not_found': 404,
  'branch_sync.release_exists': 409,
  'branch_sync.download_denied': 401,
  'branch_sync.secret_rotation_pending': 409,
  'branch_sync.offer_not_found': 404,
  'branch_sync.offer_withdrawn': 409,
});
