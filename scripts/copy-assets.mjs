// Copies the web console's static files next to the compiled server (tsc copies only .ts output):
// src/server/webui/assets/ → dist/src/server/webui/assets/, so they ship in `npm pack` (files: dist/src).
import { cpSync } from 'node:fs'

cpSync('src/server/webui/assets', 'dist/src/server/webui/assets', { recursive: true })
