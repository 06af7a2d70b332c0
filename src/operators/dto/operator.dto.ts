import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsString, Length, ValidateIf } from 'class-validator';
import { OPERATOR_ROLES } from '../../auth/console-roles.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../users/password.js';
import type { Operator } from '../operator.js';

export class CreateOperatorDto {
  @ApiProperty({ example: 'ops@example.com' })
  @IsEmail()
  email!: string;

  @ApiProperty({ enum: OPERATOR_ROLES })
  @IsIn(OPERATOR_ROLES)
  role!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, writeOnly: true })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password!: string;
}

export class UpdateOperatorDto {
  @ApiPropertyOptional({ enum: OPERATOR_ROLES })
  @ValidateIf((_object, value) => value !== undefined) // null is not "absent": it is refused
  @IsIn(OPERATOR_ROLES)
  role?: string;

  @ApiPropertyOptional({ description: 'A disabled operator cannot sign in' })
  @ValidateIf((_object, value) => value !== undefined) // null is not "absent": it is refused
  @IsBoolean()
  disabled?: boolean;
}

export class OperatorResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: OPERATOR_ROLES }) role!: string;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(operator: Operator): OperatorResponse {
    return {
      id: operator.id,
      email: operator.email,
      role: operator.role,
      disabled: operator.disabled,
      createdAt: operator.createdAt.toISOString(),
    };
  }
}

export class OperatorListResponse {
  @ApiProperty({ type: [OperatorResponse] }) items!: OperatorResponse[];
}
