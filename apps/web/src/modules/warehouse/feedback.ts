/**
 * Audible feedback at the station (the operator watches the goods, not the screen): a short high beep for a
 * good scan or a saved movement, a low double buzz for an error. WebAudio, no sound files; browsers allow it
 * after the first key press or click, which a scan is.
 */
export type Tone = 'ok' | 'saved' | 'error';

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof window === 'undefined' || typeof window.AudioContext === 'undefined') return null;
  context ??= new window.AudioContext();
  if (context.state === 'suspended') void context.resume();
  return context;
}

function note(ctx: AudioContext, frequency_hz: number, start_s: number, length_s: number, wave: OscillatorType): void {
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = wave;
  oscillator.frequency.value = frequency_hz;
  gain.gain.setValueAtTime(0.0001, ctx.currentTime + start_s);
  gain.gain.exponentialRampToValueAtTime(0.25, ctx.currentTime + start_s + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start_s + length_s);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(ctx.currentTime + start_s);
  oscillator.stop(ctx.currentTime + start_s + length_s + 0.02);
}

export function beep(tone: Tone): void {
  const ctx = audio();
  if (!ctx) return;
  if (tone === 'ok') note(ctx, 1760, 0, 0.09, 'sine');
  else if (tone === 'saved') {
    note(ctx, 1318, 0, 0.08, 'sine');
    note(ctx, 1760, 0.1, 0.12, 'sine');
  } else {
    note(ctx, 220, 0, 0.18, 'square');
    note(ctx, 180, 0.24, 0.25, 'square');
  }
}
