import * as z from 'zod';
import { chatId, integer, setting } from './setting.ts';

/** Where alarms go and when the tunable ones fire (docs/operations.md, "Alarms"). */
export const ALARM_SETTINGS = {
  alarmEmail: setting({
    schema: z.email('must be an e-mail address').optional(),
    meaning: 'E-mail subscribed to the alarm topic (confirm the subscription mail). `-c alarmEmail=` clears it.',
  }),
  rejectedAlarmThreshold: setting({
    schema: integer(1, 1_000_000).default(10),
    meaning:
      'Refusals in 5 minutes of requests that carried a valid token (connector 4xx) plus Streams events listed as rejected that raise `RejectedRequests`: a broken MoEngage template.',
  }),
  latencyAlarmMs: setting({
    schema: integer(100, 5_000).default(3_000),
    meaning: 'p99 latency of the HTTP API in ms, two 5-minute periods in a row, that raises `IntakeSlow` (MoEngage gives up after 5 s).',
  }),
  slackWorkspaceId: setting({
    schema: chatId('Slack workspace id').optional(),
    meaning:
      'With `slackChannelId`: alarms also go to that Slack channel through AWS Chatbot (authorize the workspace in the Chatbot console first).',
  }),
  slackChannelId: setting({
    schema: chatId('Slack channel id').optional(),
    meaning: 'The Slack channel id (e.g. `C0123456789`); invite the Amazon Q Developer app to the channel (docs/deploy.md, "Alarms").',
  }),
  teamsTeamId: setting({
    schema: chatId('Microsoft Teams team id').optional(),
    meaning:
      'With `teamsChannelId` and `teamsTenantId`: alarms also go to that Microsoft Teams channel through AWS Chatbot (authorize the team in the Chatbot console first).',
  }),
  teamsChannelId: setting({
    schema: chatId('Microsoft Teams channel id').optional(),
    meaning: 'The Teams channel id as Teams copies it (`19%3a…%40thread.tacv2`).',
  }),
  teamsTenantId: setting({
    schema: chatId('Microsoft Teams tenant id').optional(),
    meaning: 'The Microsoft Entra tenant id of the team.',
  }),
};

type ChatKeys = 'slackWorkspaceId' | 'slackChannelId' | 'teamsTeamId' | 'teamsChannelId' | 'teamsTenantId';

/** Settings that only make sense together: all or none of each group. */
export const TOGETHER: readonly (readonly ChatKeys[])[] = [
  ['slackWorkspaceId', 'slackChannelId'],
  ['teamsTeamId', 'teamsChannelId', 'teamsTenantId'],
];
