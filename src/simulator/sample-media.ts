/** Sample media the simulated customer sends when a test gives none. */
import type { MediaType } from '../wecom/media-limits.ts';

/** Smallest valid sample content for each type, for media the simulated customer sends. */
export function sampleMedia(type: MediaType): { bytes: Buffer; filename: string; contentType: string } {
  switch (type) {
    case 'image':
      return {
        bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]),
        filename: 'photo.jpg',
        contentType: 'image/jpeg',
      };
    case 'voice':
      // 50 frames of 12.2 kbit/s speech (header byte 0x3c, 31 bytes each): one second.
      return {
        bytes: Buffer.concat([Buffer.from('#!AMR\n', 'latin1'), Buffer.alloc(50 * 32, 0x3c)]),
        filename: 'voice.amr',
        contentType: 'audio/amr',
      };
    case 'video':
      return {
        bytes: Buffer.concat([
          Buffer.from([0, 0, 0, 0x18]),
          Buffer.from('ftypmp42', 'latin1'),
          Buffer.alloc(12),
        ]),
        filename: 'video.mp4',
        contentType: 'video/mp4',
      };
    case 'file':
      return {
        bytes: Buffer.from('%PDF-1.4\n%simulated\n', 'latin1'),
        filename: '报价单.pdf',
        contentType: 'application/pdf',
      };
  }
}
