/**
 * Scanning QR codes and barcodes with the camera, for stations without a USB scanner. The browser's own
 * `BarcodeDetector` is used where it exists (Chrome on Android, ChromeOS, macOS); elsewhere the
 * `barcode-detector` ponyfill on zxing-cpp wasm. That wasm is bundled by Vite and served from our origin —
 * the ponyfill's default would fetch it from a CDN, which an offline warehouse cannot reach.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconCameraOff } from '@tabler/icons-react';
import zxingReaderWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { useLocale } from '../../lib/i18n';
import { normaliseScannedCode } from './scanner';
import { openCamera, stopCamera } from './face-engine';

interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}

const FORMATS = ['qr_code', 'ean_13', 'ean_8', 'code_128', 'code_39', 'upc_a', 'upc_e', 'itf', 'data_matrix'];

let detectorPromise: Promise<Detector> | null = null;

async function createDetector(): Promise<Detector> {
  const native = (globalThis as { BarcodeDetector?: { new (o: { formats: string[] }): Detector; getSupportedFormats(): Promise<string[]> } }).BarcodeDetector;
  if (native) {
    const supported = await native.getSupportedFormats();
    const formats = FORMATS.filter((f) => supported.includes(f));
    if (formats.length > 0) return new native({ formats });
  }
  const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? zxingReaderWasmUrl : prefix + path) } });
  return new BarcodeDetector({ formats: FORMATS as never });
}

function detector(): Promise<Detector> {
  detectorPromise ??= createDetector().catch((error: unknown) => {
    detectorPromise = null;
    throw error;
  });
  return detectorPromise;
}

/** A live camera view that calls `onCode` for each new code seen (the same code again only after 2 s). */
export function CameraScanner({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const { t } = useLocale();
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let last = { code: '', at: 0 };
    const loop = async () => {
      const found = await detector();
      stream = await openCamera();
      if (stopped || !video.current) return stopCamera(stream);
      video.current.srcObject = stream;
      await video.current.play();
      while (!stopped && video.current) {
        if (video.current.readyState >= 2) {
          const codes = await found.detect(video.current).catch(() => []);
          const code = codes[0] ? normaliseScannedCode(codes[0].rawValue) : '';
          const now = performance.now();
          if (code && (code !== last.code || now - last.at > 2000)) {
            last = { code, at: now };
            onCodeRef.current(code);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    };
    loop().catch(() => setFailed(true));
    return () => {
      stopped = true;
      stopCamera(stream);
    };
  }, []);

  return (
    <Stack gap="xs" data-testid="camera-scan">
      {failed ? (
        <Alert color="red" icon={<IconCameraOff size={18} />} data-testid="camera-scan-error">{t('warehouse.camera_unavailable')}</Alert>
      ) : (
        <video ref={video} muted playsInline data-testid="camera-scan-view" style={{ width: '100%', maxHeight: 320, background: '#000', borderRadius: 8, objectFit: 'cover' }} />
      )}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">{t('warehouse.camera_scan_hint')}</Text>
        <Button variant="default" size="xs" onClick={onClose} data-testid="camera-scan-close">{t('common.close')}</Button>
      </Group>
    </Stack>
  );
}
