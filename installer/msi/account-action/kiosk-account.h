// The kiosk account's fixed names, shared with the credential provider (native-bridge): the
// provider logs the kiosk on as this account by S4U, without a password (none is kept anywhere).
#pragma once

// Local account the kiosk runs under (policy KioskAccount overrides the provider's default).
#define MYPASS_KIOSK_ACCOUNT L"MyPassKiosk"
// The LSA secret earlier builds kept the password in ("L$" = local); now only ever deleted.
#define MYPASS_KIOSK_SECRET L"L$MyPassKioskAccount"
#define MYPASS_KIOSK_ACCOUNT_COMMENT L"MyPass: runs the password reset kiosk from the sign-in screen"
