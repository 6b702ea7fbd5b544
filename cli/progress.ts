import type { Output } from './io.ts';

/** `[##########----------] 12/24 moved` (pure). */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${Math.max(total, done)} moved`;
}

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

/**
 * A bar redrawn in place on a terminal; elsewhere (a pipe, a CI log) plain lines, one per tenth of the work, so logs
 * stay readable.
 */
export function createProgress(out: Output): Progress {
  let drawn = false;
  let lastStep = -1;
  return {
    update(done, total) {
      if (out.isTTY) {
        out.write(`\r${progressBar(done, total)}`);
        drawn = true;
        return;
      }
      const step = total > 0 ? Math.floor((Math.min(done, total) / total) * 10) : done;
      if (step !== lastStep) {
        lastStep = step;
        out.write(`moved ${done}/${Math.max(total, done)}\n`);
      }
    },
    finish() {
      if (drawn) out.write('\n');
    },
  };
}
