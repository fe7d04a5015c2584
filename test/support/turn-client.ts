// A minimal TURN client over UDP (RFC 5389 STUN + RFC 5766 Allocate, long-term credentials), just
// enough to ask a real TURN server for a relay with a given username/password and read its answer.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const ALLOCATE_ERROR = 0x0113;
const REFRESH_REQUEST = 0x0004;
const attr = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  LIFETIME: 0x000d,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
} as const;

export interface StunMessage {
  type: number;
  transactionId: Buffer;
  attributes: Map<number, Buffer>;
  raw: Buffer;
}

export type AllocateResult =
  | { ok: true; relayedAddress: string; integrityValid: boolean }
  | { ok: false; errorCode: number; reason: string };

/** Resolves once the STUN/TURN server on `host:port` answers a Binding request (for waiting on its start-up). */
export async function waitForStun(host: string, port: number, timeoutMs: number): Promise<void> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  try {
    const answer = await transact(socket, host, port, encode(BINDING_REQUEST, []), timeoutMs);
    if (answer.type !== BINDING_SUCCESS) throw new Error(`unexpected Binding answer 0x${answer.type.toString(16)}`);
  } finally {
    socket.close();
  }
}

/** Allocates a UDP relay on `host:port` with the long-term credential mechanism: 401 challenge, then the signed request. */
export async function allocate(host: string, port: number, username: string, password: string, timeoutMs = 3000): Promise<AllocateResult> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  try {
    const transport = Buffer.from([17, 0, 0, 0]); // UDP
    const challenge = await transact(socket, host, port, encode(ALLOCATE_REQUEST, [[attr.REQUESTED_TRANSPORT, transport]]), timeoutMs);
    if (challenge.type !== ALLOCATE_ERROR) throw new Error(`expected a 401 challenge, got message type 0x${challenge.type.toString(16)}`);
    const first = errorOf(challenge);
    const realm = challenge.attributes.get(attr.REALM);
    const nonce = challenge.attributes.get(attr.NONCE);
    if (first.errorCode !== 401 || !realm || !nonce) throw new Error(`expected 401 with REALM and NONCE, got ${first.errorCode} ${first.reason}`);

    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const signed = encode(
      ALLOCATE_REQUEST,
      [
        [attr.REQUESTED_TRANSPORT, transport],
        [attr.USERNAME, Buffer.from(username)],
        [attr.REALM, realm],
        [attr.NONCE, nonce],
      ],
      key,
    );
    const answer = await transact(socket, host, port, signed, timeoutMs);
    if (answer.type === ALLOCATE_ERROR) return { ok: false, ...errorOf(answer) };
    if (answer.type !== ALLOCATE_SUCCESS) throw new Error(`unexpected answer type 0x${answer.type.toString(16)}`);
    const relayed = answer.attributes.get(attr.XOR_RELAYED_ADDRESS);
    const result = { ok: true as const, relayedAddress: relayed ? xorAddress(relayed) : '', integrityValid: integrityValid(answer, key) };
    // Free the relay at once (Refresh with LIFETIME 0); the answer does not matter.
    const release = encode(
      REFRESH_REQUEST,
      [
        [attr.LIFETIME, Buffer.alloc(4)],
        [attr.USERNAME, Buffer.from(username)],
        [attr.REALM, realm],
        [attr.NONCE, nonce],
      ],
      key,
    );
    await transact(socket, host, port, release, 1000).catch(() => undefined);
    return result;
  } finally {
    socket.close();
  }
}

function encode(type: number, attributes: [number, Buffer][], integrityKey?: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const [kind, value] of attributes) parts.push(attribute(kind, value));
  let body = Buffer.concat(parts);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  randomBytes(12).copy(header, 8);
  if (integrityKey) {
    // The HMAC covers the message up to MESSAGE-INTEGRITY, with a length that already counts it (RFC 5389 15.4).
    header.writeUInt16BE(body.length + 24, 2);
    const mac = createHmac('sha1', integrityKey).update(Buffer.concat([header, body])).digest();
    body = Buffer.concat([body, attribute(attr.MESSAGE_INTEGRITY, mac)]);
  }
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function attribute(kind: number, value: Buffer): Buffer {
  const out = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  out.writeUInt16BE(kind, 0);
  out.writeUInt16BE(value.length, 2);
  value.copy(out, 4);
  return out;
}

function decode(raw: Buffer): StunMessage | undefined {
  if (raw.length < 20 || raw.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const attributes = new Map<number, Buffer>();
  const end = Math.min(raw.length, 20 + raw.readUInt16BE(2));
  for (let at = 20; at + 4 <= end; ) {
    const kind = raw.readUInt16BE(at);
    const length = raw.readUInt16BE(at + 2);
    if (!attributes.has(kind)) attributes.set(kind, raw.subarray(at + 4, at + 4 + length));
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: raw.readUInt16BE(0), transactionId: raw.subarray(8, 20), attributes, raw };
}

/** Sends `request` (resending every 250 ms, as UDP may drop it) until the answer to its transaction arrives. */
function transact(socket: Socket, host: string, port: number, request: Buffer, timeoutMs: number): Promise<StunMessage> {
  const transactionId = request.subarray(8, 20);
  return new Promise((resolve, reject) => {
    const send = () => socket.send(request, port, host);
    const resend = setInterval(send, 250);
    const timer = setTimeout(() => finish(new Error(`no answer from TURN server ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (data: Buffer) => {
      const message = decode(data);
      if (message?.transactionId.equals(transactionId)) finish(undefined, message);
    };
    function finish(error?: Error, message?: StunMessage) {
      clearInterval(resend);
      clearTimeout(timer);
      socket.off('message', onMessage);
      if (message) resolve(message);
      else reject(error);
    }
    socket.on('message', onMessage);
    send();
  });
}

function errorOf(message: StunMessage): { errorCode: number; reason: string } {
  const value = message.attributes.get(attr.ERROR_CODE);
  if (!value || value.length < 4) return { errorCode: 0, reason: 'no ERROR-CODE attribute' };
  return { errorCode: (value[2]! & 0x7) * 100 + value[3]!, reason: value.subarray(4).toString() };
}

/** Checks the server's MESSAGE-INTEGRITY: proves it derived the same key from our username and password. */
function integrityValid(message: StunMessage, key: Buffer): boolean {
  let at = 20;
  while (at + 4 <= message.raw.length) {
    const kind = message.raw.readUInt16BE(at);
    const length = message.raw.readUInt16BE(at + 2);
    if (kind === attr.MESSAGE_INTEGRITY) {
      const signed = Buffer.from(message.raw.subarray(0, at));
      signed.writeUInt16BE(at + 24 - 20, 2);
      const expected = createHmac('sha1', key).update(signed).digest();
      return expected.equals(message.raw.subarray(at + 4, at + 24));
    }
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return false;
}

function xorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  if (value[1] !== 0x01) return `[ipv6]:${port}`;
  const address = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}:${port}`;
}
