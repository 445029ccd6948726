/**
 * A date field in the reader's calendar (Jalali `۱۴۰۴/۰۱/۱۵` in Persian; ISO `2025-04-04` otherwise): typed,
 * or picked from a month view that opens from the calendar button.
 */
import { useState } from 'react';
import { ActionIcon, Group, Popover, SimpleGrid, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconCalendar, IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useLocale } from './i18n';
import { parseJalaliDate } from './jalali';
import { toLatinDigits } from './format';
import { calendarMonth, dayNumber, dayText, monthOf, shiftMonth } from './calendar-month';

export function parseLocalDate(input: string, jalali: boolean): Date | null {
  if (!input.trim()) return null;
  if (jalali) return parseJalaliDate(input);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(toLatinDigits(input.trim()));
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return date.getDate() === Number(match[3]) ? date : null;
}

const sameDay = (a: Date | null, b: Date) => !!a && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** The month view: one month at a time, today marked, the chosen day filled. */
function MonthPicker({ selected, onPick, testId }: { selected: Date | null; onPick: (day: Date) => void; testId: string }) {
  const { t, locale } = useLocale();
  const [first, setFirst] = useState(() => monthOf(selected ?? new Date(), locale));
  const month = calendarMonth(first, locale);
  const today = new Date();
  // In right-to-left text the earlier month is on the right.
  const [Earlier, Later] = locale === 'fa' || locale === 'ar' ? [IconChevronRight, IconChevronLeft] : [IconChevronLeft, IconChevronRight];
  return (
    <Stack gap={6} data-testid={`${testId}-calendar`}>
      <Group justify="space-between" wrap="nowrap">
        <ActionIcon variant="subtle" onClick={() => setFirst(shiftMonth(first, -1, locale))} aria-label={t('common.previous_month')} data-testid={`${testId}-calendar-previous`}>
          <Earlier size={16} />
        </ActionIcon>
        <Text fw={600} size="sm" data-testid={`${testId}-calendar-month`}>{month.label}</Text>
        <ActionIcon variant="subtle" onClick={() => setFirst(shiftMonth(first, 1, locale))} aria-label={t('common.next_month')} data-testid={`${testId}-calendar-next`}>
          <Later size={16} />
        </ActionIcon>
      </Group>
      <SimpleGrid cols={7} spacing={2} verticalSpacing={2}>
        {month.weekdays.map((name, i) => <Text key={`w${i}`} size="xs" c="dimmed" ta="center">{name}</Text>)}
        {month.weeks.flat().map((day, i) => {
          if (day === null) return <span key={`e${i}`} />;
          const chosen = sameDay(selected, day);
          return (
            <UnstyledButton
              key={day.getTime()}
              onClick={() => onPick(day)}
              data-testid={`${testId}-day`}
              data-selected={chosen || undefined}
              aria-pressed={chosen}
              style={{
                textAlign: 'center', borderRadius: 6, padding: '4px 0', fontSize: 13,
                background: chosen ? 'var(--mantine-primary-color-filled)' : undefined,
                color: chosen ? 'var(--mantine-color-white)' : undefined,
                outline: sameDay(today, day) ? '1px solid var(--mantine-primary-color-filled)' : undefined,
              }}
            >
              {dayNumber(day, locale)}
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
      <UnstyledButton onClick={() => onPick(today)} data-testid={`${testId}-calendar-today`} style={{ textAlign: 'center' }}>
        <Text size="xs" c="blue">{t('common.today')}</Text>
      </UnstyledButton>
    </Stack>
  );
}

export function CalendarDateInput({ labelKey, value, onChange, testId }: { labelKey: string; value: string; onChange: (value: string) => void; testId: string }) {
  const { t, locale } = useLocale();
  const jalali = locale === 'fa';
  const parsed = parseLocalDate(value, jalali);
  const invalid = value.trim() !== '' && parsed === null;
  const [opened, setOpened] = useState(false);
  return (
    <TextInput
      label={t(labelKey)}
      placeholder={t(jalali ? 'common.date_placeholder_jalali' : 'common.date_placeholder_iso')}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={invalid ? t('common.date_invalid') : undefined}
      dir="ltr"
      inputMode="numeric"
      data-testid={testId}
      w={170}
      rightSection={(
        <Popover opened={opened} onChange={setOpened} position="bottom-end" shadow="md" width={250} withinPortal>
          <Popover.Target>
            <ActionIcon variant="subtle" onClick={() => setOpened((o) => !o)} aria-label={t('common.open_calendar')} data-testid={`${testId}-calendar-button`}>
              <IconCalendar size={16} />
            </ActionIcon>
          </Popover.Target>
          <Popover.Dropdown>
            <MonthPicker selected={parsed} testId={testId} onPick={(day) => { onChange(dayText(day, locale)); setOpened(false); }} />
          </Popover.Dropdown>
        </Popover>
      )}
    />
  );
}
