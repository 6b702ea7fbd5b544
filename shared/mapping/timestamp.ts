/**
 * Timestamps become ISO 8601 UTC before queueing, so every retry resends the same value
 * (docs/architecture.md, "Mapping rules"; docs/architecture.md, "PostHog: Event fields").
 */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const EPOCH = /^\d{1,16}(?:\.\d+)?$/;
/** Epoch values at or above this are milliseconds (1e11 seconds is the year 5138). */
const MS_THRESHOLD = 1e11;

export type TimestampResult = { ok: true; value: string } | { ok: false; message: string };

export function normalizeTimestamp(input: string | number): TimestampResult {
  const text = String(input).trim();
  let ms: number;
  if (typeof input === 'number' || EPOCH.test(text)) {
    const n = Number(text);
    ms = n >= MS_THRESHOLD ? n : n * 1000;
  } else if (ISO_8601.test(text)) {
    if (!isRealDate(text)) return { ok: false, message: `"${truncate(text)}" is not a calendar date` };
    const withT = text.replace(' ', 'T');
    const dateOnly = !withT.includes('T');
    ms = Date.parse(dateOnly ? `${withT}T00:00:00Z` : HAS_ZONE.test(withT) ? withT : `${withT}Z`);
  } else {
    return { ok: false, message: `"${truncate(text)}" is not an ISO 8601 date-time or an epoch in seconds/milliseconds` };
  }
  if (!Number.isFinite(ms)) return { ok: false, message: `"${truncate(text)}" is not a valid date-time` };
  const date = new Date(Math.round(ms));
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) {
    return { ok: false, message: `"${truncate(text)}" is outside the years 1970–9999` };
  }
  return { ok: true, value: date.toISOString() };
}

/** `2026-02-30` parses in JavaScript (as 2 March); refuse days a month does not have. */
function isRealDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const truncate = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
