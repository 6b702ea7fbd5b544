/**
 * MoEngage outreach events: what MoEngage does TO a user (sent, delivered, dropped, bounced, entered a flow, held
 * back in a control group), not what the user did. They are captured personless (`$process_person_profile: false`)
 * so that a campaign sent to dormant users creates or updates no PostHog person profile: PostHog's counterpart of
 * Mixpanel's monthly-tracked-user exemption for the same events (docs/architecture.md, "Mapping rules").
 *
 * Kept as data, one row per event, each with its source in moengage/moengage-documentation:
 * - `glossary`: user-guide/data/exports/events/data-export-glossary.mdx, "Campaign Activity Events" — every
 *   sent/delivered/dropped/bounced/deferred/failed, flow and control-group event (opens, clicks, views, unsubscribes
 *   and spam complaints are the user's own actions and stay out);
 * - `mixpanel`: partner-guide/data-and-analytics/analytics/mixpanel.mdx, "Export Data" — the rows typed "Delivery",
 *   except Card Viewed (a view is the user's own action); the partner list spells some codes differently (`n_c_s`,
 *   `MOE_CARD_CAMPAIGN_DELIVERED`, `MOE_CONNECTOR_SENT`) and some names in other casing (kept as `aliases`);
 * - `streams`: api/data/moengage-streams.mdx, "Campaign Interaction Events" (`MOE_CARD_SENT`, `MOE_CARD_DELIVERED`).
 * The display name and the code both match, so the list works whichever field names the event (STREAMS_EVENT_NAME).
 */
export interface OutreachEvent {
  name: string;
  /** The same event's name as another MoEngage page spells it. */
  aliases?: readonly string[];
  codes: readonly string[];
  sources: ReadonlyArray<'glossary' | 'mixpanel' | 'streams'>;
}

export const OUTREACH_EVENT_TABLE: readonly OutreachEvent[] = [
  { name: 'Email Sent', codes: ['MOE_EMAIL_SENT'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Email Delivered', codes: ['MOE_EMAIL_DELIVERED'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Email Deferred', codes: ['MOE_EMAIL_DEFERRED'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Email Dropped', codes: ['MOE_EMAIL_DROP'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Email Unsubscribe Drop', codes: ['MOE_EMAIL_DROPPED_UNSUBSCRIBE'], sources: ['glossary'] },
  { name: 'Email Bounced', codes: ['MOE_EMAIL_HARD_BOUNCE'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Email Soft Bounced', codes: ['MOE_EMAIL_SOFT_BOUNCE'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'SMS Sent', codes: ['SMS_SENT'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'SMS Delivered', codes: ['SMS_DELIVERED'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'SMS Delivery Failed', codes: ['MOE_SMS_DELIVERY_FAILED'], sources: ['glossary'] },
  { name: 'WhatsApp Message Sent', codes: ['MOE_WHATSAPP_SENT'], sources: ['glossary'] },
  { name: 'WhatsApp Message Delivered', codes: ['MOE_WHATSAPP_DELIVERED'], sources: ['glossary'] },
  { name: 'WhatsApp Message Delivery Failed', codes: ['MOE_WHATSAPP_DELIVERY_FAILED'], sources: ['glossary'] },
  { name: 'Notification Received Android', codes: ['NOTIFICATION_RECEIVED_MOE'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Notification Received iOS', codes: ['NOTIFICATION_RECEIVED_IOS_MOE'], sources: ['mixpanel'] },
  { name: 'Notification Received iOS App Active', codes: ['NOTIFICATION_RECEIVED_IOS_APP_ACTIVE'], sources: ['glossary'] },
  { name: 'Notification Received Web', codes: ['NOTIFICATION_RECEIVED_WEB_MOE'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Notification Sent iOS', codes: ['n_i_s'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Card Sent', codes: ['MOE_CARD_SENT', 'n_c_s'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Card Delivered', codes: ['MOE_CARD_DELIVERED', 'MOE_CARD_CAMPAIGN_DELIVERED'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Connector Sent', codes: ['MOE_CONNECTOR_SENT', 'WEBHOOK_SENT'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'Web Personalization Message Delivered', codes: ['MOE_WEBP_MESSAGE_DELIVERED'], sources: ['glossary'] },
  { name: 'User Entered Flow', codes: ['USER_ENTERED_FLOW'], sources: ['glossary', 'mixpanel', 'streams'] },
  { name: 'User Exited Flow', codes: ['USER_EXITED_FLOW'], sources: ['glossary', 'mixpanel', 'streams'] },
  {
    name: 'User Added To Control Group',
    aliases: ['User added to control group'],
    codes: ['MOE_CAMPAIGN_CONTROL_GROUP'],
    sources: ['glossary', 'mixpanel', 'streams'],
  },
  {
    name: 'User Removed From Control Group',
    aliases: ['The user removed from the control group'],
    codes: ['MOE_USER_REMOVED_FROM_CONTROL_GROUP'],
    sources: ['glossary', 'mixpanel'],
  },
  {
    name: 'User Removed From Campaign Due to Control Group',
    aliases: ['The user was removed from the campaign due to the control group'],
    codes: ['MOE_CAMPAIGN_USER_REMOVED_DUE_TO_CONTROL_GROUP'],
    sources: ['glossary', 'mixpanel'],
  },
];

/** Display names and codes, flattened: the default of PERSONLESS_EVENTS. */
export const OUTREACH_EVENTS: readonly string[] = OUTREACH_EVENT_TABLE.flatMap((e) => [e.name, ...(e.aliases ?? []), ...e.codes]);
