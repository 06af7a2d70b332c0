import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountsService } from './accounts.service.js';
import { ClientsController } from './clients.controller.js';
import { ClientsRepository } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { InteractionsController } from './interactions/interactions.controller.js';
import { InteractionsService } from './interactions/interactions.service.js';
import { LoginThrottleRepository } from './interactions/login-throttle.repository.js';
import { LoginThrottleService } from './interactions/login-throttle.service.js';
import { KeysRepository } from './keys.repository.js';
import { KeysService } from './keys.service.js';
import { MaintenanceService } from './maintenance.service.js';
import { OidcPayloadsRepository } from './oidc-payloads.repository.js';
import { OidcService } from './oidc.service.js';

@Module({
  imports: [TenantsModule, UsersModule],
  controllers: [InteractionsController, ClientsController],
  providers: [
    KeysRepository,
    KeysService,
    ClientsRepository,
    ClientsService,
    AccountsService,
    OidcService,
    OidcPayloadsRepository,
    LoginThrottleRepository,
    LoginThrottleService,
    InteractionsService,
    MaintenanceService,
  ],
  exports: [KeysService, ClientsService, OidcService, OidcPayloadsRepository, MaintenanceService],
})
export class OidcModule {}
