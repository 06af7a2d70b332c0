import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { CreateTenantDto } from './dto/create-tenant.dto.js';
import { ListTenantsQueryDto, MoveTenantDto, UpdateTenantDto } from './dto/tenant-requests.dto.js';
import { TenantListResponse, TenantMoveResponse, TenantResponse } from './dto/tenant.response.js';
import { TenantMoveService } from './tenant-move.service.js';
import { TenantRemovalService } from './tenant-removal.service.js';
import { TenantsService } from './tenants.service.js';
import { ValidBody, ValidQuery } from '../infra/http/validation.js';

@ApiTags('tenants')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly moves: TenantMoveService,
    private readonly removals: TenantRemovalService,
  ) {}

  @Post()
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiCreatedResponse({ type: TenantResponse, description: 'The tenant, its data and its catalogue defaults are created' })
  @ApiConflictResponse({ description: 'The slug is taken' })
  async createTenant(@ValidBody() body: CreateTenantDto): Promise<TenantResponse> {
    return TenantResponse.from(await this.tenants.create(body));
  }

  @Get()
  @RequireScopes('tenants:read', { platformOnly: true })
  @ApiOperation({ summary: 'Tenants by slug, a page at a time, filtered by placement and status' })
  @ApiOkResponse({ type: TenantListResponse })
  async listTenants(@ValidQuery() query: ListTenantsQueryDto): Promise<TenantListResponse> {
    return TenantListResponse.from(await this.tenants.page(query));
  }

  @Get(':slug')
  @RequireScopes('tenants:read', { platformOnly: true })
  @ApiOkResponse({ type: TenantResponse })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  async getTenant(@Param('slug') slug: string): Promise<TenantResponse> {
    return TenantResponse.from(await this.tenants.getFresh(slug));
  }

  @Patch(':slug')
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiOperation({ summary: 'Platform settings of a tenant (whether its own admins may toggle its flags)' })
  @ApiOkResponse({ type: TenantResponse })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  async updateTenant(@Param('slug') slug: string, @ValidBody() body: UpdateTenantDto): Promise<TenantResponse> {
    const tenant =
      body.adminsMayToggleFlags === undefined
        ? await this.tenants.getFresh(slug)
        : await this.tenants.setAdminsMayToggleFlags(slug, body.adminsMayToggleFlags);
    return TenantResponse.from(tenant);
  }

  @Post(':slug/suspend')
  @HttpCode(200)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiOperation({ summary: "Suspend: the tenant's tokens stop working at once. Idempotent" })
  @ApiOkResponse({ type: TenantResponse })
  async suspendTenant(@Param('slug') slug: string): Promise<TenantResponse> {
    return TenantResponse.from(await this.tenants.suspend(slug));
  }

  @Post(':slug/resume')
  @HttpCode(200)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiOperation({ summary: 'Resume a suspended tenant. Idempotent' })
  @ApiOkResponse({ type: TenantResponse })
  async resumeTenant(@Param('slug') slug: string): Promise<TenantResponse> {
    return TenantResponse.from(await this.tenants.resume(slug));
  }

  @Post(':slug/move')
  @HttpCode(200)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiOperation({
    summary: "Move the tenant's data to another placement, online",
    description: 'Writes wait for the moment of the copy; the old copy is removed after a grace period, in the background.',
  })
  @ApiOkResponse({ type: TenantMoveResponse })
  async moveTenant(@Param('slug') slug: string, @ValidBody() body: MoveTenantDto): Promise<TenantMoveResponse> {
    return TenantMoveResponse.fromMove(await this.moves.move(slug, body.placement, { waitForCleanup: false }));
  }

  @Delete(':slug')
  @HttpCode(204)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiOperation({ summary: 'Delete the tenant: tokens stop, grants revoked, clients and data removed. Safe to retry' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  async deleteTenant(@Param('slug') slug: string): Promise<void> {
    await this.removals.delete(slug);
  }
}
