/**
 * The worst-case body of each parser and check the intake runs on a request body (issue 19, "super-linear
 * parsing"): the shapes that made the old code quadratic, and the shapes that stress each loop of the current one.
 * `body(bytes)` builds one of about `bytes` bytes. Used at n and 2n by test/intake/linear-parsing.test.ts (which counts
 * operations) and at the body size limit by bench/parsers.ts (which measures CPU time).
 */
export interface HostileBody {
  /** The parser or check the shape is aimed at. */
  parser: string;
  shape: string;
  path: '/v1/connector' | '/v1/streams';
  contentType: string;
  body(bytes: number): string;
}

/** `unit` repeated between a head and a tail, as often as fits in `bytes` (ASCII: characters are bytes). */
const fill = (bytes: number, head: string, unit: (i: number) => string, tail: string): string => {
  const parts: string[] = [head];
  let size = head.length + tail.length;
  for (let i = 0; ; i++) {
    const piece = unit(i);
    if (size + piece.length > bytes) break;
    parts.push(piece);
    size += piece.length;
  }
  parts.push(tail);
  return parts.join('');
};

const EVENT = '"event":"purchase","distinct_id":"u1"';
const FORM = 'application/x-www-form-urlencoded';
/**
 * Values as long as the body allows, up to the longest string value the checks read whole (64 KiB,
 * shared/mapping/template-hygiene.ts MAX_STRING_LENGTH): at least four of them, each growing with the body.
 */
const valueChars = (bytes: number) => 2 * Math.floor(Math.min(64 * 1024 - 2, bytes / 4) / 2);
const MULTIPART = 'multipart/form-data; boundary=b';

/** A JSON object `{"events":[…]}` whose events are `event(i)`, about `bytes` long. */
const streams = (bytes: number, event: (i: number) => string): string =>
  fill(bytes, '{"app_name":"bench","source":"MOENGAGE","events":[', (i) => `${i === 0 ? '' : ','}${event(i)}`, ']}');
const streamsEvent = (i: number, attributes: string) =>
  `{"event_name":"Viewed","event_code":"viewed","event_uuid":"e${i}","event_time":1764000000,"uid":"u${i}","event_attributes":{${attributes}}}`;

export const HOSTILE_BODIES: HostileBody[] = [
  {
    parser: 'form',
    shape: 'one field repeated (tag=1&tag=2…)',
    path: '/v1/connector',
    contentType: FORM,
    body: (bytes) => fill(bytes, 'event=purchase&distinct_id=u1', (i) => `&tag=${i}`, ''),
  },
  {
    parser: 'form',
    shape: 'one nested field repeated (properties.tag=…)',
    path: '/v1/connector',
    contentType: FORM,
    body: (bytes) => fill(bytes, 'event=purchase&distinct_id=u1', (i) => `&properties.tag=${i}`, ''),
  },
  {
    parser: 'form',
    shape: 'distinct nested fields (properties[pN]=…)',
    path: '/v1/connector',
    contentType: FORM,
    body: (bytes) => fill(bytes, 'event=purchase&distinct_id=u1', (i) => `&properties[p${i}]=${i}`, ''),
  },
  {
    parser: 'multipart',
    shape: 'one part header full of ";"',
    path: '/v1/connector',
    contentType: MULTIPART,
    body: (bytes) => fill(bytes, '--b\r\nContent-Disposition: form-data', () => '; x', '\r\n\r\nv\r\n--b--'),
  },
  {
    parser: 'multipart',
    shape: 'many small parts',
    path: '/v1/connector',
    contentType: MULTIPART,
    body: (bytes) =>
      fill(
        bytes,
        '--b\r\nContent-Disposition: form-data; name="event"\r\n\r\npurchase\r\n--b\r\nContent-Disposition: form-data; name="distinct_id"\r\n\r\nu1\r\n',
        (i) => `--b\r\nContent-Disposition: form-data; name="properties.p${i}"\r\n\r\n${i}\r\n`,
        '--b--',
      ),
  },
  {
    parser: 'JSON',
    shape: 'nested lists ([[[…]]])',
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => {
      const depth = Math.max(1, Math.floor((bytes - 80) / 2));
      return `{${EVENT},"properties":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    },
  },
  {
    parser: 'JSON',
    shape: 'one long list of numbers',
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => fill(bytes, `{${EVENT},"properties":{"list":[0`, (i) => `,${i % 10}`, ']}}'),
  },
  {
    parser: 'unrendered-template check',
    shape: 'values full of "{{" (up to 64 KiB each)',
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => fill(bytes, `{${EVENT},"properties":{"p":"x"`, (i) => `,"p${i}":"${'{{'.repeat(valueChars(bytes) / 2)}"`, '}}'),
  },
  {
    parser: 'unrendered-template check',
    shape: 'values full of "{%" with one "%}" at the end',
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => fill(bytes, `{${EVENT},"properties":{"p":"x"`, (i) => `,"p${i}":"${'{%'.repeat(valueChars(bytes) / 2 - 1)}%}"`, '}}'),
  },
  {
    parser: 'lenient JSON (repair)',
    shape: 'many values with a raw tab',
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => fill(bytes, `{${EVENT},"properties":{"p":"x"`, (i) => `,"p${i}":"a\tb"`, '}}'),
  },
  {
    parser: 'lenient JSON (repair)',
    shape: 'a field name also written as many values',
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => {
      const half = fill((bytes - 100) / 2, '', (i) => `${i === 0 ? '' : ','}"k"`, '');
      const objects = fill((bytes - 100) / 2, '', (i) => `${i === 0 ? '' : ','}{"k":1}`, '');
      return `{${EVENT},"properties":{"tab":"a\tb","values":[${half}],"objects":[${objects}]}}`;
    },
  },
  {
    parser: 'lenient JSON (repair)',
    shape: "Python literals ({'k': None, …})",
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => fill(bytes, "{'event': 'purchase', 'distinct_id': 'u1', 'properties': {'p': None", (i) => `, 'p${i}': True`, '}}'),
  },
  {
    parser: 'connector mapping',
    shape: 'a batch of many events',
    path: '/v1/connector',
    contentType: 'application/json',
    body: (bytes) => {
      // As many events as fit, at most the 1,000 a batch may hold: larger events as the body grows.
      const pad = 'x'.repeat(Math.max(0, Math.floor(bytes / 1000) - 50));
      return fill(
        bytes,
        '{"batch":[',
        (i) => `${i === 0 ? '' : ','}{"event":"e","distinct_id":"u${i}","properties":{"n":${i},"pad":"${pad}"}}`,
        ']}',
      );
    },
  },
  {
    parser: 'Streams structure checks',
    shape: 'events with many attributes',
    path: '/v1/streams',
    contentType: 'application/json',
    body: (bytes) => streams(bytes, (i) => streamsEvent(i, Array.from({ length: 200 }, (_, k) => `"a${k}":${k}`).join(','))),
  },
  {
    parser: 'Streams structure checks',
    shape: 'events with NUL and lone surrogates',
    path: '/v1/streams',
    contentType: 'application/json',
    body: (bytes) => streams(bytes, (i) => streamsEvent(i, `"note":"a\\u0000b","s":"\\ud800${'x'.repeat(1000)}"`)),
  },
  {
    parser: 'Streams structure checks',
    shape: 'one attribute nested deep in each event',
    path: '/v1/streams',
    contentType: 'application/json',
    body: (bytes) => streams(bytes, (i) => streamsEvent(i, `"deep":${'{"a":'.repeat(40)}1${'}'.repeat(40)},"pad":"${'x'.repeat(800)}"`)),
  },
];
