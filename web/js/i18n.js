// UI text in one table. zh-CN is the default and the fallback for missing keys.

const STORAGE_KEY = 'canyu.lang';
export const LANGS = ['zh-CN', 'en'];
const DEFAULT_LANG = 'zh-CN';

const messages = {
  'zh-CN': {
    'app.name': '参与',
    'app.tagline': '杨浦区公众参与平台',
    'app.skip': '跳到主要内容',
    'footer.owner': '上海市杨浦区人民政府',
    'footer.note': '参与 · 公众参与平台',

    'lang.switch': 'English', // label shows the language you switch *to*
    'lang.switch_code': 'en',

    'nav.label': '主导航',
    'nav.home': '首页',
    'nav.login': '登录',
    'nav.register': '注册',
    'nav.me': '我的账户',
    'nav.logout': '退出',

    'home.title': '欢迎参与杨浦区公共决策',
    'home.lead': '“参与”是上海市杨浦区人民政府的公众参与平台。重大行政决策在作出前向社会公开征求意见，您可以在这里阅读决策草案、发表意见，并查看意见的采纳情况。',
    'home.features': '您可以在平台上',
    'home.f1.title': '对决策草案发表意见',
    'home.f1.text': '重大决策草案公开征求意见，征求意见期不少于 30 日，居民可在期内在线发表意见。',
    'home.f2.title': '查看意见采纳情况',
    'home.f2.text': '征求意见结束后，工作人员公布意见的采纳情况及理由。',
    'home.f3.title': '申请列席政府会议',
    'home.f3.text': '公众代表可申请列席区政府常务会议等行政决策会议。',
    'home.f4.title': '报名政府开放月活动',
    'home.f4.text': '居民可报名参加“政府开放月”开放日活动，走进政府机关。',
    'home.cta_register': '注册账号',
    'home.cta_login': '登录',
    'home.cta_me': '查看我的账户',

    'field.login': '手机号或电子邮箱',
    'field.login_hint': '中国大陆手机号（如 13812345678）或电子邮箱地址',
    'field.password': '密码',
    'field.password_hint': '8–128 个字符',
    'field.display_name': '显示名称',
    'field.display_name_hint': '发表意见时显示的名称，1–64 个字符',
    'form.busy': '正在提交…',

    'register.title': '注册账号',
    'register.lead': '注册后即可对决策草案发表意见、报名参加开放日活动。',
    'register.submit': '注册',
    'register.have_account': '已有账号？',
    'register.to_login': '直接登录',

    'login.title': '登录',
    'login.submit': '登录',
    'login.no_account': '还没有账号？',
    'login.to_register': '注册账号',

    'me.title': '我的账户',
    'me.loading': '正在加载…',
    'me.display_name': '显示名称',
    'me.login': '登录账号',
    'me.roles': '身份',
    'me.department': '所属部门',
    'me.created_at': '注册时间',
    'me.none': '无',
    'list.separator': '、',

    'role.resident': '居民',
    'role.representative': '公众代表',
    'role.staff': '工作人员',
    'role.admin': '管理员',

    'flash.registered': '注册成功，已为您登录。',
    'flash.logged_in': '登录成功。',
    'flash.logged_out': '您已安全退出。',
    'flash.login_required': '请先登录。',
    'flash.registered_login_failed': '注册成功，但自动登录失败，请手动登录。',

    'error.invalid_request': '请求无效，请刷新页面后重试。',
    'error.validation_failed': '请检查标出的内容。',
    'error.login_taken': '该手机号或邮箱已注册，请直接登录。',
    'error.invalid_credentials': '账号或密码不正确。',
    'error.too_many_attempts': '尝试次数过多，请稍后再试。',
    'error.unauthorized': '登录已失效，请重新登录。',
    'error.forbidden': '您没有权限执行此操作。',
    'error.not_found': '未找到请求的内容。',
    'error.internal': '服务器出错，请稍后再试。',
    'error.network': '无法连接服务器，请检查网络后重试。',
    'error.unknown': '出现错误，请稍后再试。',
  },
  en: {
    'app.name': 'Canyu',
    'app.tagline': 'Yangpu District Public Participation',
    'app.skip': 'Skip to main content',
    'footer.owner': 'Yangpu District People’s Government, Shanghai',
    'footer.note': 'Canyu (参与) · public participation platform',

    'lang.switch': '中文',
    'lang.switch_code': 'zh-CN',

    'nav.label': 'Main navigation',
    'nav.home': 'Home',
    'nav.login': 'Log in',
    'nav.register': 'Register',
    'nav.me': 'My account',
    'nav.logout': 'Log out',

    'home.title': 'Have your say in Yangpu’s public decisions',
    'home.lead': 'Canyu (参与, “take part”) is the public-participation platform of the Yangpu District People’s Government. Drafts of major decisions are published for comment before they are made: read them, comment, and see how comments were taken into account.',
    'home.features': 'On this platform you can',
    'home.f1.title': 'Comment on draft decisions',
    'home.f1.text': 'Drafts of major decisions are open for comment for at least 30 days. Residents can comment online during that window.',
    'home.f2.title': 'See how comments were used',
    'home.f2.text': 'After the consultation closes, staff publish which comments were adopted, and why.',
    'home.f3.title': 'Observe government meetings',
    'home.f3.text': 'Public representatives can apply to observe executive meetings of the district government.',
    'home.f4.title': 'Join Government Open Month',
    'home.f4.text': 'Residents can sign up for open days during Government Open Month and visit government offices.',
    'home.cta_register': 'Create an account',
    'home.cta_login': 'Log in',
    'home.cta_me': 'Go to my account',

    'field.login': 'Mobile number or e-mail',
    'field.login_hint': 'A mainland China mobile number (e.g. 13812345678) or an e-mail address',
    'field.password': 'Password',
    'field.password_hint': '8–128 characters',
    'field.display_name': 'Display name',
    'field.display_name_hint': 'Shown with your comments, 1–64 characters',
    'form.busy': 'Sending…',

    'register.title': 'Create an account',
    'register.lead': 'With an account you can comment on draft decisions and sign up for open days.',
    'register.submit': 'Register',
    'register.have_account': 'Already registered?',
    'register.to_login': 'Log in',

    'login.title': 'Log in',
    'login.submit': 'Log in',
    'login.no_account': 'No account yet?',
    'login.to_register': 'Create one',

    'me.title': 'My account',
    'me.loading': 'Loading…',
    'me.display_name': 'Display name',
    'me.login': 'Login',
    'me.roles': 'Roles',
    'me.department': 'Department',
    'me.created_at': 'Registered on',
    'me.none': 'None',
    'list.separator': ', ',

    'role.resident': 'Resident',
    'role.representative': 'Representative',
    'role.staff': 'Staff',
    'role.admin': 'Administrator',

    'flash.registered': 'Your account was created and you are logged in.',
    'flash.logged_in': 'You are logged in.',
    'flash.logged_out': 'You have been logged out.',
    'flash.login_required': 'Please log in first.',
    'flash.registered_login_failed': 'Your account was created, but automatic log-in failed. Please log in.',

    'error.invalid_request': 'The request was not valid. Please reload the page and try again.',
    'error.validation_failed': 'Please check the highlighted fields.',
    'error.login_taken': 'This mobile number or e-mail is already registered. Please log in.',
    'error.invalid_credentials': 'Incorrect login or password.',
    'error.too_many_attempts': 'Too many attempts. Please try again later.',
    'error.unauthorized': 'Your session has ended. Please log in again.',
    'error.forbidden': 'You are not allowed to do this.',
    'error.not_found': 'The requested item was not found.',
    'error.internal': 'Something went wrong on the server. Please try again later.',
    'error.network': 'Cannot reach the server. Please check your connection and try again.',
    'error.unknown': 'Something went wrong. Please try again later.',
  },
};

let current = readStoredLang();

function readStoredLang() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(stored) ? stored : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG; // storage can be blocked (private mode, policies)
  }
}

export function getLang() {
  return current;
}

export function has(key) {
  return key in messages[current] || key in messages[DEFAULT_LANG];
}

// t('key', {name: 'x'}) replaces {name}; unknown keys show the key so gaps are visible.
export function t(key, vars = {}) {
  const text = messages[current][key] ?? messages[DEFAULT_LANG][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// Persists the choice, updates <html lang>, and tells the app to re-render.
export function setLang(lang) {
  current = LANGS.includes(lang) ? lang : DEFAULT_LANG;
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    /* choice then only lasts for this page view */
  }
  document.documentElement.lang = current;
  window.dispatchEvent(new Event('canyu:lang'));
}
