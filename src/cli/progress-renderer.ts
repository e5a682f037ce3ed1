/**
 * Draws progress events on stderr: a redrawn bar on a terminal, plain lines
 * otherwise (logs, Ansible), so long work always shows it is alive.
 */
import type { ProgressEvent, ProgressSink } from '../core/progress.js';

const BAR_WIDTH = 30;

function formatAmount(value: number, unit?: string): string {
  if (unit === 'bytes') return `${(value / 1048576).toFixed(1)} MiB`;
  return unit ? `${value} ${unit}` : String(value);
}

/** A progress sink writing to `stream`. */
export function progressRenderer(stream: NodeJS.WriteStream, options: { tty: boolean; color: boolean }): ProgressSink {
  let barShown = false;
  let lastPlainPercent = -1;
  const clearBar = () => {
    if (barShown) stream.write('\r\x1b[K');
    barShown = false;
  };
  const paint = (text: string, code: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return (event: ProgressEvent) => {
    if (event.type === 'step') {
      clearBar();
      lastPlainPercent = -1;
      stream.write(`${paint(`[${event.index}/${event.total}]`, '1')} ${event.step}\n`);
    } else if (event.type === 'log') {
      if (event.level === 'debug') return;
      clearBar();
      stream.write(event.level === 'warn' ? `${paint('warning:', '33')} ${event.message}\n` : `${event.message}\n`);
    } else {
      const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
      const percent = Math.floor(fraction * 100);
      if (options.tty) {
        const filled = Math.round(fraction * BAR_WIDTH);
        stream.write(`\r\x1b[K  ${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)} ${percent}% ${event.step} (${formatAmount(event.done, event.unit)}/${formatAmount(event.total, event.unit)})`);
        barShown = true;
        if (fraction >= 1) clearBar();
      } else if (percent >= lastPlainPercent + 10 || percent === 100) {
        // Plain output: one line per 10 %, never a flood.
        lastPlainPercent = percent;
        stream.write(`  ${event.step}: ${percent}% (${formatAmount(event.done, event.unit)}/${formatAmount(event.total, event.unit)})\n`);
      }
    }
  };
}
