import type { Credentials } from './config.ts';
import { type HttpDeps, requestWithRetry } from './http.ts';
import { packBySize } from '../lib/pack.ts';

/**
 * MoEngage Cohort Sync API (moengage/moengage-documentation api/cohort-audience/cohort-audience.yaml):
 * `POST {api-0dc}/v1/integrations/cohortsync`, Basic auth (Workspace/App ID : Data API key) and a `MOE-APPKEY`
 * header; 300 requests per minute; a payload may not exceed 128 KB (413 otherwise). The first add creates the
 * custom segment; only users that already exist in MoEngage (by unique user id) are added.
 */
export const COHORT_SYNC_PATH = '/v1/integrations/cohortsync';
/** 128 KB, read as the smaller 128,000 bytes to be safe. */
export const MAX_PAYLOAD_BYTES = 128_000;
export const REQUESTS_PER_MINUTE = 300;

export type CohortAction = 'add_members' | 'remove_members';

export interface CohortRef {
  partner: string;
  cohortName: string;
  cohortId: string;
  description?: string;
}

export interface CohortSyncBody {
  action: CohortAction;
  partner: string;
  parameters: { cohort_name: string; cohort_id: string; cohort_description?: string; members: Array<{ uid: string }> };
}

export function cohortSyncBody(action: CohortAction, cohort: CohortRef, uids: readonly string[]): CohortSyncBody {
  return {
    action,
    partner: cohort.partner,
    parameters: {
      cohort_name: cohort.cohortName,
      cohort_id: cohort.cohortId,
      ...(cohort.description === undefined ? {} : { cohort_description: cohort.description }),
      members: uids.map((uid) => ({ uid })),
    },
  };
}

/**
 * Splits uids into request bodies whose serialized JSON stays within `maxBytes`, measured in UTF-8 bytes: the
 * envelope once, then each `{"uid":…}` plus its comma. Order is kept; an id too large for any request throws.
 */
export function chunkUids(action: CohortAction, cohort: CohortRef, uids: readonly string[], maxBytes = MAX_PAYLOAD_BYTES): string[][] {
  const envelope = Buffer.byteLength(JSON.stringify(cohortSyncBody(action, cohort, [])));
  const memberBytes = (uid: string) => Buffer.byteLength(JSON.stringify({ uid }));
  for (const uid of uids) {
    if (envelope + memberBytes(uid) > maxBytes)
      throw new RangeError(`a MoEngage user id of ${uid.length} characters cannot fit a ${maxBytes}-byte request`);
  }
  // Each member costs its bytes plus a comma; the first member of a request has no comma, hence the extra byte.
  return packBySize(uids, (uid) => memberBytes(uid) + 1, { maxBytes: maxBytes - envelope + 1 });
}

export interface MoEngageClientDeps {
  http: HttpDeps;
  baseUrl: string;
  credentials: Pick<Credentials, 'moengageAppId' | 'moengageApiKey'>;
}

export type CohortSyncResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; status: number | undefined; message: string; retryable: boolean };

function explain(status: number | undefined, message: string): string {
  if (status === 401) return `MoEngage refused the credentials (401; App ID, Data API key and MOE-APPKEY must match): ${message}`;
  if (status === 403) return `MoEngage account suspended or key not allowed for this API (403): ${message}`;
  if (status === 413) return `MoEngage refused a payload over 128 KB (413): ${message}`;
  return status === undefined ? message : `HTTP ${status}: ${message}`;
}

/** Sends one add/remove request (already within the size limit); retries 429/5xx through `requestWithRetry`. */
export async function postCohortSync(deps: MoEngageClientDeps, body: CohortSyncBody): Promise<CohortSyncResult> {
  const { moengageAppId, moengageApiKey } = deps.credentials;
  const result = await requestWithRetry(deps.http, `${deps.baseUrl}${COHORT_SYNC_PATH}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${moengageAppId}:${moengageApiKey}`).toString('base64')}`,
      'MOE-APPKEY': moengageAppId,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (result.ok) return { ok: true, status: result.status, attempts: result.attempts };
  return { ok: false, status: result.status, message: explain(result.status, result.message), retryable: result.retryable };
}
