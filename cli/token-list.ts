import { parseTokenList } from '#shared/platform/secrets';
import { CommandError, UsageError } from './io.ts';

/** `phc_` followed by the key's characters; personal keys (`phx_`) and anything else are refused. */
export function validateProjectKeyFormat(value: string): string {
  const key = value.trim();
  if (key.startsWith('phx_'))
    throw new UsageError('that is a PostHog personal API key (phx_…); use the project API key (phc_…) from Project settings');
  if (!/^phc_[A-Za-z0-9_-]{10,}$/.test(key)) {
    throw new UsageError('a PostHog project API key starts with phc_ followed by letters and digits (Project settings → Project API key)');
  }
  return key;
}

/** The tokens secret as a list, whichever form it has (a JSON list, one token, or comma-separated). */
export function readTokens(secretString: string): string[] {
  try {
    return parseTokenList(secretString);
  } catch (error) {
    throw new CommandError(`the webhook tokens secret cannot be read: ${(error as Error).message}`);
  }
}

/** The newest token first: the intake accepts every token in the list, so the old ones keep working. */
export function addToken(tokens: readonly string[], token: string): string[] {
  return [token, ...tokens.filter((t) => t !== token)];
}

/** Removes one token, or all but the newest (the first); never leaves the list empty. */
export function retireTokens(tokens: readonly string[], which: { token: string } | 'all-but-newest'): string[] {
  if (which === 'all-but-newest') {
    if (tokens.length === 0) throw new CommandError('the webhook tokens secret holds no token');
    return tokens.slice(0, 1);
  }
  if (!tokens.includes(which.token)) throw new CommandError('that token is not in the webhook tokens secret (nothing changed)');
  const rest = tokens.filter((t) => t !== which.token);
  if (rest.length === 0) throw new CommandError('that is the only token: run secrets rotate-token first, update MoEngage, then retire it');
  return rest;
}

export const serializeTokens = (tokens: readonly string[]): string => JSON.stringify(tokens);
