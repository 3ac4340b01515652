// The framework floor: a bare Nest + Express app with one "hello" route, started like the chat server, so that small
// requests are judged against what Nest on Express costs at all.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

class HelloController {
  hello() {
    return { hello: 'world' };
  }
}
Controller('hello')(HelloController);
Get()(HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));

class FloorModule {}
Module({ controllers: [HelloController] })(FloorModule);

const app = await NestFactory.create(FloorModule, { logger: false });
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log('floor listening');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
