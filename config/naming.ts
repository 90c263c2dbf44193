/** Name normalisation shared by validation and the model, so what is checked unique is what is used. */

/** "Workloads Prod" -> "workloads_prod": stable, readable keys for logical ids. */
export function snake(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** "Payments Prod" -> "payments-prod": stack names. */
export function kebab(name: string): string {
  return snake(name).replace(/_/g, '-');
}
