import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { ValidBody } from '../infra/http/validation.js';
import { CreateOperatorDto, OperatorListResponse, OperatorResponse, UpdateOperatorDto } from './dto/operator.dto.js';
import { OperatorsService } from './operators.service.js';

@ApiTags('operators')
@Controller('api/v1/operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  @RequireScopes('operators:write', { platformOnly: true })
  @ApiCreatedResponse({ type: OperatorResponse })
  @ApiConflictResponse({ description: 'The email is already an operator' })
  async createOperator(@ValidBody() body: CreateOperatorDto): Promise<OperatorResponse> {
    return OperatorResponse.from(await this.operators.create(body));
  }

  @Get()
  @RequireScopes('operators:read', { platformOnly: true })
  @ApiOkResponse({ type: OperatorListResponse })
  async listOperators(): Promise<OperatorListResponse> {
    return { items: (await this.operators.list()).map(OperatorResponse.from) };
  }

  @Patch(':id')
  @RequireScopes('operators:write', { platformOnly: true })
  @ApiOkResponse({ type: OperatorResponse })
  @ApiNotFoundResponse({ description: 'No such operator' })
  @ApiConflictResponse({ description: 'It would leave no enabled admin' })
  async updateOperator(@Param('id', new ParseUUIDPipe()) id: string, @ValidBody() body: UpdateOperatorDto): Promise<OperatorResponse> {
    return OperatorResponse.from(await this.operators.update(id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('operators:write', { platformOnly: true })
  @ApiNoContentResponse({ description: 'Deleted; the operator can no longer sign in' })
  @ApiNotFoundResponse({ description: 'No such operator' })
  async deleteOperator(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.operators.delete(id);
  }
}
