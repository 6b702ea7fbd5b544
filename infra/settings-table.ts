import type { Setting } from './setting.ts';
import { SETTINGS } from './settings.ts';

const GROUPS = { intake: 'intake', delivery: 'forwarder, prober' } as const;

/** The "Default" cell: the schema's own default, or what the setting says about it. */
function defaultCell(definition: Setting): string {
  if (definition.defaultText !== undefined) return definition.defaultText;
  const parsed = definition.schema.safeParse(undefined);
  const value = parsed.success ? parsed.data : undefined;
  if (value === undefined) return 'none';
  return typeof value === 'string' ? `\`${value}\`` : `\`${String(value)}\``;
}

/**
 * The settings table of docs/deploy.md, rendered from the registry (test/infra/settings.test.ts holds the docs to
 * it). One row per setting: the context key, the environment variable the functions read, the default, the meaning.
 */
export function renderSettingsTable(settings: Record<string, Setting> = SETTINGS): string {
  const rows = Object.entries(settings).map(([key, definition]) => {
    const env = definition.env ? `\`${definition.env.name}\` (${definition.env.functions.map((g) => GROUPS[g]).join(', ')})` : '—';
    return `| \`${key}\` | ${env} | ${defaultCell(definition)} | ${definition.meaning} |`;
  });
  return ['| Key | Function environment | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
