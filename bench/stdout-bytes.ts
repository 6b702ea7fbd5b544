/**
 * Counts the bytes this process writes to stdout from now on, still passing them through: what a function would
 * log (Lambda's JSON format keeps Powertools' JSON lines as they are). Returns the running total.
 */
export function countStdoutBytes(): () => number {
  let bytes = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  return () => bytes;
}
