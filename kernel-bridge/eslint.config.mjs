import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/lib/',
      '**/dist/',
      '**/coverage/',
      '**/node_modules/',
      // Generated from Argo's swagger.json by make argo-tools.
      'src/schedule/argo/swagger.gen.ts'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: './tsconfig.test.json',
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true }
      ]
    }
  },
  {
    // The engine runs in the browser too: nothing Node-only may reach it.
    files: ['engine/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map(name => ({
            name,
            message:
              'The Arc engine is pure: no Node modules (it runs in the browser).'
          })),
          patterns: [
            {
              group: ['node:*'],
              message:
                'The Arc engine is pure: no Node modules (it runs in the browser).'
            },
            {
              group: [
                '**/src/*',
                '../../*',
                'fastify',
                'commander',
                '@aws-sdk/*'
              ],
              message:
                'The Arc engine depends on nothing in the bridge: move the code into the engine or keep it at the edge.'
            }
          ]
        }
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'process',
          'Buffer',
          'require',
          'module',
          '__dirname',
          '__filename',
          'global',
          'setImmediate'
        ].map(name => ({
          name,
          message: 'The Arc engine is pure: no Node globals.'
        }))
      ]
    }
  },
  {
    files: ['**/*.js', '**/*.mjs', 'bin/arcade'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    files: ['**/*.js', 'bin/arcade'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  prettier
);
