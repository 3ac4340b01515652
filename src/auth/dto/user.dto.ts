import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../users-file.js';

export class UserDto {
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ example: 'Alice Liddell' }) displayName!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] }) users!: UserDto[];
}

export class MeDto extends UserDto {
  @ApiProperty({ enum: ROLES, example: 'admin' }) role!: Role;
}
