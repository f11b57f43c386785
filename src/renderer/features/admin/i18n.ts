/**
 * Strings of this feature, merged into the app's dictionaries (i18n/locales). zh-CN must have
 * exactly the keys of en (the type says so; a test checks placeholders).
 */
export const adminEn = {
} as const;

export const adminZhCN: { readonly [K in keyof typeof adminEn]: string } = {
};
