/** The Mantine theme of one person's preferences: primary colour, font, font size. */
import { createTheme, type MantineThemeOverride } from '@mantine/core';
import type { FontFamily, FontSize, Preferences } from '../modules/identity/identity.api';

const FONT_STACKS: Record<FontFamily, string> = {
  vazirmatn: 'Vazirmatn, Tahoma, system-ui, sans-serif',
  system: 'system-ui, -apple-system, "Segoe UI", Tahoma, Roboto, "Noto Sans", sans-serif',
};

/** The root font size: Mantine sizes are in rem, so the whole interface scales with it. */
export const ROOT_FONT_SIZE: Record<FontSize, string> = { sm: '87.5%', md: '100%', lg: '112.5%', xl: '125%' };

export function buildTheme(preferences: Pick<Preferences, 'primary_color' | 'font_family'>): MantineThemeOverride {
  const fontFamily = FONT_STACKS[preferences.font_family];
  return createTheme({
    primaryColor: preferences.primary_color,
    fontFamily,
    fontFamilyMonospace: 'ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", monospace',
    headings: { fontFamily, fontWeight: '700' },
    defaultRadius: 'md',
    cursorType: 'pointer',
    components: {
      Modal: { defaultProps: { centered: true } },
    },
  });
}
