/** The configuration's JSON Schema, generated from the same zod schema that validates it. */
import { z } from 'zod';
import { configSchema } from './schema';

export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return `${JSON.stringify({ ...schema, $id: 'https://rootlock.dev/schema/rootlock.schema.json', title: 'rootlock configuration' }, null, 2)}\n`;
}
