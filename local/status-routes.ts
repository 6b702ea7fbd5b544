import { extractToken, isAuthorized } from '#shared/intake/auth';
import type { StatusJournal } from './status-journal.ts';

export interface LocalRouteAnswer {
  status: number;
  body: unknown;
}

/** The local runner's own routes, beside the intake's: they need the webhook token as the intake does. */
export const LOCAL_ROUTES = { status: '/local/status', trace: '/local/trace' } as const;

/**
 * `GET /local/status` (events by stage, requests by outcome, the latest events) and `GET /local/trace?id=<uuid |
 * distinct_id | $insert_id>` (the journal's lines about that event, read by `moengage-posthog trace --local`).
 */
export function answerLocalRoute(
  journal: StatusJournal,
  tokens: readonly string[],
  request: { method: string; url: URL; authorization: string | undefined },
): LocalRouteAnswer {
  if (!isAuthorized(extractToken(request.authorization), tokens))
    return { status: 401, body: { status: 'unauthorized', message: 'send Authorization: Bearer <token> (the webhook token)' } };
  const { pathname, searchParams } = request.url;
  const known = Object.values(LOCAL_ROUTES) as string[];
  if (!known.includes(pathname))
    return { status: 404, body: { status: 'not_found', message: `no route ${pathname}; use GET ${known.join(', GET ')}` } };
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return { status: 405, body: { status: 'method_not_allowed', message: `use GET ${pathname}` } };
  if (pathname === LOCAL_ROUTES.status) return { status: 200, body: journal.status() };
  const id = searchParams.get('id');
  if (!id) return { status: 400, body: { status: 'rejected', message: 'give ?id=<uuid | distinct_id | $insert_id>' } };
  return { status: 200, body: { id, lines: journal.linesAbout(id) } };
}
