/**
 * media/upload limits (wecom-kf.md §7.4): "every file >5 bytes; image 10MB JPG/PNG; voice 2MB,
 * ≤60 s, AMR only; video 10MB MP4; file 20MB". Formats are recognised by content, not by name.
 */
import { MEDIA_UPLOAD_ERRCODES } from './platform-choices.ts';

export const MEDIA_TYPES = ['image', 'voice', 'video', 'file'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export function isMediaType(v: unknown): v is MediaType {
  return typeof v === 'string' && (MEDIA_TYPES as readonly string[]).includes(v);
}

const MB = 1024 * 1024;
/** §7.4: "every file >5 bytes". */
export const MEDIA_MIN_BYTES = 6;
/** §7.4: voice "≤60 s". */
export const VOICE_MAX_MS = 60_000;

export const MEDIA_MAX_BYTES: Readonly<Record<MediaType, number>> = {
  image: 10 * MB,
  voice: 2 * MB,
  video: 10 * MB,
  file: 20 * MB,
};

/**
 * §3: media a customer sends over these sizes reach sync_msg "as a text notice instead of the
 * media": image 2MB, voice 2MB, video 10MB, file 20MB.
 */
export const SYNC_MEDIA_MAX_BYTES: Readonly<Record<MediaType, number>> = {
  image: 2 * MB,
  voice: 2 * MB,
  video: 10 * MB,
  file: 20 * MB,
};

export type MediaFormat = 'jpg' | 'png' | 'amr' | 'mp4' | 'other';

export function sniffFormat(bytes: Uint8Array): MediaFormat {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.subarray(0, 6).toString('latin1') === '#!AMR\n') return 'amr';
  if (b.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return 'other';
}

const ALLOWED_FORMATS: Readonly<Record<MediaType, readonly MediaFormat[] | 'any'>> = {
  image: ['jpg', 'png'],
  voice: ['amr'],
  video: ['mp4'],
  file: 'any',
};

// AMR-NB speech bytes per frame after the 1-byte header, by frame type (RFC 4867 §5.3); 20 ms each.
const AMR_FRAME_BYTES = [12, 13, 15, 17, 19, 20, 26, 31, 5, 6, 5, 5, 0, 0, 0, 0];

/** The duration of an AMR-NB file in ms, counting 20 ms frames. */
export function amrDurationMs(bytes: Uint8Array): number {
  let frames = 0;
  for (let i = 6; i < bytes.length; frames++) {
    const frameType = ((bytes[i] ?? 0) >> 3) & 0x0f;
    i += 1 + (AMR_FRAME_BYTES[frameType] ?? 0);
  }
  return frames * 20;
}

export interface MediaProblem {
  errcode: number;
  message: string;
}

/** Checks an upload against §7.4; undefined when WeCom would accept it. */
export function checkUpload(type: MediaType, bytes: Uint8Array): MediaProblem | undefined {
  const size = bytes.byteLength;
  if (size < MEDIA_MIN_BYTES) {
    return {
      errcode: MEDIA_UPLOAD_ERRCODES.badSize,
      message: `the file is ${size} bytes; it must be more than 5`,
    };
  }
  const max = MEDIA_MAX_BYTES[type];
  if (size > max) {
    const errcode =
      type === 'image'
        ? MEDIA_UPLOAD_ERRCODES.imageTooLarge
        : type === 'video'
          ? MEDIA_UPLOAD_ERRCODES.videoTooLarge
          : MEDIA_UPLOAD_ERRCODES.tooLarge;
    return { errcode, message: `the ${type} is ${size} bytes; the limit is ${max / MB}MB` };
  }
  const allowed = ALLOWED_FORMATS[type];
  const format = sniffFormat(bytes);
  if (allowed !== 'any' && !allowed.includes(format)) {
    return {
      errcode: MEDIA_UPLOAD_ERRCODES.badFormat,
      message: `a ${type} must be ${allowed.join(' or ').toUpperCase()}; the content is ${format === 'other' ? 'none of those' : format.toUpperCase()}`,
    };
  }
  if (type === 'voice' && amrDurationMs(bytes) > VOICE_MAX_MS) {
    return { errcode: MEDIA_UPLOAD_ERRCODES.badSize, message: 'the voice is longer than 60 s' };
  }
  return undefined;
}
