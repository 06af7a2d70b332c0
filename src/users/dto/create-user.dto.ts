import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { TENANT_USER_ROLES, type TenantUserRole } from '../../auth/console-roles.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password.js';

export class CreateUserDto {
  @ApiProperty({ example: 'ada@acme.test' })
  @IsEmail()
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, writeOnly: true })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  emailVerified?: boolean;

  @ApiPropertyOptional({ enum: TENANT_USER_ROLES, default: 'member' })
  @IsOptional()
  @IsIn(TENANT_USER_ROLES)
  role?: TenantUserRole;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: TENANT_USER_ROLES })
  @ValidateIf((_object, value) => value !== undefined) // null is not "absent": it is refused
  @IsIn(TENANT_USER_ROLES)
  role?: TenantUserRole;

  @ApiPropertyOptional({ description: 'A disabled user cannot sign in; its sessions end at the next check' })
  @ValidateIf((_object, value) => value !== undefined) // null is not "absent": it is refused
  @IsBoolean()
  disabled?: boolean;
}
