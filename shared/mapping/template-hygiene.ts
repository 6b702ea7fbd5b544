/**
 * MoEngage renders templates with Jinja; what reaches us may still hold template text or Python's empty values
 * (docs/architecture.md, "MoEngage: Connector campaigns"). Values PostHog cannot store are caught here too.
 */
/**
 * `{{…}}` or `{%…%}` somewhere in the value, found with two indexOf calls per pair: linear. The lazy regex
 * `/\{\{[\s\S]*?\}\}/` rescans the rest of the value from every `{{`, quadratic on a value full of them (issue 19).
 */
const hasPair = (value: string, open: string, close: string): boolean => {
  const start = value.indexOf(open);
  return start >= 0 && value.indexOf(close, start + 2) >= 0;
};
const isUnrendered = (value: string): boolean => hasPair(value, '{{', '}}') || hasPair(value, '{%', '%}');
const EMPTY_LIKE = new Set(['', 'none', 'null', 'undefined']);
/** A UTF-16 surrogate without its partner: JSON.stringify writes it as `\ud800`, which PostHog's parser refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SUSPECT = /[\0\ud800-\udfff]/;
/** Longest string value kept, in UTF-16 code units (64 KiB). */
export const MAX_STRING_LENGTH = 64 * 1024;

export type TemplateProblem = 'unrendered' | 'empty' | 'too_long' | 'nul' | 'invalid_unicode';

/** What is wrong with a rendered value, if anything: template text, an empty-like value, or text PostHog cannot store. */
export function templateProblem(value: unknown): TemplateProblem | undefined {
  if (value === null) return 'empty';
  if (typeof value !== 'string') return undefined;
  if (value.length > MAX_STRING_LENGTH) return 'too_long';
  if (isUnrendered(value)) return 'unrendered';
  if (EMPTY_LIKE.has(value.trim().toLowerCase())) return 'empty';
  return textProblem(value);
}

/** Problems of the text itself (also checked on property names): NUL characters and lone surrogates. */
export function textProblem(value: string): 'nul' | 'invalid_unicode' | undefined {
  if (!SUSPECT.test(value)) return undefined;
  if (value.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(value)) return 'invalid_unicode';
  return undefined;
}

const DESCRIPTIONS: Record<TemplateProblem, string> = {
  unrendered: 'contains an unrendered MoEngage template ({{…}} or {%…%}); check the attribute name and add |default(...)',
  empty: 'is empty ("", "None", "null" or "undefined"); the MoEngage attribute had no value for this user',
  too_long: `is longer than ${MAX_STRING_LENGTH} characters`,
  nul: 'contains a NUL character (\\u0000), which PostHog cannot store',
  invalid_unicode: 'contains invalid Unicode (a lone UTF-16 surrogate such as \\ud800), which PostHog cannot parse',
};

/**
 * For ids (`distinct_id`, an alias) an unrendered template must not be "fixed" with `|default(...)`: a non-empty
 * default turns every user without the attribute into one shared person in PostHog.
 */
const ID_UNRENDERED =
  "contains an unrendered MoEngage template ({{…}} or {%…%}); check the attribute name. Don't add |default(...) to an id: a default would merge every user without the attribute into one person; send only users who have it";

export const describeProblem = (problem: TemplateProblem, options: { identifier?: boolean } = {}): string =>
  options.identifier && problem === 'unrendered' ? ID_UNRENDERED : DESCRIPTIONS[problem];
