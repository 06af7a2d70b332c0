import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ClientsRepository } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { KeysRepository } from './keys.repository.js';
import { KeysService } from './keys.service.js';
import { OidcPayloadsRepository } from './oidc-payloads.repository.js';
import { OidcService } from './oidc.service.js';

@Module({
  imports: [TenantsModule],
  providers: [KeysRepository, KeysService, ClientsRepository, ClientsService, OidcService, OidcPayloadsRepository],
  exports: [KeysService, ClientsService, OidcService, OidcPayloadsRepository],
})
export class OidcModule {}
