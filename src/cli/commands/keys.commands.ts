import { KeysService } from '../../oidc/keys.service.js';
import { OidcPayloadsRepository } from '../../oidc/oidc-payloads.repository.js';
import type { CliCommand } from '../cli-command.js';

export const rotateKeysCommand: CliCommand = {
  name: 'keys:rotate',
  usage: 'keys:rotate',
  summary: 'new signing key; the old one stays in JWKS until its tokens expire',
  async run(app) {
    const keys = app.get(KeysService);
    const { kid, retired } = await keys.rotateSigningKey();
    return {
      json: { kid, retired, publishedForSeconds: keys.retirementSeconds },
      text: `new signing key ${kid}; ${retired} key(s) retired, published for ${keys.retirementSeconds}s more. Restart or roll instances to sign with the new key.`,
    };
  },
};

export const purgeTokensCommand: CliCommand = {
  name: 'tokens:purge',
  usage: 'tokens:purge',
  summary: 'remove expired grants, codes, tokens and retired keys past their use',
  async run(app) {
    const removed = await app.get(OidcPayloadsRepository).deleteExpired();
    const keys = await app.get(KeysService).purgeExpiredKeys();
    return { json: { removed, keysRemoved: keys }, text: `removed ${removed} expired record(s) and ${keys} retired key(s)` };
  },
};
