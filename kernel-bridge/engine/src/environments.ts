/**
 * The environments a project has when it names none (`ARCADE_ENVIRONMENTS`):
 * what new stages list in `environments=` and what runs offer.
 */
export const DEFAULT_ENVIRONMENTS: readonly string[] = ['dev', 'test', 'prod'];
