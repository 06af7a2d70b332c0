import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { ActingTenant, ActsOnTenant } from '../tenants/acting-tenant.js';
import type { Tenant } from '../tenants/tenant.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { UserListResponse, UserResponse } from './dto/user.response.js';
import { UsersService } from './users.service.js';
import { ValidBody } from '../infra/http/validation.js';

@ApiTags('users')
@Controller('api/v1/tenants/:slug/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @RequireScopes('tenants:write', { platformOnly: true })
  @ActsOnTenant()
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'The email is already registered in this tenant' })
  async createUser(@ActingTenant() tenant: Tenant, @ValidBody() body: CreateUserDto): Promise<UserResponse> {
    return UserResponse.from(await this.users.create(tenant, body));
  }

  @Get()
  @RequireScopes('tenants:read', { platformOnly: true })
  @ActsOnTenant()
  @ApiOkResponse({ type: UserListResponse })
  async listUsers(@ActingTenant() tenant: Tenant): Promise<UserListResponse> {
    return { items: (await this.users.list(tenant)).map(UserResponse.from) };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ActsOnTenant()
  @ApiNoContentResponse({ description: 'Deleted; the user can no longer sign in' })
  @ApiNotFoundResponse({ description: 'No such tenant or user' })
  async deleteUser(@ActingTenant() tenant: Tenant, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.users.delete(tenant, id);
  }
}
