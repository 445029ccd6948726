/** Small pieces the warehouse screens share: quantities in the reader's digits, movement type badges, product names. */
import { Badge, Text } from '@mantine/core';
import type { Locale } from '@chaharsu/i18n/messages';
import { intlLocale } from '../../lib/format';
import { useLocale } from '../../lib/i18n';
import { useProduct, type MovementType } from './warehouse.api';

const quantityFormats = new Map<Locale, Intl.NumberFormat>();

/** Quantities may have up to three decimals (kg, m); shown in the reader's digits, isolated so a minus sign stays put in RTL. */
export function formatQuantity(value: number, locale: Locale, signed = false): string {
  let format = quantityFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 3 });
    quantityFormats.set(locale, format);
  }
  const text = format.format(Math.abs(value));
  const sign = value < 0 ? '−' : signed && value > 0 ? '+' : '';
  return `\u2066${sign}${text}\u2069`;
}

const TYPE_COLOURS: Record<MovementType, string> = {
  in: 'teal', out: 'orange', transfer_in: 'cyan', transfer_out: 'grape', adjust: 'gray', reversal: 'red',
};

export function MovementTypeBadge({ type }: { type: MovementType }) {
  const { t } = useLocale();
  return <Badge color={TYPE_COLOURS[type]} variant="light" data-type={type} maw="none" style={{ overflow: 'visible', flexShrink: 0 }}>{t(`warehouse.type.${type}`)}</Badge>;
}

/** A product's name by id (cached per product; the history rows carry ids only). */
export function ProductName({ id, fallback }: { id: string; fallback?: string }) {
  const product = useProduct(fallback ? null : id);
  const name = fallback ?? product.data?.name;
  return (
    <div>
      <Text size="sm"><bdi>{name ?? '…'}</bdi></Text>
      {product.data?.code && <Text c="dimmed" size="xs" style={{ whiteSpace: 'nowrap' }}>{`\u2066${product.data.code}\u2069`}</Text>}
    </div>
  );
}

/** A stable random key (idempotency of one scan's movement). */
export function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
