/** What the bot says, by the Telegram user's language (Persian first; English, Arabic, Uzbek). */
export type BotMessageKey = 'welcome' | 'share_contact' | 'share_button' | 'link_expired' | 'linked' | 'no_pending_link' | 'phone_mismatch' | 'not_own_contact' | 'private_only' | 'code';

type Catalogue = Record<BotMessageKey, string>;

const fa: Catalogue = {
  welcome: 'سلام! برای اتصال تلگرام به حساب چهارسو، از بخش «حساب من» در پنل، گزینه «اتصال تلگرام» را بزنید.',
  share_contact: 'برای تأیید شماره، دکمه «ارسال شماره من» را بزنید.',
  share_button: 'ارسال شماره من',
  link_expired: 'این پیوند منقضی یا قبلاً استفاده شده است. از پنل یک پیوند تازه بسازید.',
  linked: 'تلگرام شما به حساب چهارسو وصل شد. از این پس می‌توانید کد ورود را در تلگرام بگیرید.',
  no_pending_link: 'ابتدا از پنل چهارسو گزینه «اتصال تلگرام» را بزنید و پیوند را باز کنید.',
  phone_mismatch: 'این شماره با شماره حساب شما یکی نیست.',
  not_own_contact: 'لطفاً شماره خودتان را با دکمه زیر بفرستید، نه شماره شخص دیگری را.',
  private_only: 'این کار فقط در گفتگوی خصوصی با ربات ممکن است.',
  code: 'کد ورود شما به چهارسو: {code}\nاین کد را به هیچ‌کس ندهید.',
};

const en: Catalogue = {
  welcome: 'Hello! To link Telegram to your Chaharsu account, open “My account” in the panel and choose “Link Telegram”.',
  share_contact: 'To confirm your number, tap “Share my number”.',
  share_button: 'Share my number',
  link_expired: 'This link has expired or was already used. Create a new one in the panel.',
  linked: 'Your Telegram is now linked to your Chaharsu account. You can receive sign-in codes here.',
  no_pending_link: 'First choose “Link Telegram” in the Chaharsu panel and open the link.',
  phone_mismatch: 'This number is not the number of your account.',
  not_own_contact: 'Please share your own number with the button below, not someone else’s.',
  private_only: 'This works only in a private chat with the bot.',
  code: 'Your Chaharsu sign-in code: {code}\nDo not give this code to anyone.',
};

const ar: Catalogue = {
  welcome: 'مرحباً! لربط تيليجرام بحسابك في چهارسو، افتح «حسابي» في اللوحة واختر «ربط تيليجرام».',
  share_contact: 'لتأكيد رقمك، اضغط «إرسال رقمي».',
  share_button: 'إرسال رقمي',
  link_expired: 'انتهت صلاحية هذا الرابط أو استُخدم من قبل. أنشئ رابطاً جديداً في اللوحة.',
  linked: 'تم ربط تيليجرام بحسابك في چهارسو. يمكنك استلام رموز الدخول هنا.',
  no_pending_link: 'اختر أولاً «ربط تيليجرام» في لوحة چهارسو وافتح الرابط.',
  phone_mismatch: 'هذا الرقم ليس رقم حسابك.',
  not_own_contact: 'يرجى إرسال رقمك أنت بالزر أدناه، لا رقم شخص آخر.',
  private_only: 'يعمل هذا فقط في محادثة خاصة مع البوت.',
  code: 'رمز الدخول إلى چهارسو: {code}\nلا تعطِ هذا الرمز لأحد.',
};

const uz: Catalogue = {
  welcome: 'Salom! Telegramni Chaharsu hisobingizga ulash uchun paneldagi «Mening hisobim» bo‘limida «Telegramni ulash»ni tanlang.',
  share_contact: 'Raqamingizni tasdiqlash uchun «Raqamimni yuborish» tugmasini bosing.',
  share_button: 'Raqamimni yuborish',
  link_expired: 'Bu havolaning muddati tugagan yoki u ishlatilgan. Panelda yangisini yarating.',
  linked: 'Telegramingiz Chaharsu hisobingizga ulandi. Kirish kodlarini shu yerda olishingiz mumkin.',
  no_pending_link: 'Avval Chaharsu panelida «Telegramni ulash»ni tanlang va havolani oching.',
  phone_mismatch: 'Bu raqam hisobingiz raqami emas.',
  not_own_contact: 'Iltimos, pastdagi tugma bilan o‘z raqamingizni yuboring.',
  private_only: 'Bu faqat bot bilan shaxsiy suhbatda ishlaydi.',
  code: 'Chaharsu kirish kodingiz: {code}\nBu kodni hech kimga bermang.',
};

const catalogues: Record<string, Catalogue> = { fa, en, ar, uz };

export function botText(locale: string | null | undefined, key: BotMessageKey, params: Record<string, string> = {}): string {
  const language = (locale ?? 'fa').slice(0, 2).toLowerCase();
  const text = (catalogues[language] ?? fa)[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
}
