import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type * as Swagger from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The Swagger UI files served under /docs; nothing else is read from disk. */
const UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const UI_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Attio Integration API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui' });</script>
</body>
</html>`;

/**
 * OpenAPI at `/docs` (UI) and `/docs-json` (document), the paths SwaggerModule.setup uses. The document is
 * built on the first request, and only then is @nestjs/swagger's document builder loaded (with
 * @fastify/static, js-yaml and friends it cost ~140 ms of start-up; the decorators in the controllers only
 * record metadata and are bundled on their own, see tools/trimmed-packages.mjs). UI files come straight
 * from swagger-ui-dist, the package SwaggerModule serves them from.
 */
export function registerOpenApiDocs(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  let document: OpenAPIObject | undefined;
  const buildDocument = (): OpenAPIObject => {
    // Loaded here on purpose (see above); tools/trimmed-packages.mjs leaves this require alone.
    const swagger = require('@nestjs/swagger') as typeof Swagger;
    const info = new swagger.DocumentBuilder()
      .setTitle('Attio Integration API')
      .setDescription('Subscription and payment lifecycle between Attio, Zoho Billing and Braintree.')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'admin')
      .build();
    return swagger.SwaggerModule.createDocument(app, info);
  };
  let assetsDir: string | undefined;
  const uiFile = (name: string): string => {
    // swagger-ui-dist comes with @nestjs/swagger; resolved from there so it need not be a direct dependency.
    assetsDir ??= dirname(
      require.resolve('swagger-ui-dist/package.json', {
        paths: [dirname(require.resolve('@nestjs/swagger'))],
      }),
    );
    return join(assetsDir, name);
  };

  fastify.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(UI_HTML));
  fastify.get('/docs-json', async () => (document ??= buildDocument()));
  fastify.get<{ Params: { file: string } }>('/docs/:file', async (req, reply) => {
    const type = UI_ASSETS[req.params.file];
    if (!type) return reply.callNotFound();
    return reply
      .type(type)
      .header('cache-control', 'public, max-age=3600')
      .send(await readFile(uiFile(req.params.file)));
  });
}
