import { defineConfig } from './src/index.ts';

// The bundled sample is English news; documents in other languages are set
// aside (reason `language`, listed in run.json and the report), not lost.
export default defineConfig({
  languages: ['en'],
  concurrency: 4,
});
