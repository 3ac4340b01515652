import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [MessagesModule], controllers: [HealthController] })
export class HealthModule {}
