import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { Draining } from '../infra/http/draining.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseService,
    private readonly draining: Draining,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'The database answers, migrations are applied, and the process is not stopping' })
  async ready(): Promise<{ status: 'ok'; database: 'up'; migrations: 'applied' }> {
    if (this.draining.active) throw new ServiceUnavailableException('stopping: finishing in-flight requests');
    if (!this.database.migrated) throw new ServiceUnavailableException('migrations are not applied yet');
    if (!(await this.database.ping())) throw new ServiceUnavailableException('the database does not answer');
    return { status: 'ok', database: 'up', migrations: 'applied' };
  }
}
