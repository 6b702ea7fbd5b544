import { ConnectorBatchSchema } from '#shared/connector/schema';
import { loadConfig } from '#shared/platform/config';
import { PostHogEventSchema } from '#shared/posthog/event';

// The Lambda bundles carry zod/mini only (shared/lib/zod-mini.ts). Each jest test file has its own module registry,
// and nothing above loads classic zod, so the first test sees the messages the deployed intake and forwarder give.

const BAD_ENV = {
  POSTHOG_HOST: 'us',
  POSTHOG_API_KEY_SECRET: '',
  QUEUE_URL: 'not a url',
  MAX_BODY_BYTES: '12',
  POSTHOG_TIMEOUT_MS: '1.5',
  STRICT_MODE: 'yes',
};
const BAD_EVENT = { event: '', distinct_id: 7, properties: [], timestamp: 't', uuid: 'nope' };

const configError = (): string => {
  try {
    loadConfig(BAD_ENV);
    return 'loaded';
  } catch (error) {
    return (error as Error).message;
  }
};
const messages = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('schemas on zod/mini', () => {
  it('answer with zod’s English messages without classic zod loaded', () => {
    expect(configError()).toBe(
      'invalid configuration: POSTHOG_API_KEY_SECRET Too small: expected string to have >=1 characters; ' +
        'QUEUE_URL Invalid URL; MAX_BODY_BYTES Too small: expected number to be >=1024; ' +
        'POSTHOG_TIMEOUT_MS Invalid input: expected int, received number; STRICT_MODE must be true or false (or 1 or 0)',
    );
    expect(messages(PostHogEventSchema.safeParse(BAD_EVENT))).toEqual([
      'event: Too small: expected string to have >=1 characters',
      'distinct_id: Invalid input: expected string, received number',
      'properties: Invalid input: expected record, received array',
      'uuid: Invalid UUID',
    ]);
    expect(messages(ConnectorBatchSchema.safeParse({ batch: [] }))).toEqual(['batch: must hold at least one event']);
  });

  it('give the issues classic zod gives for the same schema', async () => {
    const z = await import('zod');
    const classic = z.object({
      event: z.string().min(1),
      distinct_id: z.string().min(1),
      properties: z.record(z.string(), z.unknown()),
      timestamp: z.string(),
      uuid: z.uuid(),
    });
    expect(PostHogEventSchema.safeParse(BAD_EVENT).error?.issues).toEqual(classic.safeParse(BAD_EVENT).error?.issues);
    const env = z.coerce
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024);
    for (const text of ['12', '1.5', 'x', '99999999999']) {
      expect(messages(loadConfigIssue(text))).toEqual(messages(env.safeParse(text)));
    }
  });
});

/** MAX_BODY_BYTES' issue alone, as loadConfig's schema reports it. */
function loadConfigIssue(text: string) {
  try {
    loadConfig({ POSTHOG_HOST: 'us', POSTHOG_API_KEY: 'phc_x', MAX_BODY_BYTES: text });
    return { success: true };
  } catch (error) {
    const detail = (error as Error).message.replace('invalid configuration: MAX_BODY_BYTES ', '');
    return { success: false, error: { issues: [{ path: [], message: detail }] } };
  }
}
