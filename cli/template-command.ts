import { dispatch, FORMAT_HELP, FORMAT_OPTION, format, parse, printJson } from './args.ts';
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
${FORMAT_HELP}: {method,url,headers,bodyType,body,notes}
  -h, --help              this help

Example
  moengage-posthog template connector --event purchase_completed \\
    --prop "amount=event:Amount" --prop "currency=event:Currency" --insert-id "event:Order ID"
`;

export function runTemplate(argv: readonly string[], deps: CliDeps): Promise<number> {
  return dispatch('template', argv, deps, TEMPLATE_HELP, { connector: runConnector });
}

async function runConnector(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...FORMAT_OPTION,
      event: { type: 'string' },
      'distinct-id': { type: 'string' },
      prop: { type: 'string', multiple: true },
      identify: { type: 'boolean' },
      'insert-id': { type: 'string' },
      campaign: { type: 'string' },
      url: { type: 'string' },
    },
    TEMPLATE_HELP,
  );
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
  if (output === 'json') printJson(deps, template);
  else deps.stdout.write(formatConnectorTemplate(template));
  return EXIT.ok;
}
