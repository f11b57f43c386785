import type { AppError, ImportRowError } from '@shared/contract';
import type { MessageKey, Translator } from '../../i18n';
import { adminEn } from './i18n';

/**
 * Errors of the admin pages in the reader's language, never as raw codes: a specific reason or
 * field the server names first, then the app-wide translation by code (which also names a missing
 * permission).
 */

const has = (key: string): key is MessageKey => key in adminEn;

/** The form field a server or schema error is about (`fields.mobile`, `employeeId`, `account`…), if any. */
export function errorField(error: Pick<AppError, 'details'>): string | null {
  const field = error.details?.['field'];
  if (typeof field === 'string') return field;
  const issues = error.details?.['issues'];
  if (Array.isArray(issues)) {
    const first = issues[0] as { path?: unknown } | undefined;
    if (first && Array.isArray(first.path) && first.path.length > 0) return String(first.path[first.path.length - 1]);
  }
  return null;
}

export function adminErrorText(tr: Pick<Translator, 't' | 'te'>, error: Pick<AppError, 'code' | 'details'>): string {
  const reason = error.details?.['reason'];
  if (typeof reason === 'string' && has(`admin.reason.${reason}`)) return tr.t(`admin.reason.${reason}` as MessageKey);
  const field = errorField(error);
  const label = field && has(`admin.field.${field}`) ? tr.t(`admin.field.${field}` as MessageKey) : null;
  if (label) {
    if (error.code === 'conflict') return tr.t('admin.error.fieldTaken', { field: label });
    if (error.code === 'bad_request') return tr.t('admin.error.fieldInvalid', { field: label, hint: fieldHint(tr, field!) });
    if (error.code === 'not_found') return tr.t('admin.error.fieldNotFound', { field: label });
  }
  return tr.te(error);
}

/** A field's name in the reader's language ("the value" when the field is unknown to this page). */
export function fieldLabel(tr: Pick<Translator, 't'>, field: string): string {
  return has(`admin.field.${field}`) ? tr.t(`admin.field.${field}` as MessageKey) : tr.t('admin.field.value');
}

/** What a valid value of a field looks like (empty when nothing useful can be said). */
export function fieldHint(tr: Pick<Translator, 't'>, field: string): string {
  return has(`admin.hint.${field}`) ? tr.t(`admin.hint.${field}` as MessageKey) : '';
}

/** One import row error in the reader's language (the server's English `message` is for logs). */
export function importRowErrorText(tr: Pick<Translator, 't'>, e: Pick<ImportRowError, 'field' | 'code'>): string {
  const field = tr.t(`admin.field.${e.field}` as MessageKey);
  const key = `admin.import.code.${e.code}`;
  const base = has(key) ? tr.t(key as MessageKey, { field }) : tr.t('admin.import.code.malformed', { field });
  const hint = e.code === 'malformed' ? fieldHint(tr, e.field) : '';
  return hint ? tr.t('admin.error.withHint', { text: base, hint }) : base;
}
