/**
 * Face enrolment: 10–30 good frames from the camera (one face, large, frontal, confident), with a progress bar
 * and a hint when a frame is not usable. Only the descriptors (1024 numbers per frame) are sent; no picture
 * leaves the browser. The server checks that all frames are of one person and stores an encrypted template.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useLocale } from '../../lib/i18n';
import { problemMessage } from '../../lib/errors';
import { OperationProgress } from '../../lib/progress';
import { formatNumber } from '../../lib/format';
import { descriptorOf, loadFaceEngine, openCamera, readFrame, stopCamera, type FrameQuality } from './face-engine';
import { useEnrolFace, type EmployeeDto } from './warehouse.api';

export const ENROL_MIN_FRAMES = 10;
export const ENROL_TARGET_FRAMES = 20;
/** Frames taken at least this far apart, so small head movements give varied views. */
const CAPTURE_GAP_MS = 300;

type Phase = 'starting' | 'capturing' | 'captured' | 'failed';

export function FaceEnrol({ employee, onDone, onCancel }: { employee: EmployeeDto; onDone: () => void; onCancel: () => void }) {
  const { t, locale } = useLocale();
  const video = useRef<HTMLVideoElement>(null);
  const frames = useRef<number[][]>([]);
  const [count, setCount] = useState(0);
  const [phase, setPhase] = useState<Phase>('starting');
  const [quality, setQuality] = useState<FrameQuality | null>(null);
  const [cameraError, setCameraError] = useState<string | null>(null);
  const enrol = useEnrolFace();

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    const run = async () => {
      // The camera first, so the person sees themselves while the models load.
      const opened = await openCamera();
      stream = opened;
      if (stopped || !video.current) return stopCamera(opened);
      video.current.srcObject = opened;
      await video.current.play();
      const human = await loadFaceEngine();
      if (stopped || !video.current) return;
      setPhase('capturing');
      let lastAt = 0;
      while (!stopped && frames.current.length < ENROL_TARGET_FRAMES) {
        if (video.current.readyState >= 2 && performance.now() - lastAt >= CAPTURE_GAP_MS) {
          const frame = await readFrame(human, video.current);
          setQuality(frame.quality);
          const descriptor = frame.quality === 'ok' ? descriptorOf(frame.face) : null;
          if (descriptor) {
            frames.current.push(descriptor);
            lastAt = performance.now();
            setCount(frames.current.length);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      if (!stopped) setPhase('captured');
      stopCamera(stream);
    };
    run().catch((error: unknown) => {
      if (stopped) return;
      setPhase('failed');
      setCameraError(error instanceof Error && error.message !== 'camera_unavailable' && !/NotAllowed|NotFound|NotReadable/.test(error.name) ? problemMessage(error, t, locale) : t('warehouse.camera_unavailable'));
    });
    return () => {
      stopped = true;
      stopCamera(stream);
    };
    // Runs once per dialog; texts are read when a failure happens.
  }, []);

  const save = () => {
    enrol.mutate({ id: employee.id, descriptors: frames.current.slice(0, 30) }, { onSuccess: onDone });
  };
  const restart = () => {
    frames.current = [];
    setCount(0);
    enrol.reset();
    onCancel();
  };

  return (
    <Stack gap="sm" data-testid="face-enrol" data-phase={phase}>
      <Text size="sm">{t('warehouse.enrol_instructions')}</Text>
      <video
        ref={video}
        muted
        playsInline
        data-testid="face-enrol-camera"
        style={{ width: '100%', maxHeight: 340, background: '#000', borderRadius: 8, objectFit: 'cover', transform: 'scaleX(-1)' }}
      />
      <OperationProgress labelKey="warehouse.enrol_progress" state={{ done: count, total: ENROL_TARGET_FRAMES }} testId="face-enrol-progress" />
      {phase === 'starting' && <Text size="sm" c="dimmed">{t('warehouse.face_loading')}</Text>}
      {phase === 'capturing' && quality && quality !== 'ok' && <Text size="sm" c="orange" data-testid="face-enrol-hint">{t(`warehouse.face_quality.${quality}`)}</Text>}
      {cameraError && <Alert color="red" data-testid="face-enrol-error">{cameraError}</Alert>}
      {enrol.error && <Alert color="red" data-testid="face-enrol-error">{problemMessage(enrol.error, t, locale)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={enrol.error ? restart : onCancel}>{t('common.cancel')}</Button>
        <Button onClick={save} loading={enrol.isPending} disabled={count < ENROL_MIN_FRAMES} data-testid="face-enrol-save">
          {t('warehouse.enrol_save', { frames: formatNumber(count, locale) })}
        </Button>
      </Group>
    </Stack>
  );
}
