// Apart from the unattended schemas, so the `tether` command can print access IDs without zod.

/** `123456789` → `123 456 789`. @example formatAccessId('123456789') // '123 456 789' */
export function formatAccessId(id: string): string {
  return id.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3');
}
