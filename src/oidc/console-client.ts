import { hkdfSync } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { API_SCOPES, OIDC_SCOPES } from '../auth/scopes.js';
import { SecurityConfig, ServerConfig } from '../config/app-config.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { hashClientSecret } from './client-secret.js';
import { ClientsRepository } from './clients.repository.js';
import { CLIENT_CHANGED } from './clients.service.js';
import { CONSOLE_CLIENT_ID } from './console-accounts.js';

/** Where the console lives under PUBLIC_URL, and its OAuth redirect URIs. */
export const CONSOLE_PATH = '/console';

export function consoleRedirectUri(publicUrl: string): string {
  return `${publicUrl}${CONSOLE_PATH}/callback`;
}

export function consolePostLogoutUri(publicUrl: string): string {
  return `${publicUrl}${CONSOLE_PATH}`;
}

/**
 * The console's client secret, derived from SECRET_KEY: every replica knows
 * it without any being stored in clear (only its hash is registered).
 */
export function consoleClientSecret(secretKey: string): string {
  return `tsec_${Buffer.from(hkdfSync('sha256', secretKey, 'tenantry', 'console-client-secret', 32)).toString('base64url')}`;
}

/**
 * The admin console as a first-party confidential client of our own issuer:
 * registered (or brought back in line) at every start, idempotently, with a
 * fixed id. The client API refuses to change or delete it.
 */
@Injectable()
export class ConsoleClient {
  private readonly logger = new Logger(ConsoleClient.name);

  constructor(
    private readonly server: ServerConfig,
    private readonly security: SecurityConfig,
    private readonly repository: ClientsRepository,
    private readonly changes: ChangeBus,
  ) {}

  get clientId(): string {
    return CONSOLE_CLIENT_ID;
  }

  get clientSecret(): string {
    return consoleClientSecret(this.security.secretKey);
  }

  async ensure(): Promise<void> {
    const changed = await this.repository.upsert({
      clientId: CONSOLE_CLIENT_ID,
      name: 'Tenantry console',
      tenantId: null,
      secretHash: hashClientSecret(this.clientSecret),
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: [...OIDC_SCOPES, ...API_SCOPES],
      redirectUris: [consoleRedirectUri(this.server.publicUrl)],
      postLogoutRedirectUris: [consolePostLogoutUri(this.server.publicUrl)],
      webOrigins: [],
    });
    if (changed) {
      await this.changes.publish({ topic: CLIENT_CHANGED, key: CONSOLE_CLIENT_ID });
      this.logger.log(`registered the console client ${CONSOLE_CLIENT_ID}`);
    }
  }
}
