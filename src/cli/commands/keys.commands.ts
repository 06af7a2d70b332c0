import { DpopReplayRepository } from '../../auth/dpop-replay.repository.js';
import { KeysService } from '../../oidc/keys.service.js';
import { MaintenanceService } from '../../oidc/maintenance.service.js';
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
      text: `new signing key ${kid}; ${retired} key(s) retired, still published for ${keys.retirementSeconds}s. Running instances switch within a minute.`,
    };
  },
};

export const purgeTokensCommand: CliCommand = {
  name: 'tokens:purge',
  usage: 'tokens:purge',
  summary: 'remove expired grants, codes, tokens and retired keys past their use',
  async run(app) {
    const { tokens, keys, throttles } = await app.get(MaintenanceService).purge();
    const proofs = await app.get(DpopReplayRepository).deleteExpired();
    return {
      json: { removed: tokens, keysRemoved: keys, throttlesRemoved: throttles, dpopProofsRemoved: proofs },
      text: `removed ${tokens} expired record(s), ${keys} retired key(s), ${throttles} stale sign-in counter(s) and ${proofs} expired DPoP proof(s)`,
    };
  },
};
