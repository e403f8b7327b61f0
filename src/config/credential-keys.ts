/** The WeCom credentials whose absence means "no WeCom account here": sandbox mode. */
export const CREDENTIAL_KEYS = [
  'WECOM_CORP_ID',
  'WECOM_SECRET',
  'WECOM_TOKEN',
  'WECOM_ENCODING_AES_KEY',
] as const;
