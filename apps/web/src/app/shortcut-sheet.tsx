/** The `?` sheet: every shortcut registered right now, by group. */
import { Fragment } from 'react';
import { Group, Kbd, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { keyParts, useShortcutList, type Shortcut } from '../lib/shortcuts';
import { useLocale } from '../lib/i18n';

const GROUPS: Shortcut['group_key'][] = ['shortcuts.group_global', 'shortcuts.group_navigation', 'shortcuts.group_page', 'shortcuts.group_table'];

/** Keys that the table and dialogs handle themselves (not registered in the global listener). */
const BUILT_IN: Array<{ keys: string; label_key: string; group_key: Shortcut['group_key'] }> = [
  { keys: 'Escape', label_key: 'shortcuts.close_dialog', group_key: 'shortcuts.group_global' },
  { keys: 'ArrowDown', label_key: 'shortcuts.next_row', group_key: 'shortcuts.group_table' },
  { keys: 'ArrowUp', label_key: 'shortcuts.previous_row', group_key: 'shortcuts.group_table' },
  { keys: 'Enter', label_key: 'shortcuts.open_row', group_key: 'shortcuts.group_table' },
  { keys: 'PageDown', label_key: 'shortcuts.next_page', group_key: 'shortcuts.group_table' },
  { keys: 'PageUp', label_key: 'shortcuts.previous_page', group_key: 'shortcuts.group_table' },
];

function Keys({ keys }: { keys: string }) {
  const { t } = useLocale();
  return (
    <Group gap={4} dir="ltr" wrap="nowrap">
      {keyParts(keys).map((step, i) => (
        <Fragment key={i}>
          {i > 0 && <Text size="xs" c="dimmed">{t('shortcuts.then')}</Text>}
          {step.map((part, j) => (
            <Fragment key={j}>
              {j > 0 && '+'}
              <Kbd>{part}</Kbd>
            </Fragment>
          ))}
        </Fragment>
      ))}
    </Group>
  );
}

export function ShortcutSheet({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useLocale();
  const registered = useShortcutList();
  const rows = [
    ...registered.map((s) => ({ id: s.id, keys: s.keys, label_key: s.label_key, group_key: s.group_key })),
    ...BUILT_IN.map((b) => ({ id: b.keys, keys: [b.keys], label_key: b.label_key, group_key: b.group_key })),
  ];
  return (
    <Modal opened={opened} onClose={onClose} title={t('shortcuts.title')} size="lg" data-testid="shortcut-sheet" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        {GROUPS.map((group) => {
          const items = rows.filter((r) => r.group_key === group);
          if (items.length === 0) return null;
          return (
            <div key={group}>
              <Title order={5} mb={4}>{t(group)}</Title>
              <Table>
                <Table.Tbody>
                  {items.map((item) => (
                    <Table.Tr key={item.id}>
                      <Table.Td>{t(item.label_key)}</Table.Td>
                      <Table.Td w={220}>
                        <Group gap="xs">
                          {item.keys.map((k) => <Keys key={k} keys={k} />)}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          );
        })}
      </Stack>
    </Modal>
  );
}
