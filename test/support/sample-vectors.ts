/**
 * WeCom's own callback samples (wecom-kf.md §2.5), verbatim, in one place: the official Go sample's
 * token, key and receive id, and the signed requests built with them. Vectors A and B are the
 * vendor's; F is derived from the fact sheet's plaintext with a fixed random prefix, so any
 * independent implementation reproduces it byte for byte.
 */

/** The credentials every vector is signed and encrypted with. */
export const SAMPLE = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
} as const;

/** Vector A: the sample GET (URL verification) and the plaintext echo it must get back. */
export const VECTOR_A = {
  /** The query string exactly as WeCom sends it (`+`, `/` and `=` percent-encoded). */
  queryString:
    'msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D',
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  reply: '1616140317555161061',
} as const;

/** Vector B: the sample POST, a plain text message (not a KF notice). */
export const VECTOR_B = {
  msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
  timestamp: '1409659813',
  nonce: '1372623149',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
  /** 284 bytes, LF line ends; the ciphertext ends in a 30-byte pad, which 16-byte PKCS#7 would reject. */
  plaintext:
    '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>',
} as const;

/** Vector F: a KF notice (kf_msg_or_event) for one account, encrypted with the random prefix below. */
export const VECTOR_F = {
  msgSignature: '80b4e7d66322fb834976d88f1be4158ff3dd6830',
  timestamp: '1409659813',
  nonce: '1372623149',
  random: '0123456789abcdef',
  openKfId: 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q',
  callbackToken: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR',
  /** 318 bytes, pad 28. */
  plaintext:
    '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR]]></Token><OpenKfId><![CDATA[wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q]]></OpenKfId></xml>',
  encrypt:
    'sKqRbbiSUnDhFHOvPjtUMc0r+4pkojrwLyrqr5QGn4Jw22aIbHY3Gg49O55FMrF3bIF+uiJopjQvC+Vv8N7w7Kf+og5Ina4gvVf6FJSxEtRUbdQ1h6JMuwislyeSRxSGM49XtFBUSiRMshJdvS0KHwkprQ+McyeLVqFNun5Sv9EzKMYdr1rONgqSOG68wirXV+o4hAAHW2r4Go2x9M69OYIATOXgGHBufIqumEtBwaWZihOwjNflsJrSA87QcligbFMBruHbVT/Jrv76C4PCO525ert3WxRqIW9neF/jdR/embZ3i6S2Doh+ekEGo/8hXmjqyvCbGEbfH2sg2u4t3JIaU+D9HCz7stTPMXcU2DbyV8JRenNp+bfsYemdWWIEqC6bbRY9qAIPq140hiNFk3oW1TpNa+IXTn9Rh3HIbCLWNqqTAMLdZlAh4b/oUI08H1wbH5vuTY5DmQczk3gE4N3jGotSX9zTFMWnizXhYUCfOBLajMnz2/VSloHa+KJ9',
} as const;
