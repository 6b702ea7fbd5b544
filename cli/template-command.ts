import { format, parse } from './args.ts';
import { type CliDeps, EXIT } from './io.ts';
import { buildConnectorTemplate, formatConnectorTemplate } from './template-connector.ts';

export const TEMPLATE_HELP = `Usage: moengage-posthog template connector --event <name> [options]

Prints the MoEngage connector campaign configuration (method, URL, headers, Jinja body) to paste.

Options
  --event <name>          PostHog event name, e.g. purchase_completed (not needed with --identify)
  --distinct-id <attr>    who the event belongs to (default: user:ID → {{UserAttribute['ID']}})
  --prop <name>=<attr>    a property from a MoEngage attribute; repeat for more. <attr> is event:<Name>,
                          user:<Name>, raw Jinja {{…}}, or a bare name (an event attribute; a user attribute
                          with --identify)
  --identify              a "$identify" body whose --prop values go to the person ($set)
  --insert-id <attr>      the attribute naming one occurrence (e.g. "event:Order ID"), for $insert_id
  --campaign <label>      label of the default $insert_id (default: the event name)
  --url <base>            your API base URL or ConnectorUrl output (default: a placeholder)
  --format text|json      json prints {method,url,headers,bodyType,body,notes} for scripts
  -h, --help              this help

Example
  moengage-posthog template connector --event purchase_completed \\
    --prop "amount=event:Amount" --prop "currency=event:Currency" --insert-id "event:Order ID"
`;

export async function runTemplate(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === undefined || kind === '--help' || kind === '-h') {
    deps.stdout.write(TEMPLATE_HELP);
    return kind === undefined ? EXIT.usage : EXIT.ok;
  }
  if (kind !== 'connector') {
    deps.stderr.write(`unknown template "${kind}": the only template is "connector"\n`);
    return EXIT.usage;
  }
  const { values } = parse(rest, {
    event: { type: 'string' },
    'distinct-id': { type: 'string' },
    prop: { type: 'string', multiple: true },
    identify: { type: 'boolean' },
    'insert-id': { type: 'string' },
    campaign: { type: 'string' },
    url: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) {
    deps.stdout.write(TEMPLATE_HELP);
    return EXIT.ok;
  }
  const output = format(values.format);
  const template = buildConnectorTemplate({
    event: values.event,
    distinctId: values['distinct-id'],
    props: values.prop ?? [],
    identify: values.identify ?? false,
    insertId: values['insert-id'],
    campaign: values.campaign,
    url: values.url,
  });
  deps.stdout.write(output === 'json' ? `${JSON.stringify(template, null, 2)}\n` : formatConnectorTemplate(template));
  return EXIT.ok;
}
