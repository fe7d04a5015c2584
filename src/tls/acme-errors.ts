// The certificate authority's refusal, in words an admin can act on. acme-client passes on only
// the CA's text (Let's Encrypt's and pebble's wording), so the advice is chosen from that text;
// the CA's own words are always kept at the end.

export interface AcmeContext {
  domain: string;
  directoryUrl: string;
  httpRedirectPort: number;
}

export function explainAcmeError(error: unknown, context: AcmeContext): string {
  let said = error instanceof Error ? error.message : String(error);
  const { domain } = context;
  const port80 = `port 80 of ${domain} is open and reaches Salon's plain HTTP port (httpRedirectPort ${context.httpRedirectPort})`;
  let advice: string;
  const name = error instanceof Error ? error.name : '';
  // acme-client loses the cause of a connection failure in the middle of an order ("response.config").
  const lostConnection = /response\.config|reading 'config'/.test(said);
  if (lostConnection) said = 'no answer (the connection failed during the request)';
  if (name === 'AcmeDirectoryUnreachable' || lostConnection) {
    advice = `Salon cannot talk to the certificate authority at ${context.directoryUrl}: check this machine's network access to it (and acmeDirectoryUrl, acmeCaFile)`;
  } else if (/DNS problem|NXDOMAIN|no valid A records|no such host|SERVFAIL|could not resolve/i.test(said)) {
    advice = `The certificate authority cannot find ${domain} in DNS: create an A (and/or AAAA) record for ${domain} pointing to this server's public address`;
  } else if (/connection refused|timeout|timed out|firewall|connection reset|no route|unreachable|connect:/i.test(said)) {
    advice = `The certificate authority could not reach http://${domain}/.well-known/acme-challenge/: check that ${domain} points to this server and that ${port80} (firewall, NAT port forwarding)`;
  } else if (/invalid response|unauthorized|404|403|key authorization|did not match|incorrect/i.test(said)) {
    advice = `The certificate authority reached ${domain} on port 80, but not this Salon (wrong answer to the challenge): check that ${domain} points to this server and that ${port80}, not another web server`;
  } else if (/rate.?limit|too many/i.test(said)) {
    advice = `The certificate authority's rate limit was hit: Salon retries later by itself`;
  } else if (/caa|rejected ?identifier|policy forbids|blocked|not allowed/i.test(said)) {
    advice = `The certificate authority refuses to issue certificates for ${domain} (its policy, or the domain's CAA record)`;
  } else {
    advice = `Obtaining a certificate for ${domain} failed`;
  }
  const fromCa = name !== 'AcmeDirectoryUnreachable' && !lostConnection;
  return `${advice}. ${fromCa ? 'The certificate authority said' : 'Details'}: ${said}`;
}
