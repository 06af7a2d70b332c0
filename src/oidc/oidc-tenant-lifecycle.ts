import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { TenantLifecycle, TenantLifecycleParticipant } from '../tenants/tenant-lifecycle.js';
import type { Tenant } from '../tenants/tenant.js';
import { ClientsRepository } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { OidcPayloadsRepository } from './oidc-payloads.repository.js';
import { GRANT_REVOKED } from './token-liveness.service.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';

/**
 * A tenant being deleted loses, here, everything the authorization server
 * keeps for it: the sessions signed in through its clients, every grant,
 * token and code issued to them, then the clients themselves. Safe to repeat.
 * A new tenant has nothing here yet.
 */
@Injectable()
export class OidcTenantLifecycle extends TenantLifecycleParticipant implements OnModuleInit {
  private readonly logger = new Logger(OidcTenantLifecycle.name);

  constructor(
    private readonly lifecycle: TenantLifecycle,
    private readonly clientsRepository: ClientsRepository,
    private readonly clients: ClientsService,
    private readonly payloads: OidcPayloadsRepository,
    private readonly changes: ChangeBus,
  ) {
    super();
  }

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  async onTenantCreated(): Promise<void> {}

  async onTenantDeleting(tenant: Tenant): Promise<void> {
    const clientIds = (await this.clientsRepository.list(tenant.id)).map((client) => client.clientId);
    const sessions = await this.payloads.deleteSessionsOf(clientIds);
    const issued = await this.payloads.deleteIssuedTo(clientIds);
    // Records of user access tokens are gone with the rest: cached answers must go too.
    if (issued > 0) await this.changes.publish({ topic: GRANT_REVOKED, key: tenant.id });
    const removed = await this.clients.deleteForTenant(tenant.id);
    this.logger.log(
      `tenant ${tenant.slug}: ${removed.length} client(s) removed, ${issued} grant/token record(s) and ${sessions} session(s) revoked`,
    );
  }
}
