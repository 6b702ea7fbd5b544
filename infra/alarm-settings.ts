import * as z from 'zod';
import { setting } from './setting.ts';

/** Where alarms go and when the tunable ones fire (docs/operations.md, "Alarms"). */
export const ALARM_SETTINGS = {
  alarmEmail: setting({
    schema: z.email('must be an e-mail address').optional(),
    meaning: 'E-mail subscribed to the alarm topic (confirm the subscription mail). `-c alarmEmail=` clears it.',
  }),
};

/** Settings that only make sense together: all or none of each group. */
export const TOGETHER: readonly (readonly (keyof typeof ALARM_SETTINGS)[])[] = [];
