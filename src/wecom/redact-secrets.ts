/** Removes anything that looks like a credential from text that may reach a log or an error. */
export function redactSecrets(text: string): string {
  return text.replace(/(access_token|corpsecret)=[^&\s"']*/gi, '$1=[redacted]');
}
