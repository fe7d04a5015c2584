// The instance's VAPID key pair (RFC 8292): made at first start, kept in instance_secrets. Push
// services tie each subscription to the public key, so the pair must never change.
import webpush from 'web-push';
import type { Db } from '../../db/connection';
import { instanceSecret } from '../../settings/instance-secrets';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export async function loadVapidKeys(db: Db): Promise<VapidKeys> {
  const stored = await instanceSecret(db, 'vapid', () => JSON.stringify(webpush.generateVAPIDKeys()));
  const keys = JSON.parse(stored) as VapidKeys;
  if (!keys.publicKey || !keys.privateKey) throw new Error('The stored VAPID keys are unreadable');
  return keys;
}
