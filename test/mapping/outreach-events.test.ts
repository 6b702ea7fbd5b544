import { OUTREACH_EVENT_TABLE, OUTREACH_EVENTS } from '#shared/mapping/outreach-events';

describe('the outreach (personless) event list', () => {
  it.each([
    'MOE_WHATSAPP_SENT',
    'MOE_WHATSAPP_DELIVERED',
    'MOE_SMS_DELIVERY_FAILED',
    'MOE_CAMPAIGN_CONTROL_GROUP',
    'MOE_USER_REMOVED_FROM_CONTROL_GROUP',
    'MOE_CAMPAIGN_USER_REMOVED_DUE_TO_CONTROL_GROUP',
    'MOE_EMAIL_DROPPED_UNSUBSCRIBE',
    'MOE_WEBP_MESSAGE_DELIVERED',
    'WEBHOOK_SENT',
    'MOE_CARD_CAMPAIGN_DELIVERED',
    'n_c_s',
    'Email Sent',
    'WhatsApp Message Delivered',
  ])('holds %s (data-export glossary or the Mixpanel partner list)', (name) => {
    expect(OUTREACH_EVENTS).toContain(name);
  });

  it.each([
    'MOE_EMAIL_OPEN',
    'MOE_EMAIL_CLICK',
    'MOE_EMAIL_UNSUBSCRIBE',
    'MOE_EMAIL_SPAM',
    'NOTIFICATION_CLICKED_MOE',
    'MOE_CARD_CLICKED',
    'MOE_CARD_CAMPAIGN_VIEWED',
    'MOE_WHATSAPP_READ',
    'MOE_SMS_CLICKED',
  ])('leaves out %s: the user acted, so the event may create or update a person', (name) => {
    expect(OUTREACH_EVENTS).not.toContain(name);
  });

  it('names a source for every row and repeats no name or code', () => {
    for (const row of OUTREACH_EVENT_TABLE) {
      expect(row.sources.length).toBeGreaterThan(0);
      expect(row.codes.length).toBeGreaterThan(0);
    }
    expect(new Set(OUTREACH_EVENTS).size).toBe(OUTREACH_EVENTS.length);
  });
});
