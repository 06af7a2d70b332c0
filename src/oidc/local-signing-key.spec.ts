import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import { LocalSigningKey } from './local-signing-key.js';

describe('LocalSigningKey', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = new LocalSigningKey('kid-1', 'ES256', privateKey, publicKey);

  it('signs a JWS that verifies against its public key', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'kid-1' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'x' })).toString('base64url');
    const signature = Buffer.from(await key.sign(Buffer.from(`${header}.${payload}`))).toString('base64url');

    const { payload: verified } = await compactVerify(`${header}.${payload}.${signature}`, publicKey);
    expect(JSON.parse(new TextDecoder().decode(verified))).toEqual({ sub: 'x' });
  });

  it('produces the raw r || s form (not DER), which WebCrypto verifies as ES256', async () => {
    const data = Buffer.from('data');
    const signature = await key.sign(data);
    expect(signature).toHaveLength(64);
    const verifier = await webcrypto.subtle.importKey(
      'jwk',
      publicKey.export({ format: 'jwk' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    await expect(webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifier, signature, data)).resolves.toBe(true);
  });

  it('a signature does not verify under another key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const header = Buffer.from(JSON.stringify({ alg: 'ES256' })).toString('base64url');
    const signature = Buffer.from(await key.sign(Buffer.from(`${header}.e30`))).toString('base64url');
    await expect(compactVerify(`${header}.e30.${signature}`, other)).rejects.toThrow('signature verification failed');
  });

  it('publishes the public JWK members and never the private one', async () => {
    const jwk = publicKey.export({ format: 'jwk' });
    expect({ kid: key.kid, alg: key.alg, use: key.use, kty: key.kty, crv: key.crv, x: key.x, y: key.y }).toEqual({
      kid: 'kid-1',
      alg: 'ES256',
      use: 'sig',
      kty: 'EC',
      crv: 'P-256',
      x: jwk.x,
      y: jwk.y,
    });
    const handedOut = key.keyObject();
    expect(handedOut.type).toBe('public');
    expect(handedOut.export({ format: 'jwk' })).not.toHaveProperty('d');
    await expect(importJWK({ ...(jwk as JWK), alg: 'ES256' })).resolves.toBeDefined();
  });
});
