import type { TFunction } from 'i18next';

/** `orgs.branch.created` → its translated name (`audit_actions.orgs.branch.created`), else the code itself. */
export function auditActionLabel(action: string, t: TFunction): string {
  return t(`audit_actions.${action}`, { defaultValue: action });
}

export function auditEntityLabel(entity_type: string, t: TFunction): string {
  return t(`audit_entities.${entity_type}`, { defaultValue: entity_type });
}
