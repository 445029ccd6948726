/** An amount (integer Rial) in the person's chosen unit: `<Money rial={1250000} />` → «۱۲۵٬۰۰۰ تومان». */
import { moneyNumber } from './format';
import { useLocale } from './i18n';
import { usePreferences } from '../app/preferences';

export function useFormatMoney(): (amount_rial: number | bigint) => string {
  const { t, locale } = useLocale();
  const unit = usePreferences().effective.money_unit;
  return (amount_rial) => `${moneyNumber(amount_rial, unit, locale)} ${t(unit === 'toman' ? 'money.toman' : 'money.rial')}`;
}

export function Money({ rial }: { rial: number | bigint }) {
  const format = useFormatMoney();
  return <span dir="auto">{format(rial)}</span>;
}
