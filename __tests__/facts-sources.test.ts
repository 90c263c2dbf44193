/**
 * An independent check of the facts file (policies/service-integrations.json), which drives both the product's
 * policies and the emulator's delivery verdicts, so a wrong fact would prove itself. Each fact is held to a line
 * quoted from its cited AWS page, kept in policies/service-integrations.sources.json by someone other than the facts'
 * author: the quote must come from the cited page (same document path, any language variant or format) and contain
 * every action the fact names (and every condition key it claims to support). Facts without a quote are listed
 * as unverified, and that list may only shrink.
 */
import facts from '../policies/service-integrations.json';
import sources from '../policies/service-integrations.sources.json';

interface Quote {
  url: string;
  quote: string;
  supports: string[];
}
const quotes = sources.quotes as Record<string, Quote>;
const unverified = sources.unverified as Record<string, string>;

/** The document a URL names: host and path without a locale segment, extension or fragment. */
function documentOf(url: string): string {
  const u = new URL(url);
  const path = u.pathname.replace(/^\/[a-z]{2}_[a-z]{2}\//, '/').replace(/\.(html|md)$/, '');
  return `${u.host}${path}`;
}

// What is still unverified today; a fact may leave this list (quote it), never join it.
const UNVERIFIED_TODAY = [
  'cloudtrail-to-s3', 'cloudtrail-to-kms', 'cloudtrail-to-logs-role', 'logs-to-kms', 'cloudwatch-to-sns', 'cloudwatch-to-kms',
  'events-to-kms', 'events-to-sqs', 'events-assumes-forwarder-role', 'events-to-central-bus', 'guardduty-to-events',
  'config-to-events', 'config-assumes-recorder-role', 'config-recorder-delivers', 'cloudwatch-to-events', 's3-logging-to-s3',
  // Added with the heartbeat (issue 24). The cited page says "For Amazon CloudWatch Logs resources, EventBridge uses
  // resource-based policies", but no verbatim copy of its action list was found through the search: not quoted yet.
  'events-to-logs',
];

describe('service-integration facts held to quotes of their cited pages', () => {
  const ids = facts.integrations.map((f) => f.id);

  it('accounts for every fact exactly once: quoted or listed as unverified with what was searched', () => {
    for (const id of ids) expect({ id, accounted: (id in quotes) !== (id in unverified) }).toEqual({ id, accounted: true });
    expect([...Object.keys(quotes), ...Object.keys(unverified)].sort()).toEqual([...ids].sort());
    for (const [id, why] of Object.entries(unverified)) expect({ id, why: why.length > 20 }).toEqual({ id, why: true });
  });

  it('never lets the unverified list grow', () => {
    for (const id of Object.keys(unverified)) expect(UNVERIFIED_TODAY).toContain(id);
  });

  it.each(Object.entries(quotes))('%s: the quote comes from the cited page and names what the fact claims', (id, q) => {
    const fact = facts.integrations.find((f) => f.id === id)!;
    expect(documentOf(q.url)).toBe(documentOf(fact.source));
    for (const action of fact.actions) expect({ action, quoted: q.supports.includes(action) }).toEqual({ action, quoted: true });
    for (const claim of q.supports) {
      expect({ claim, inQuote: q.quote.includes(claim.replace(/\*$/, '')) }).toEqual({ claim, inQuote: true });
      expect({ claim, inFact: [...fact.actions, ...fact.sendsConditionKeys].includes(claim) }).toEqual({ claim, inFact: true });
    }
  });

  it('the check can fail: a quote from another page or missing an action is caught', () => {
    const fact = facts.integrations.find((f) => f.id === 'sns-to-sqs')!;
    expect(documentOf('https://docs.aws.amazon.com/sns/latest/dg/other.html')).not.toBe(documentOf(fact.source));
    expect('"Action" : ["sqs:ReceiveMessage"]'.includes('sqs:SendMessage')).toBe(false);
  });
});
