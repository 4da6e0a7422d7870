// The kiosk account's fixed names, shared with the credential provider (native-bridge): the
// provider logs the kiosk on as this account with the password it reads from this LSA secret.
#pragma once

// Local account the kiosk runs under (policy KioskAccount overrides the provider's default).
#define MYPASS_KIOSK_ACCOUNT L"MyPassKiosk"
// "L$" = a local LSA secret: never replicated, readable only by SYSTEM and Administrators.
#define MYPASS_KIOSK_SECRET L"L$MyPassKioskAccount"
#define MYPASS_KIOSK_ACCOUNT_COMMENT L"MyPass: runs the password reset kiosk from the sign-in screen"
