import { defineErrorCodes } from '@chaharsu/kit';

export const WarehouseErrors = defineErrorCodes({
  'warehouse.employee_not_found': 404,
  'warehouse.employee_inactive': 409,
  'warehouse.employee_code_taken': 409,
  'warehouse.face_not_enrolled': 409,
  /** Enrolment: fewer than 10 or more than 30 frames, wrong dimension, not finite numbers. */
  'warehouse.enrolment_invalid': 422,
  /** Enrolment: a frame's descriptor is out of the range real faces give (blank, saturated, not a face). */
  'warehouse.enrolment_low_quality': 422,
  /** Enrolment: the frames are not all of one person at the matching threshold. */
  'warehouse.enrolment_inconsistent': 422,
  'warehouse.descriptor_invalid': 422,
  'warehouse.challenge_not_found': 404,
  'warehouse.challenge_expired': 409,
  'warehouse.challenge_used': 409,
  /** The client did not report the requested blink / head turn. */
  'warehouse.liveness_failed': 422,
  /** The live face does not match the enrolled employee. */
  'warehouse.face_mismatch': 422,
  /** Too many refused confirmations of one employee lately: wait (a guessing attack would need many tries). */
  'warehouse.face_too_many_attempts': 429,
  'warehouse.face_confirmation_missing': 403,
  'warehouse.face_confirmation_invalid': 403,
  'warehouse.face_confirmation_expired': 403,
  'warehouse.face_confirmation_wrong_employee': 403,
  'warehouse.face_confirmation_wrong_org': 403,
  'warehouse.face_confirmation_wrong_user': 403,
  'warehouse.product_required': 422,
  'warehouse.backup_not_found': 404,
  'warehouse.backup_in_progress': 409,
});

export const BackupErrors = defineErrorCodes({
  /** No connection that may read every row (superuser or a BYPASSRLS backup role) is configured. */
  'warehouse.backup_not_configured': 409,
  /** No pg_dump of the server's major version was found (PATH, /usr/lib/postgresql/<major>/bin, PG_DUMP_PATH). */
  'warehouse.backup_tool_mismatch': 409,
  'warehouse.backup_failed': 409,
  /** The database holds several organisations: a whole-database dump would hand one organisation's admin everyone's data. */
  'warehouse.backup_multi_tenant': 409,
});
