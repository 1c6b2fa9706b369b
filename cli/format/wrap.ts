/**
 * Wrapping text to a width, for table cells: break at spaces, break a word longer than the width
 * where it must, and indent continuation lines so that one item stays visibly one item.
 */
export function wrapText(text: string, width: number, indent = 2): string[] {
  const lines: string[] = [];
  let line = '';
  const room = () => (lines.length === 0 ? width : width - indent);
  const push = () => {
    lines.push(lines.length === 0 ? line : ' '.repeat(indent) + line);
    line = '';
  };
  for (let word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room()) push();
    while (word.length > room()) {
      const cut = room() - line.length - (line === '' ? 0 : 1);
      if (cut <= 0) {
        push();
        continue;
      }
      line = line === '' ? word.slice(0, cut) : `${line} ${word.slice(0, cut)}`;
      word = word.slice(cut);
      push();
    }
    line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '' || lines.length === 0) push();
  return lines;
}
