// Every registry policy value the credential provider reads: ONE table, nothing read elsewhere.
// PARSED BY installer/test (the ADMX test compares its (key, value name, type) set with this table):
// keep exactly one entry per line, in exactly this form, no line breaks or comments inside an entry:
//   MYPASS_POLICY_VALUE(<key constant>, L"<ValueName>", <REG_DWORD|REG_SZ|REG_MULTI_SZ>, <Id>, "<kioskField>")
// <key constant> is MYPASS_KEY_CREDENTIAL_PROVIDER or MYPASS_KEY_KIOSK (defined below, under HKLM).
// <kioskField> is the kioskPolicySchema field the value is forwarded as over the pipe ("" = not forwarded).
// Strings (REG_SZ) also accept REG_EXPAND_SZ, read unexpanded; ranges and defaults are in policy.cpp.
#pragma once

#define MYPASS_KEY_CREDENTIAL_PROVIDER L"SOFTWARE\\Policies\\MyPass\\CredentialProvider"
#define MYPASS_KEY_KIOSK L"SOFTWARE\\Policies\\MyPass\\Kiosk"

#define MYPASS_POLICY_VALUES(MYPASS_POLICY_VALUE) \
MYPASS_POLICY_VALUE(MYPASS_KEY_CREDENTIAL_PROVIDER, L"Enabled", REG_DWORD, Enabled, "") \
MYPASS_POLICY_VALUE(MYPASS_KEY_CREDENTIAL_PROVIDER, L"TileLabel", REG_SZ, TileLabel, "") \
MYPASS_POLICY_VALUE(MYPASS_KEY_CREDENTIAL_PROVIDER, L"TileSubText", REG_SZ, TileSubText, "") \
MYPASS_POLICY_VALUE(MYPASS_KEY_CREDENTIAL_PROVIDER, L"TileImage", REG_SZ, TileImage, "") \
MYPASS_POLICY_VALUE(MYPASS_KEY_CREDENTIAL_PROVIDER, L"KioskPath", REG_SZ, KioskPath, "") \
MYPASS_POLICY_VALUE(MYPASS_KEY_CREDENTIAL_PROVIDER, L"KioskAccount", REG_SZ, KioskAccount, "") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"ServerUrl", REG_SZ, ServerUrl, "serverUrl") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"PinnedCa", REG_MULTI_SZ, PinnedCa, "pinnedCa") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"DefaultLanguage", REG_SZ, DefaultLanguage, "defaultLanguage") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"AllowedLanguages", REG_MULTI_SZ, AllowedLanguages, "allowedLanguages") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"InactivityTimeoutSeconds", REG_DWORD, InactivityTimeoutSeconds, "inactivityTimeoutSeconds") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"OnScreenKeyboard", REG_DWORD, OnScreenKeyboard, "onScreenKeyboard") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"HelpdeskText", REG_SZ, HelpdeskText, "helpdeskText") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"HelpdeskPhone", REG_SZ, HelpdeskPhone, "helpdeskPhone") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"GuidanceText", REG_SZ, GuidanceText, "guidanceText") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"RunMode", REG_SZ, RunMode, "") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"KioskTimeoutSeconds", REG_DWORD, KioskTimeoutSeconds, "kioskTimeoutSeconds") \
MYPASS_POLICY_VALUE(MYPASS_KEY_KIOSK, L"SignInAfterReset", REG_DWORD, SignInAfterReset, "signInAfterReset")
