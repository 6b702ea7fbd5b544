import { GetEventSourceMappingCommand, type LambdaClient, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import type { EventSource } from '../delivery/prober.ts';

/**
 * The forwarder's SQS event source mapping as a switch: disabled, Lambda stops polling and the messages wait in the
 * queue without being received, so an outage neither costs invocations nor counts towards maxReceiveCount
 * (AWS Lambda developer guide, "Using Lambda with Amazon SQS": disable the event source mapping to pause polling).
 */
export function createEsmEventSource(deps: { lambda: LambdaClient; uuid: string }): EventSource {
  return {
    async setEnabled(enabled) {
      const current = await deps.lambda.send(new GetEventSourceMappingCommand({ UUID: deps.uuid }));
      const on = current.State === 'Enabled' || current.State === 'Enabling' || current.State === 'Updating';
      if (on === enabled) return;
      await deps.lambda.send(new UpdateEventSourceMappingCommand({ UUID: deps.uuid, Enabled: enabled }));
    },
  };
}
