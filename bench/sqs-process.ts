import { startLocalSqs } from '../local/sqs-server.ts';

/** The local SQS server (fauxqs) in a process of its own, so its CPU does not count against the intake. */
const sqs = await startLocalSqs();
process.on('message', async (message: unknown) => {
  if (message === 'close') {
    await sqs.close();
    process.exit(0);
  }
});
process.send?.({ type: 'ready', endpoint: sqs.endpoint, queueUrl: sqs.queueUrl, dlqUrl: sqs.dlqUrl });
