/** Where the rules are: an explicit path, else $KFBOT_RULES, else ./rules (the documented default). */
export function rulesTarget(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  return explicit ?? (env.KFBOT_RULES?.trim() || './rules');
}
