import { type CanActivate, Injectable } from '@nestjs/common';
import { SignupService } from './signup.service.js';

/** `403 sign-up is closed` before the body is even validated, whatever it holds. */
@Injectable()
export class SignupOpenGuard implements CanActivate {
  constructor(private readonly signups: SignupService) {}

  canActivate(): boolean {
    this.signups.assertOpen();
    return true;
  }
}
