import { HostTree } from '@angular-devkit/schematics';
import { UnitTestTree } from '@angular-devkit/schematics/testing';

/** How the fixture application looks. */
export interface AppTreeOptions {
  /** `"type": "module"` with `.js` import suffixes, like `nest new --type module`. */
  readonly esm?: boolean;
  /** Extra dependencies in package.json, e.g. `{ '@nestjs/typeorm': '^11.0.0' }`. */
  readonly dependencies?: Record<string, string>;
  /** Extra or replacement files, by path. */
  readonly files?: Record<string, string>;
}

/**
 * A tree holding the files of a fresh `nest new` application (Nest 12) that
 * the schematics read and edit.
 */
export function createAppTree(options: AppTreeOptions = {}): UnitTestTree {
  const js = options.esm ? '.js' : '';
  const tree = new UnitTestTree(new HostTree());
  const files: Record<string, string> = {
    'package.json': JSON.stringify(
      {
        name: 'app',
        version: '0.0.1',
        private: true,
        ...(options.esm ? { type: 'module' } : {}),
        scripts: { build: 'nest build', 'start:prod': 'node dist/main' },
        dependencies: { '@nestjs/common': '^12.0.1', '@nestjs/core': '^12.0.1', ...options.dependencies },
      },
      null,
      2,
    ) + '\n',
    'nest-cli.json': JSON.stringify({ collection: '@nestjs/schematics', sourceRoot: 'src' }, null, 2) + '\n',
    'tsconfig.json': '{ "compilerOptions": { "module": "nodenext" } }\n',
    'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module${js}';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
${options.esm ? 'await' : 'void'} bootstrap();
`,
    'src/app.module.ts': `import { Module } from '@nestjs/common';
import { AppController } from './app.controller${js}';
import { AppService } from './app.service${js}';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`,
    'src/app.controller.ts': 'export class AppController {}\n',
    'src/app.service.ts': 'export class AppService {}\n',
    ...options.files,
  };
  for (const [path, content] of Object.entries(files)) {
    tree.create(path, content);
  }
  return tree;
}

/** Every file of a tree with its content, for before/after comparisons. */
export function snapshotTree(tree: UnitTestTree): Record<string, string> {
  return Object.fromEntries(tree.files.map((path) => [path, tree.readContent(path)]));
}
