import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { createOpenApiDocument } from './app.setup.js';

/** Writes the OpenAPI document to docs/openapi.json (`npm run openapi`), where a test keeps it in step. */
const app = await NestFactory.create<NestExpressApplication>(AppModule, {
  logger: false,
  abortOnError: false,
});
app.setGlobalPrefix('api');
const file = new URL('../docs/openapi.json', import.meta.url);
await writeFile(file, JSON.stringify(createOpenApiDocument(app), null, 2) + '\n');
await app.close();
console.log(`wrote ${file.pathname}`);
