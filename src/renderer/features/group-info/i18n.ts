/**
 * Strings of this feature, merged into the app's dictionaries (i18n/locales). zh-CN must have
 * exactly the keys of en (the type says so; a test checks placeholders).
 */
export const groupInfoEn = {
} as const;

export const groupInfoZhCN: { readonly [K in keyof typeof groupInfoEn]: string } = {
};
