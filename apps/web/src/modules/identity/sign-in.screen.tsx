/**
 * Sign-in (and sign-up: one flow). Phone (Persian digits welcome, shown normalised) → channel → code
 * (PinInput, paste works, Persian digits accepted) with a resend countdown. A second tab signs in with a
 * username and password (warehouse stations without SMS).
 */
import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Center, Group, Paper, PinInput, SegmentedControl, Stack, Tabs, Text, TextInput, PasswordInput, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useLocale } from '../../lib/i18n';
import { formatNumber, localiseDigits, normaliseIranianMobile, toLatinDigits } from '../../lib/format';
import { problemMessage } from '../../lib/errors';
import { isProblem } from '../../lib/api';
import { LanguageMenu, ColorSchemeToggle } from '../../app/header-controls';
import { HelpButton } from '../../lib/help';
import { useMe, usePasswordSignIn, useRequestOtp, useVerifyOtp } from './identity.api';

const MIN_CODE_DIGITS = 5;
const MAX_CODE_DIGITS = 6;

/** Seconds left until `until` (a performance.now() deadline), ticking every second. */
function useCountdown(): [number, (seconds: number) => void] {
  const [deadline, setDeadline] = useState(0);
  const [now, setNow] = useState(() => performance.now());
  useInterval(() => setNow(performance.now()), 1000, { autoInvoke: true });
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  return [left, (seconds) => { setNow(performance.now()); setDeadline(performance.now() + seconds * 1000); }];
}

function safeRedirect(target: unknown): string {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/sign-in') ? target : '/';
}

function OtpSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t, locale } = useLocale();
  const [phoneText, setPhoneText] = useState('');
  const [channel, setChannel] = useState<'sms' | 'telegram'>('sms');
  const [step, setStep] = useState<'phone' | 'code'>('phone');
  const [code, setCode] = useState('');
  const [sentBy, setSentBy] = useState<'sms' | 'telegram'>('sms');
  const [resendLeft, startResend] = useCountdown();
  const request = useRequestOtp();
  const verify = useVerifyOtp();
  const phone = normaliseIranianMobile(phoneText);
  const codeDigits = toLatinDigits(code);

  const send = () => {
    if (!phone) return;
    request.mutate(
      { phone, channel },
      {
        onSuccess: (result) => {
          setSentBy(result.channel);
          setStep('code');
          setCode('');
          startResend(result.resend_in_seconds);
        },
        onError: (error) => {
          if (isProblem(error, 'identity.otp_resend_too_soon')) {
            const retry = Number(error.params.retry_after_seconds ?? 0);
            if (retry > 0) startResend(retry);
          }
        },
      },
    );
  };
  const submitCode = (value = codeDigits) => {
    if (!phone || value.length < MIN_CODE_DIGITS || verify.isPending) return;
    verify.mutate({ phone, code: value }, { onSuccess: onSignedIn, onError: () => setCode('') });
  };
  const error = request.error ?? verify.error;

  if (step === 'phone') {
    return (
      <form onSubmit={(event) => { event.preventDefault(); send(); }}>
        <Stack>
          <TextInput
            label={t('auth.phone_label')}
            description={t('auth.phone_hint')}
            placeholder={localiseDigits('09121234567', locale)}
            value={phoneText}
            onChange={(event) => setPhoneText(event.currentTarget.value)}
            inputMode="tel"
            autoComplete="tel"
            dir="ltr"
            autoFocus
            data-testid="sign-in-phone"
            error={!phone && toLatinDigits(phoneText).replace(/\D/g, '').length >= 11 ? t('auth.phone_invalid_format') : undefined}
          />
          {phone && (
            <Text size="sm" c="dimmed" data-testid="sign-in-phone-normalised">
              {t('auth.phone_normalised', { phone: localiseDigits(phone, locale) })}
            </Text>
          )}
          <div>
            <Text size="sm" fw={500} mb={4}>{t('auth.channel_label')}</Text>
            <SegmentedControl
              fullWidth
              value={channel}
              onChange={(value) => setChannel(value === 'telegram' ? 'telegram' : 'sms')}
              data={[
                { value: 'sms', label: t('auth.channel_sms') },
                { value: 'telegram', label: t('auth.channel_telegram') },
              ]}
              data-testid="sign-in-channel"
            />
          </div>
          {error && <Alert color="red" data-testid="sign-in-error">{problemMessage(error, t, locale)}</Alert>}
          <Button type="submit" disabled={!phone} loading={request.isPending} data-testid="sign-in-request">
            {t('auth.send_code')}
          </Button>
        </Stack>
      </form>
    );
  }

  return (
    <form onSubmit={(event) => { event.preventDefault(); submitCode(); }}>
      <Stack>
        <Text data-testid="sign-in-code-sent">
          {t(sentBy === 'telegram' ? 'auth.code_sent_telegram' : 'auth.code_sent_sms', { phone: localiseDigits(phone ?? '', locale) })}
        </Text>
        <Group justify="center" dir="ltr">
          <PinInput
            length={MAX_CODE_DIGITS}
            type={/^[0-9۰-۹٠-٩]*$/}
            inputMode="numeric"
            oneTimeCode
            autoFocus
            value={code}
            onChange={(value) => setCode(toLatinDigits(value))}
            onComplete={(value) => submitCode(toLatinDigits(value))}
            aria-label={t('auth.code_label')}
            data-testid="sign-in-code"
            error={Boolean(verify.error)}
          />
        </Group>
        {error && <Alert color="red" data-testid="sign-in-error">{problemMessage(error, t, locale)}</Alert>}
        <Button type="submit" loading={verify.isPending} disabled={codeDigits.length < MIN_CODE_DIGITS} data-testid="sign-in-verify">
          {t('auth.verify')}
        </Button>
        <Group justify="space-between">
          <Anchor component="button" type="button" size="sm" onClick={() => { setStep('phone'); verify.reset(); request.reset(); }} data-testid="sign-in-change-phone">
            {t('auth.change_phone')}
          </Anchor>
          <Button variant="subtle" size="compact-sm" disabled={resendLeft > 0} loading={request.isPending} onClick={send} data-testid="sign-in-resend">
            {resendLeft > 0 ? t('auth.resend_in', { seconds: formatNumber(resendLeft, locale) }) : t('auth.resend')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PasswordSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t, locale } = useLocale();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signIn = usePasswordSignIn();
  return (
    <form onSubmit={(event) => { event.preventDefault(); signIn.mutate({ username: username.trim(), password }, { onSuccess: onSignedIn }); }}>
      <Stack>
        <TextInput label={t('auth.username')} value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" dir="ltr" data-testid="sign-in-username" required />
        <PasswordInput label={t('auth.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" data-testid="sign-in-password" required />
        {signIn.error && <Alert color="red" data-testid="sign-in-error">{problemMessage(signIn.error, t, locale)}</Alert>}
        <Button type="submit" loading={signIn.isPending} disabled={!username.trim() || !password} data-testid="sign-in-password-submit">
          {t('auth.sign_in')}
        </Button>
      </Stack>
    </form>
  );
}

export default function SignInScreen() {
  const { t } = useLocale();
  const navigate = useNavigate();
  const search = useSearch({ strict: false }) as { redirect?: unknown };
  useEffect(() => {
    document.title = `${t('pages.sign_in')} · ${t('common.app_name')}`;
  }, [t]);
  const onSignedIn = () => void navigate({ to: safeRedirect(search.redirect) });
  const me = useMe().data;
  useEffect(() => {
    // Already signed in (another tab, or back button): no second sign-in.
    if (me) void navigate({ to: safeRedirect(search.redirect), replace: true });
  }, [me, navigate, search.redirect]);
  return (
    <Center mih="100vh" p="md" data-testid="sign-in-screen">
      <Stack w="100%" maw={420}>
        <Group justify="space-between">
          <Title order={2} c="var(--mantine-primary-color-filled)">{t('common.app_name')}</Title>
          <Group gap="xs">
            <LanguageMenu />
            <ColorSchemeToggle />
            <HelpButton page_key="sign_in" canEdit={false} />
          </Group>
        </Group>
        <Paper withBorder shadow="sm" p="lg" radius="md">
          <Title order={3} mb="xs">{t('auth.title')}</Title>
          <Text c="dimmed" size="sm" mb="md">{t('auth.subtitle')}</Text>
          <Tabs defaultValue="otp" keepMounted={false}>
            <Tabs.List grow mb="md">
              <Tabs.Tab value="otp" data-testid="sign-in-tab-otp">{t('auth.tab_otp')}</Tabs.Tab>
              <Tabs.Tab value="password" data-testid="sign-in-tab-password">{t('auth.tab_password')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="otp"><OtpSignIn onSignedIn={onSignedIn} /></Tabs.Panel>
            <Tabs.Panel value="password"><PasswordSignIn onSignedIn={onSignedIn} /></Tabs.Panel>
          </Tabs>
        </Paper>
      </Stack>
    </Center>
  );
}
