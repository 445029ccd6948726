/**
 * Help guides are markdown written by the platform admin. react-markdown renders to React elements and
 * ignores raw HTML, and its default URL policy drops `javascript:` links: nothing typed becomes markup.
 */
import Markdown from 'react-markdown';
import { Typography } from '@mantine/core';

export default function SafeMarkdown({ text }: { text: string }) {
  return (
    <Typography>
      <Markdown skipHtml>{text}</Markdown>
    </Typography>
  );
}
