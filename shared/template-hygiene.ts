/**
 * MoEngage renders templates with Jinja; what reaches us may still hold template text or Python's empty values
 * (reference/moengage.md, "Connector campaigns").
 */
const UNRENDERED = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/;
const EMPTY_LIKE = new Set(['', 'none', 'null', 'undefined']);

export type TemplateProblem = 'unrendered' | 'empty';

export function templateProblem(value: unknown): TemplateProblem | undefined {
  if (value === null) return 'empty';
  if (typeof value !== 'string') return undefined;
  if (UNRENDERED.test(value)) return 'unrendered';
  if (EMPTY_LIKE.has(value.trim().toLowerCase())) return 'empty';
  return undefined;
}

export const describeProblem = (problem: TemplateProblem): string =>
  problem === 'unrendered'
    ? 'contains an unrendered MoEngage template ({{…}} or {%…%}); check the attribute name and add |default(...)'
    : 'is empty ("", "None", "null" or "undefined"); the MoEngage attribute had no value for this user';
