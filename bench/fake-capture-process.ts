import { startRecordingFake } from './fake-capture.ts';

/**
 * The recording fake in a process of its own (forked with an IPC channel), so decoding requests does not count
 * against the client being measured. Argument: the answer delay in ms (default 0). Messages: 'reset' → {ok}, 'stats' → {stats, uuids},
 * 'count' → {stats} (no uuids: cheap to poll), 'down' / 'up' → an outage starts or ends, 'close' → exits.
 */
const fake = await startRecordingFake({ delayMs: Number(process.argv[2] ?? 0) });
const send = (message: unknown) => process.send?.(message);
process.on('message', async (message: unknown) => {
  if (message === 'reset') {
    fake.reset();
    send({ type: 'reset' });
  } else if (message === 'stats') {
    send({ type: 'stats', stats: fake.stats(), uuids: [...fake.uuids()] });
  } else if (message === 'count') {
    send({ type: 'count', stats: fake.stats() });
  } else if (message === 'down' || message === 'up') {
    fake.setDown(message === 'down');
    send({ type: message });
  } else if (message === 'close') {
    await fake.close();
    process.exit(0);
  }
});
send({ type: 'ready', url: fake.url });
